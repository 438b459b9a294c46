/**
 * {@link LedgerReader}: one object for a backend, a citizen's app or an auditor. It syncs the three
 * contracts' events into an embedded database and answers questions from it.
 *
 * @module
 */
import { InvalidInputError } from "../errors.js";
import type { Db } from "./db.js";
import {
  exportTable,
  toCsv,
  toJson,
  answerRows,
  type ExportTable,
  type LedgerAnswer,
} from "./export.js";
import { citizenReportHtml } from "./html.js";
import type {
  CitizenQuery,
  CohortQuery,
  ControllerQuery,
  IndicatorsQuery,
  ProductQuery,
} from "./input.js";
import { MIGRATIONS, type Migration } from "./migrations.js";
import {
  LedgerQueries,
  type AsOf,
  type CitizenReport,
  type CohortResult,
  type ControllerRecord,
  type Indicators,
  type ProductReport,
} from "./queries.js";
import { Rpc, type LedgerProvider } from "./rpc.js";
import { LedgerStore, type SyncState } from "./store.js";
import { syncLedger, type SyncOptions, type SyncResult } from "./sync.js";

/** Where the database lives. */
export interface LedgerOpenOptions {
  /** A file path (created with its folder if missing), or `":memory:"`. Default `ledger.db`. */
  database?: string;
  /** The schema's migrations (tests pass their own). */
  migrations?: readonly Migration[];
}

/** What `status()` reports. */
export interface LedgerStatus {
  database: string;
  schemaVersion: number;
  source: SyncState | null;
  asOf: AsOf;
  counts: Record<string, number>;
}

/**
 * Reads the ledger: sync the events, then ask.
 *
 * @example
 * ```ts
 * import { LedgerReader } from "citizen-data-ledger/ledger";
 *
 * const ledger = LedgerReader.open({ database: "ledger.db" });
 * await ledger.sync({ provider: "https://rpc.example", contracts: { registry, licensing, pool }, startBlock });
 * const { subjects } = ledger.cohort({ grantee, purpose: "ResearchAndDevelopment", categories: ["Location"] });
 * ```
 */
export class LedgerReader {
  private readonly queries: LedgerQueries;

  private constructor(readonly store: LedgerStore) {
    this.queries = new LedgerQueries(store);
  }

  /** Opens (or creates) a ledger database and brings its schema up to date. */
  static open(options: LedgerOpenOptions = {}): LedgerReader {
    return new LedgerReader(
      LedgerStore.open(options.database ?? "ledger.db", options.migrations ?? MIGRATIONS),
    );
  }

  /** The database, for SQL of your own (read it; write only through the reader). */
  get db(): Db {
    return this.store.db;
  }

  /** Reads new events from `provider` (a URL, an EIP-1193 provider, or an ethers provider). */
  async sync(options: SyncOptions & { provider: LedgerProvider }): Promise<SyncResult> {
    const { provider, ...rest } = options;
    return await syncLedger(this.store, await Rpc.from(provider), rest);
  }

  /** Recomputes every derived table from the stored events. */
  rebuild(): { events: number; ms: number } {
    return this.store.rebuild();
  }

  /** The schema version, the deployment followed, how far it was read, and row counts. */
  status(): LedgerStatus {
    const version = this.db
      .prepare("SELECT MAX(version) AS v FROM schema_version")
      .get<{ v: number }>()!.v;
    const counts: Record<string, number> = {};
    for (const table of ["events", "consents", "licences", "sales", "pools", "members"]) {
      counts[table] = this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get<{ n: number }>()!.n;
    }
    return {
      database: this.db.location,
      schemaVersion: version,
      source: this.store.state() ?? null,
      asOf: this.queries.asOf(),
      counts,
    };
  }

  /** Subjects whose consent covers a grantee, purpose and categories at a time: a data product's cohort. */
  cohort(query: CohortQuery): CohortResult {
    return this.queries.cohort(query);
  }

  /** Whether one subject's consent covers a grantee, purpose and categories at a time. */
  isValid(query: CohortQuery & { subject: string }): boolean {
    return this.queries.isValid(query);
  }

  /** A citizen's transparency report. */
  citizenReport(query: CitizenQuery): CitizenReport {
    return this.queries.citizenReport(query);
  }

  /** A controller's record of processing (GDPR art. 30). */
  controllerRecord(query: ControllerQuery): ControllerRecord {
    return this.queries.controllerRecord(query);
  }

  /** A product's sales and revenue by party. */
  productReport(query: ProductQuery): ProductReport {
    return this.queries.productReport(query);
  }

  /** The ecosystem's indicators over a period. */
  indicators(query: IndicatorsQuery = {}): Indicators {
    return this.queries.indicators(query);
  }

  /** An answer as JSON, CSV or (the citizen's report only) HTML. */
  format(answer: LedgerAnswer, format: "json" | "csv" | "html"): string {
    if (format === "json") return toJson(answer);
    if (format === "csv") return toCsv(answerRows(answer));
    if (format !== "html") {
      throw new InvalidInputError(`No format "${String(format)}": give json, csv or html`);
    }
    if (answer.question !== "citizen-report") {
      throw new InvalidInputError(
        `HTML is made for the citizen's report only, not for ${answer.question}`,
      );
    }
    return citizenReportHtml(answer);
  }

  /** A table as JSON or CSV. */
  exportTable(table: ExportTable, format: "json" | "csv"): string {
    return exportTable(this.db, table, format);
  }

  /** Closes the database. */
  close(): void {
    this.store.close();
  }
}
