/**
 * Exports: any answer as JSON; answers and tables as CSV (RFC 4180); the citizen's report also as a
 * self-contained HTML page (see `html.ts`).
 *
 * @module
 */
import type { Db } from "./db.js";
import { CitizenDataError } from "../errors.js";
import type {
  CitizenReport,
  CohortResult,
  ControllerRecord,
  Indicators,
  ProductReport,
  Term,
} from "./queries.js";

/** Any answer of the ledger. */
export type LedgerAnswer =
  CohortResult | CitizenReport | ControllerRecord | ProductReport | Indicators;

/** A flat row of a CSV file. */
export type CsvRow = Record<string, string | number | boolean | null | undefined>;

/** JSON with two-space indentation (every amount is already a decimal string). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`;
}

function csvCell(value: CsvRow[string]): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  // A cell a spreadsheet would run as a formula (text from the chain, e.g. a revocation reason) is quoted
  // with a leading apostrophe. Numbers and hex are never touched.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV: a header with every column in first-seen order, CRLF line ends (RFC 4180). */
export function toCsv(rows: readonly CsvRow[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const lines = [columns.map(csvCell).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

const termText = (t: Term | undefined): string | undefined => (t ? (t.name ?? t.id) : undefined);
const termsText = (ts: readonly Term[] | undefined): string | undefined =>
  ts?.map((t) => t.name ?? t.id).join(" ");

/** The rows that represent an answer in a CSV file. */
export function answerRows(answer: LedgerAnswer): CsvRow[] {
  switch (answer.question) {
    case "cohort":
      return answer.subjects.map((subject) => ({ subject }));
    case "citizen-report": {
      const rows: CsvRow[] = [];
      for (const c of answer.consents) {
        rows.push({
          section: "consent",
          consentId: c.consentId,
          grantee: c.grantee,
          purpose: termText(c.purpose),
          categories: termsText(c.categories),
          status: c.status,
          validUntil: c.validUntil,
          validUntilIso: c.validUntilIso,
          receiptHash: c.receiptHash,
        });
      }
      for (const e of answer.timeline) {
        rows.push({
          section: "timeline",
          time: e.time,
          iso: e.iso,
          kind: e.kind,
          summary: e.summary,
          consentId: e.consentId,
          grantee: e.grantee,
          purpose: termText(e.purpose),
          categories: termsText(e.categories),
          validUntil: e.validUntil,
          receiptHash: e.receiptHash,
          poolId: e.poolId,
          amount: e.amount,
          counterparty: e.counterparty,
          actor: e.actor,
          via: e.via,
          txHash: e.txHash,
        });
      }
      for (const p of answer.pools) {
        rows.push({
          section: "pool",
          poolId: p.poolId,
          token: p.token.address,
          weight: p.weight,
          earned: p.earned,
          claimable: p.claimable,
          claimed: p.claimed,
          fees: p.fees,
          paidOut: p.paidOut,
          donated: p.donated,
        });
      }
      for (const l of answer.licences) {
        rows.push({
          section: "licence",
          productId: l.productId,
          poolId: l.poolId,
          basis: l.basis.join(" "),
          licensee: l.licensee,
          purpose: termText(l.purpose),
          model: l.model,
          time: l.soldAt,
          iso: l.soldIso,
          expiresAt: l.expiresAt,
          expiresIso: l.expiresIso,
          price: l.price,
          token: l.token.address,
          earned: l.earned,
          txHash: l.txHash,
        });
      }
      for (const e of answer.earnings) {
        rows.push({
          section: "earning",
          time: e.time,
          iso: e.iso,
          poolId: e.poolId,
          token: e.token,
          source: e.source,
          productId: e.productId,
          amount: e.amount,
          cumulative: e.cumulative,
        });
      }
      return rows;
    }
    case "controller-record": {
      const rows: CsvRow[] = [];
      for (const p of answer.purposes) {
        rows.push({ section: "purpose", purpose: termText(p.purpose), subjects: p.subjects });
        for (const c of p.categories) {
          rows.push({
            section: "category",
            purpose: termText(p.purpose),
            category: termText(c.category),
            subjects: c.subjects,
          });
        }
      }
      for (const l of answer.licences) {
        rows.push({
          section: "licence",
          licenceId: l.licenceId,
          productId: l.productId,
          provider: l.provider,
          consentGrantee: l.consentGrantee,
          purpose: termText(l.purpose),
          model: l.model,
          status: l.status,
          validAt: l.validAt,
          expiresAt: l.expiresAt,
          expiresIso: l.expiresIso,
          termsVersion: l.termsVersion,
          termsHash: l.termsHash,
          subjects: l.subjects,
        });
      }
      for (const p of answer.pools) {
        rows.push({
          section: "pool",
          poolId: p.poolId,
          purpose: termText(p.purpose),
          categories: termsText(p.categories),
          members: p.members,
          totalWeight: p.totalWeight,
        });
      }
      return rows;
    }
    case "product-report":
      return answer.sales.map((s) => ({
        productId: answer.product.id,
        time: s.time,
        iso: s.iso,
        licensee: s.licensee,
        purpose: termText(s.purpose),
        model: s.model,
        termsVersion: s.termsVersion,
        expiresAt: s.expiresAt,
        price: s.price,
        platformFee: s.platformFee,
        cityShare: s.cityShare,
        providerShare: s.providerShare,
        contributorsShare: s.contributorsShare,
        txHash: s.txHash,
      }));
    case "indicators": {
      const rows: CsvRow[] = [];
      const put = (metric: string, value: string | number | null, token = "") =>
        rows.push({ metric, token, value });
      put("licences.established", answer.licences.established);
      put("licences.renewals", answer.licences.renewals);
      for (const [model, n] of Object.entries(answer.licences.byModel)) {
        put(`licences.byModel.${model}`, n);
      }
      put("licences.cancelled", answer.licences.cancelled);
      put("licences.revoked", answer.licences.revoked);
      put("licences.activeAtEnd", answer.licences.activeAtEnd);
      for (const [k, v] of Object.entries(answer.citizens)) put(`citizens.${k}`, v);
      for (const [k, v] of Object.entries(answer.consents)) {
        if (typeof v === "number") put(`consents.${k}`, v);
        else for (const [via, n] of Object.entries(v)) put(`consents.${k}.${via}`, n);
      }
      for (const t of answer.value) {
        for (const [k, v] of Object.entries(t)) {
          if (k !== "token") put(`value.${k}`, v as string | number | null, t.token.address);
        }
      }
      for (const m of answer.monthly) {
        put(`monthly.${m.month}.licences`, m.licences);
        put(`monthly.${m.month}.consentsGiven`, m.consentsGiven);
        put(`monthly.${m.month}.consentsWithdrawn`, m.consentsWithdrawn);
        for (const v of m.value) put(`monthly.${m.month}.value`, v.amount, v.token);
      }
      return rows;
    }
  }
}

/** The tables `exportTable` writes, by the name the CLI uses. */
export const EXPORT_TABLES = {
  events: "SELECT * FROM events ORDER BY position",
  consents: "SELECT * FROM consents ORDER BY first_time, consent_id",
  "consent-history": "SELECT * FROM consent_history ORDER BY position",
  subjects: "SELECT * FROM subjects ORDER BY subject",
  "subject-epochs": "SELECT * FROM subject_epochs ORDER BY position",
  "category-sets": "SELECT * FROM category_sets ORDER BY id",
  products: "SELECT * FROM products ORDER BY id",
  licences: "SELECT * FROM licences ORDER BY first_time, licence_id",
  "licence-history": "SELECT * FROM licence_history ORDER BY position",
  sales: "SELECT * FROM sales ORDER BY position",
  pools: "SELECT * FROM pools ORDER BY id",
  members: "SELECT * FROM members ORDER BY pool_id, member",
  memberships: "SELECT * FROM memberships ORDER BY position",
  "pool-ledger": "SELECT * FROM pool_ledger ORDER BY position",
  "member-flows": "SELECT * FROM member_flows ORDER BY position",
  "revenue-withdrawals": "SELECT * FROM revenue_withdrawals ORDER BY position",
  donations: "SELECT * FROM donations ORDER BY pool_id, beneficiary",
} as const;

/** A table the ledger exports. */
export type ExportTable = keyof typeof EXPORT_TABLES;

/** Thrown for an unknown table or format. */
export class ExportError extends CitizenDataError {}

/**
 * A table as JSON (an array of rows; `events.args` parsed) or CSV.
 *
 * @example
 * ```ts
 * writeFileSync("sales.csv", exportTable(db, "sales", "csv"));
 * ```
 */
export function exportTable(db: Db, table: ExportTable, format: "json" | "csv"): string {
  const sql = EXPORT_TABLES[table];
  if (!sql) {
    throw new ExportError(`No table "${String(table)}" to export`, {
      details: `Tables: ${Object.keys(EXPORT_TABLES).join(", ")}`,
    });
  }
  if (format !== "json" && format !== "csv") {
    throw new ExportError(`No format "${String(format)}" to export a table in: give json or csv`);
  }
  const rows = db.prepare(sql).all<Record<string, string | number | null>>();
  if (format === "csv") return toCsv(rows);
  const parsed =
    table === "events"
      ? rows.map((r) => ({ ...r, args: JSON.parse(r.args as string) as unknown }))
      : rows;
  return toJson(parsed);
}
