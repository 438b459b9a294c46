/**
 * The citizen's transparency report as one self-contained HTML page: no script, no external style sheet,
 * font or image. Earnings over time are an inline SVG chart (with a title, a description and the same data
 * as a table), consents a table and a timeline, and everything is under plain headings so a screen reader
 * can move through it.
 *
 * @module
 */
import {
  formatAmount,
  type CitizenReport,
  type EarningPoint,
  type TokenInfo,
  type Term,
} from "./queries.js";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const termName = (t: Term): string => t.label ?? t.name ?? t.id;
const short = (address: string): string => `${address.slice(0, 6)}…${address.slice(-4)}`;
/** A date, or "no end" for none and for a year beyond 9999 (an expiry set far in the future on purpose). */
const day = (iso: string | null): string =>
  iso && !iso.startsWith("+") ? iso.slice(0, 10) : "no end";
const when = (iso: string | null): string =>
  iso && !iso.startsWith("+") ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "";

/** A number good enough to draw (not to account): the amount in whole tokens. */
function approx(amount: string, token: TokenInfo): number {
  const decimals = token.decimals ?? 0;
  return Number(BigInt(amount)) / 10 ** decimals;
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function axisNumber(value: number): string {
  if (value === 0) return "0";
  if (value >= 1000) return value.toLocaleString("en-GB", { maximumFractionDigits: 0 });
  return value.toLocaleString("en-GB", { maximumSignificantDigits: 3 });
}

/** An SVG step chart of one token's cumulative earnings. */
function earningsChart(points: readonly EarningPoint[], token: TokenInfo, index: number): string {
  const width = 720;
  const height = 280;
  const m = { top: 16, right: 24, bottom: 40, left: 72 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const t0 = first.time;
  const t1 = last.time === t0 ? t0 + 86_400 : last.time;
  const yMax = niceMax(approx(last.cumulative, token));
  const x = (t: number) => m.left + ((t - t0) / (t1 - t0)) * w;
  const y = (v: number) => m.top + h - (v / yMax) * h;
  let path = `M ${x(t0).toFixed(1)} ${y(0).toFixed(1)}`;
  for (const p of points) {
    const px = x(p.time).toFixed(1);
    path += ` H ${px} V ${y(approx(p.cumulative, token)).toFixed(1)}`;
  }
  path += ` H ${x(t1).toFixed(1)}`;
  const unit = token.symbol ?? (token.decimals === null ? "base units" : "tokens");
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax);
  const xTicks = [t0, t0 + (t1 - t0) / 2, t1];
  const titleId = `chart-${index}-title`;
  const descId = `chart-${index}-desc`;
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${titleId} ${descId}">
  <title id="${titleId}">Your earnings in ${escapeHtml(unit)} over time</title>
  <desc id="${descId}">${escapeHtml(
    `A step line rising from 0 on ${day(first.iso)} to ${formatAmount(last.cumulative, token)} on ${day(last.iso)}, over ${points.length} payment${points.length === 1 ? "" : "s"}. The table below lists each one.`,
  )}</desc>
  ${yTicks
    .map(
      (v) =>
        `<line x1="${m.left}" x2="${m.left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>` +
        `<text x="${m.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(axisNumber(v))}</text>`,
    )
    .join("\n  ")}
  ${xTicks
    .map(
      (t, i) =>
        `<text x="${x(t).toFixed(1)}" y="${height - 14}" text-anchor="${i === 0 ? "start" : i === 2 ? "end" : "middle"}">${escapeHtml(
          new Date(t * 1000).toISOString().slice(0, 10),
        )}</text>`,
    )
    .join("\n  ")}
  <text x="${m.left - 60}" y="${m.top + 4}" class="unit">${escapeHtml(unit)}</text>
  <path d="${path}" class="line"/>
  ${points
    .map(
      (p) =>
        `<circle cx="${x(p.time).toFixed(1)}" cy="${y(approx(p.cumulative, token)).toFixed(1)}" r="3"/>`,
    )
    .join("\n  ")}
</svg>`;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --card: #f4f6f8; --line: #d0d7de;
  --accent: #0a6b4f; --warn: #9a6700; --bad: #a40e26; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --card: #161b22;
  --line: #30363d; --accent: #3fb98f; --warn: #d29922; --bad: #f47067; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 2rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
p.lead { color: var(--muted); margin: 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .86em; word-break: break-all; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .75rem; padding: 0; list-style: none; }
.cards li { background: var(--card); border-radius: .5rem; padding: .85rem 1rem; }
.cards strong { display: block; font-size: 1.5rem; line-height: 1.2; }
.cards span { color: var(--muted); font-size: .9rem; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; color: var(--muted); padding-bottom: .35rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 1rem; font-size: .82rem; font-weight: 600; border: 1px solid currentColor; }
.badge.valid { color: var(--accent); } .badge.expired { color: var(--warn); }
.badge.withdrawn, .badge.voided { color: var(--bad); }
.chart { width: 100%; height: auto; max-height: 22rem; }
.chart text { fill: var(--muted); font-size: 12px; }
.chart .unit { font-weight: 600; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .line { fill: none; stroke: var(--accent); stroke-width: 2.5; }
.chart circle { fill: var(--accent); }
ol.timeline { list-style: none; margin: 0; padding: 0 0 0 1.25rem; border-left: 3px solid var(--line); }
ol.timeline li { position: relative; margin: 0 0 1rem; padding-left: .75rem; }
ol.timeline li::before { content: ""; position: absolute; left: -1.72rem; top: .45rem; width: .8rem; height: .8rem;
  border-radius: 50%; background: var(--bg); border: 3px solid var(--accent); }
ol.timeline li.withdrawn::before, ol.timeline li.all::before { border-color: var(--bad); }
ol.timeline time { display: block; color: var(--muted); font-size: .88rem; }
footer { color: var(--muted); font-size: .88rem; padding-bottom: 2.5rem; }
@media print { h2 { break-after: avoid; } table, li { break-inside: avoid; } }
`;

/**
 * The citizen's report as a self-contained HTML page.
 *
 * @example
 * ```ts
 * writeFileSync("report.html", citizenReportHtml(ledger.citizenReport({ subject })));
 * ```
 */
export function citizenReportHtml(report: CitizenReport): string {
  const e = escapeHtml;
  const validNow = report.consents.filter((c) => c.status === "valid").length;
  const tokenOf = new Map<string, TokenInfo>();
  for (const p of report.pools) tokenOf.set(p.token.address, p.token);
  for (const l of report.licences) tokenOf.set(l.token.address, l.token);
  const tokenFor = (address: string): TokenInfo =>
    tokenOf.get(address) ?? { address, symbol: null, decimals: null };

  const earnedCards = report.totals.length
    ? report.totals
        .map(
          (t) =>
            `<li><strong>${e(formatAmount(t.earned, t.token))}</strong><span>earned in total; ${e(
              formatAmount(t.claimable, t.token),
            )} still to claim</span></li>`,
        )
        .join("")
    : `<li><strong>0</strong><span>earned so far</span></li>`;

  const byToken = new Map<string, EarningPoint[]>();
  for (const p of report.earnings) byToken.set(p.token, [...(byToken.get(p.token) ?? []), p]);
  const charts = [...byToken]
    .map(([address, points], i) => {
      const token = tokenFor(address);
      const rows = points
        .map(
          (p) =>
            `<tr><td>${e(when(p.iso))}</td><td>Pool ${p.poolId}${
              p.source === "sale" ? `, licence sale of product ${p.productId}` : ", deposit"
            }</td><td class="num">${e(formatAmount(p.amount, token))}</td><td class="num">${e(
              formatAmount(p.cumulative, token),
            )}</td></tr>`,
        )
        .join("\n");
      return `<figure>
${earningsChart(points, token, i)}
<figcaption>What you earned in ${e(token.symbol ?? short(address))}, added up over time.</figcaption>
</figure>
<h3 id="earnings-table-${i}">Earnings, payment by payment</h3>
<table aria-labelledby="earnings-table-${i}">
<thead><tr><th scope="col">When</th><th scope="col">From</th><th scope="col" class="num">You earned</th><th scope="col" class="num">Running total</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
    })
    .join("\n");

  const consentRows = report.consents
    .map(
      (c) => `<tr>
<td><span class="mono">${e(c.grantee)}</span></td>
<td>${e(termName(c.purpose))}</td>
<td>${e(c.categories.map(termName).join(", "))}</td>
<td><span class="badge ${e(c.status)}">${e(c.status)}</span></td>
<td>${e(day(c.validUntilIso))}</td>
<td><span class="mono">${e(c.receiptHash)}</span>${
        c.receiptMatchesGrant === null
          ? ""
          : c.receiptMatchesGrant
            ? "<br>receipt attached and matches the grant"
            : "<br><strong>the attached receipt does not match the grant</strong>"
      }</td>
</tr>`,
    )
    .join("\n");

  const timeline = report.timeline
    .map((t) => {
      const cls =
        t.kind === "consent-withdrawn"
          ? "withdrawn"
          : t.kind === "all-consents-withdrawn"
            ? "all"
            : "";
      const by =
        t.via && t.via !== "Subject"
          ? ` <em>(${t.via === "Operator" ? "by your operator" : "signed by you, sent by"} ${e(
              t.actor ? short(t.actor) : "",
            )})</em>`
          : "";
      return `<li${cls ? ` class="${cls}"` : ""}><time datetime="${e(t.iso ?? "")}">${e(when(t.iso))}</time>${e(
        t.summary,
      )}${by}${t.receiptHash ? `<br><small>receipt <span class="mono">${e(t.receiptHash)}</span></small>` : ""}</li>`;
    })
    .join("\n");

  const poolRows = report.pools
    .map(
      (p) => `<tr>
<td>Pool ${p.poolId}<br><small>${e(termName(p.purpose))}: ${e(p.categories.map(termName).join(", "))}</small></td>
<td>${p.weight > 0 ? `member, weight ${p.weight}` : "no longer a member"}<br><small>since ${e(day(p.periods[0]?.fromIso ?? null))}</small></td>
<td class="num">${e(formatAmount(p.earned, p.token))}</td>
<td class="num">${e(formatAmount((BigInt(p.claimed) + BigInt(p.paidOut)).toString(), p.token))}</td>
<td class="num">${e(formatAmount(p.donated, p.token))}</td>
<td class="num">${e(formatAmount(p.claimable, p.token))}</td>
</tr>`,
    )
    .join("\n");

  const licenceRows = report.licences
    .map(
      (l) => `<tr>
<td><span class="mono">${e(l.licensee)}</span></td>
<td>${e(termName(l.purpose))}</td>
<td>Product ${l.productId}${l.poolId ? ` (pool ${l.poolId})` : ""}<br><small>${e(
        l.basis
          .map((b) => (b === "pool" ? "you were a pool member" : "your consent was valid"))
          .join("; "),
      )}</small></td>
<td>${e(day(l.soldIso))} – ${l.perpetual ? "no end" : e(day(l.expiresIso))}</td>
<td class="num">${e(formatAmount(l.price, l.token))}</td>
<td class="num">${e(formatAmount(l.earned, l.token))}</td>
</tr>`,
    )
    .join("\n");

  const asOf =
    report.asOf.block === null
      ? "nothing read yet"
      : `block ${report.asOf.block} (${when(report.asOf.iso)})`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>What the ledger holds about ${e(short(report.subject))}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>What the ledger holds about you</h1>
<p class="lead">Account <span class="mono">${e(report.subject)}</span>. Read from chain ${e(
    report.asOf.chainId ?? "?",
  )} up to ${e(asOf)}; generated ${e(when(report.generatedAt))}.</p>
</header>
<main>
<section aria-labelledby="summary">
<h2 id="summary">In short</h2>
<ul class="cards">
<li><strong>${validNow}</strong><span>consent${validNow === 1 ? "" : "s"} in force, of ${report.consents.length} given</span></li>
<li><strong>${report.pools.length}</strong><span>data pool${report.pools.length === 1 ? "" : "s"} joined</span></li>
<li><strong>${report.licences.length}</strong><span>licence${report.licences.length === 1 ? "" : "s"} sold on data you are part of</span></li>
${earnedCards}
</ul>
${report.operator ? `<p>Your operator (who may withdraw consents for you, never give them): <span class="mono">${e(report.operator)}</span>.</p>` : ""}
</section>

<section aria-labelledby="earnings">
<h2 id="earnings">Your earnings over time</h2>
${charts || "<p>You have not earned anything yet.</p>"}
</section>

<section aria-labelledby="consents">
<h2 id="consents">Your consents</h2>
${
  report.consents.length
    ? `<table aria-labelledby="consents">
<thead><tr><th scope="col">Given to</th><th scope="col">Purpose</th><th scope="col">Your data</th><th scope="col">Status</th><th scope="col">Valid until</th><th scope="col">Receipt</th></tr></thead>
<tbody>
${consentRows}
</tbody>
</table>`
    : "<p>You have not given any consent.</p>"
}
</section>

<section aria-labelledby="timeline">
<h2 id="timeline">Timeline</h2>
${report.timeline.length ? `<ol class="timeline">\n${timeline}\n</ol>` : "<p>Nothing has happened yet.</p>"}
</section>

<section aria-labelledby="pools">
<h2 id="pools">Data pools</h2>
${
  report.pools.length
    ? `<table aria-labelledby="pools">
<thead><tr><th scope="col">Pool</th><th scope="col">You</th><th scope="col" class="num">Earned</th><th scope="col" class="num">Paid to you</th><th scope="col" class="num">Donated</th><th scope="col" class="num">To claim</th></tr></thead>
<tbody>
${poolRows}
</tbody>
</table>`
    : "<p>You have not joined a data pool.</p>"
}
</section>

<section aria-labelledby="licences">
<h2 id="licences">Who licensed data you are part of</h2>
${
  report.licences.length
    ? `<table aria-labelledby="licences">
<thead><tr><th scope="col">Licensee</th><th scope="col">For</th><th scope="col">Product</th><th scope="col">Period</th><th scope="col" class="num">Price</th><th scope="col" class="num">Your share</th></tr></thead>
<tbody>
${licenceRows}
</tbody>
</table>`
    : "<p>No licence has been sold on data you are part of.</p>"
}
</section>

<section aria-labelledby="about">
<h2 id="about">About this report</h2>
<p>This is your right of access (GDPR article 15): every consent you gave and withdrew, the pools you joined, who licensed data you are part of and for what, and what you earned, claimed and donated. It is read from the public events of the consent registry${
    report.contracts ? ` (<span class="mono">${e(report.contracts.registry)}</span>)` : ""
  }, the data licensing contract and the revenue pools; anyone can check it against the chain. No personal data is on the chain: only your pseudonymous account, the ids of what you consented to, and the hashes of your consent receipts.</p>
</section>
</main>
<footer>
<p>Amounts are exact; the chart rounds them only to draw. Times are in UTC.</p>
</footer>
</body>
</html>
`;
}
