import { expect } from "chai";
import { network } from "hardhat";
import { id, parseEther } from "ethers";
import { InvalidInputError } from "../../sdk/index.js";
import {
  ExportError,
  LedgerReader,
  citizenReportHtml,
  escapeHtml,
  formatAmount,
  toCsv,
  type Eip1193Provider,
} from "../../sdk/ledger/index.js";
import { PURPOSE } from "../helpers/consent.js";
import { deployLedgerWorld, someActivity } from "../helpers/ledger.js";

const { ethers, networkHelpers, provider } = await network.create();
const { loadFixture, time } = networkHelpers;
const rpc = provider as unknown as Eip1193Provider;

/** Parses RFC 4180 CSV (quoted cells with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

async function exportFixture() {
  const w = await deployLedgerWorld(ethers);
  await someActivity(w, 0);
  await time.increase(86_400);
  await someActivity(w, 1);
  await w.licensing
    .connect(w.provider)
    .revoke(3n, w.buyers[0]!.address, PURPOSE, '=HYPERLINK("x"), then\nmore', id("evidence"), 0n);
  await w.pool.connect(w.buyers[2]!).deposit(1n, parseEther("3"));
  const ledger = LedgerReader.open({ database: ":memory:" });
  await ledger.sync({ provider: rpc, contracts: w.contracts });
  return { w, ledger };
}

describe("Ledger exports", function () {
  this.timeout(60_000);

  it("writes any answer as JSON that parses back to the same answer", async () => {
    const { w, ledger } = await loadFixture(exportFixture);
    const cohort = ledger.cohort({
      grantee: w.grantee.address,
      purpose: PURPOSE,
      categories: ["Age", "Location"],
    });
    expect(cohort.count).to.equal(2);
    expect(JSON.parse(ledger.format(cohort, "json"))).to.deep.equal(cohort);
    const report = ledger.citizenReport({ subject: w.citizens[0]!.address });
    expect(JSON.parse(ledger.format(report, "json"))).to.deep.equal(report);
    const indicators = ledger.indicators();
    expect(JSON.parse(ledger.format(indicators, "json"))).to.deep.equal(indicators);
  });

  it("writes CSV by RFC 4180, with text a spreadsheet would run as a formula defused", () => {
    const csv = toCsv([
      { a: "plain", b: 1 },
      { a: 'with "quotes", a comma\nand a line', c: true },
      { a: "=SUM(A1:A2)", b: null },
      { a: "-2", b: -2 },
    ]);
    expect(csv.split("\r\n")[0]).to.equal("a,b,c");
    expect(parseCsv(csv)).to.deep.equal([
      ["a", "b", "c"],
      ["plain", "1", ""],
      ['with "quotes", a comma\nand a line', "", "true"],
      ["'=SUM(A1:A2)", "", ""],
      ["'-2", "-2", ""],
    ]);
  });

  it("writes each answer as CSV rows and any table as JSON or CSV", async () => {
    const { w, ledger } = await loadFixture(exportFixture);
    const cohort = ledger.cohort({
      grantee: w.grantee.address,
      purpose: PURPOSE,
      categories: ["Age"],
    });
    expect(parseCsv(ledger.format(cohort, "csv"))).to.deep.equal([
      ["subject"],
      ...cohort.subjects.map((s) => [s]),
    ]);

    const report = ledger.citizenReport({ subject: w.citizens[0]!.address });
    const rows = parseCsv(ledger.format(report, "csv"));
    const section = rows[0]!.indexOf("section");
    const sections = new Set(rows.slice(1).map((r) => r[section]));
    expect([...sections]).to.have.members(["consent", "timeline", "pool", "licence", "earning"]);
    expect(rows.length - 1).to.equal(
      report.consents.length +
        report.timeline.length +
        report.pools.length +
        report.licences.length +
        report.earnings.length,
    );

    const product = ledger.productReport({ productId: 1 });
    const productRows = parseCsv(ledger.format(product, "csv"));
    expect(productRows[0]).to.include.members(["licensee", "price", "contributorsShare", "txHash"]);
    expect(productRows.length - 1).to.equal(product.sales.length);

    const indicatorRows = parseCsv(ledger.format(ledger.indicators(), "csv"));
    expect(indicatorRows[0]).to.deep.equal(["metric", "token", "value"]);
    expect(indicatorRows.find((r) => r[0] === "consents.given")![2]).to.equal(
      String(ledger.indicators().consents.given),
    );

    const events = JSON.parse(ledger.exportTable("events", "json")) as {
      name: string;
      args: Record<string, unknown>;
    }[];
    expect(events).to.have.length(ledger.status().counts.events!);
    expect(events.find((e) => e.name === "PoolCreated")!.args.params).to.be.an("object");
    const history = parseCsv(ledger.exportTable("licence-history", "csv"));
    const reason = history[0]!.indexOf("reason");
    expect(history.slice(1).find((r) => r[reason] !== "")![reason]).to.equal(
      `'=HYPERLINK("x"), then\nmore`,
    );
    expect(() => ledger.format(product, "html")).to.throw("citizen's report only");
  });

  it("refuses a table it does not export and a format it does not write, naming the ones it does", async () => {
    const { w, ledger } = await loadFixture(exportFixture);
    const report = ledger.citizenReport({ subject: w.citizens[0]!.address });
    expect(() => ledger.format(report, "xml" as "json")).to.throw(
      InvalidInputError,
      'No format "xml": give json, csv or html',
    );
    expect(() => ledger.exportTable("sales", "html" as "json")).to.throw(
      ExportError,
      'No format "html" to export a table in: give json or csv',
    );
    expect(() => ledger.exportTable("sale" as "sales", "csv"))
      .to.throw(ExportError, 'No table "sale" to export')
      .with.property("details")
      .that.contains("sales")
      .and.contains("licence-history");
  });

  describe("citizen's report as HTML", () => {
    it("is one self-contained, accessible page with the earnings chart, its table and the consent timeline", async () => {
      const { w, ledger } = await loadFixture(exportFixture);
      const subject = w.citizens[0]!.address;
      const report = ledger.citizenReport({ subject });
      expect(report.earnings.length).to.be.greaterThan(1);
      const html = ledger.format(report, "html");
      expect(html.startsWith('<!doctype html>\n<html lang="en">')).to.equal(true);
      // Self-contained: no script, no external style sheet, font, image or link.
      expect(html).not.to.match(/<script|<link|<img|<iframe|@import|url\(|src=|href=/i);
      expect(html).not.to.match(/https?:\/\//);
      // Headings a screen reader can move through, and the chart described in words.
      for (const heading of [
        "What the ledger holds about you",
        "Your earnings over time",
        "Your consents",
        "Timeline",
        "Data pools",
        "Who licensed data you are part of",
        "About this report",
      ]) {
        expect(html).to.contain(heading);
      }
      expect(html).to.match(
        /<svg class="chart" viewBox="0 0 720 280" role="img" aria-labelledby="chart-0-title chart-0-desc">/,
      );
      expect(html).to.contain('<title id="chart-0-title">Your earnings in EURC over time</title>');
      const points = html.match(/<circle /g) ?? [];
      expect(points).to.have.length(report.earnings.length);
      // The table fallback: one row per payment, with the running total.
      const table = html.slice(html.indexOf("Earnings, payment by payment"));
      const rows = table.slice(0, table.indexOf("</table>")).match(/<tr><td>/g) ?? [];
      expect(rows).to.have.length(report.earnings.length);
      const total = report.earnings.at(-1)!.cumulative;
      expect(html).to.contain(formatAmount(total, report.pools[0]!.token)); // in whole tokens, exact
      expect(formatAmount(total, report.pools[0]!.token)).to.match(/^\d+(\.\d+)? EURC$/);
      // The consents and the timeline.
      expect(html).to.contain(subject);
      expect(html).to.contain('<span class="badge valid">valid</span>');
      expect(html).to.contain("<td>no end</td>"); // valid until 2^40 - 1: the year 36812
      expect((html.match(/<li(?: class="[a-z]+")?><time datetime=/g) ?? []).length).to.equal(
        report.timeline.length,
      );
      expect(html).to.contain("Consent given to");
      expect(html).to.contain("Research and Development (Age, Location), with no end date");
      expect(html).to.contain(report.consents[0]!.receiptHash);
    });

    it("says so plainly when there is nothing to show, and escapes everything it writes", async () => {
      const { w, ledger } = await loadFixture(exportFixture);
      const html = citizenReportHtml(ledger.citizenReport({ subject: w.ngo.address }));
      expect(html).to.contain("You have not earned anything yet.");
      expect(html).to.contain("You have not given any consent.");
      expect(html).not.to.contain("<svg");
      expect(escapeHtml(`<script>alert("x") & 'y'</script>`)).to.equal(
        "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;",
      );
    });
  });
});
