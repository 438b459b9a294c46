/**
 * The ledger database's schema, as numbered migrations applied in order, each in one transaction.
 * `docs/ledger.md` documents every table.
 *
 * To change the schema: append a migration with the next number, never edit one that was released. A
 * migration that changes how derived tables are computed sets `rebuild: true`: after it is applied the
 * reader recomputes every derived table from the `events` table, which is the source of truth.
 *
 * @module
 */
import { CitizenDataError } from "../errors.js";
import type { Db } from "./db.js";

/** One step of the schema's history. */
export interface Migration {
  /** 1, 2, 3, …: applied in this order, each once. */
  readonly version: number;
  /** What it changes, recorded in `schema_version`. */
  readonly description: string;
  /** The SQL it runs. */
  readonly up: string;
  /** Whether derived tables must be recomputed from `events` afterwards. */
  readonly rebuild?: boolean;
}

/** Tables recomputed from `events`; {@link DERIVED_TABLES} lists them for a rebuild. */
const V1_DERIVED = `
CREATE TABLE category_sets (
  id INTEGER PRIMARY KEY,
  categories TEXT NOT NULL,
  size INTEGER NOT NULL,
  time INTEGER NOT NULL
);
CREATE TABLE category_set_members (
  category TEXT NOT NULL,
  set_id INTEGER NOT NULL,
  PRIMARY KEY (category, set_id)
) WITHOUT ROWID;
CREATE INDEX category_set_members_by_set ON category_set_members (set_id, category);

CREATE TABLE subjects (
  subject TEXT PRIMARY KEY,
  epoch INTEGER NOT NULL,
  operator TEXT,
  first_time INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE subject_epochs (
  subject TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  position INTEGER NOT NULL,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  via TEXT NOT NULL,
  PRIMARY KEY (subject, epoch)
) WITHOUT ROWID;

CREATE TABLE consents (
  consent_id TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  grantee TEXT NOT NULL,
  purpose TEXT NOT NULL,
  category_set_id INTEGER NOT NULL,
  valid_until INTEGER NOT NULL,
  valid_until_exact TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  nonce INTEGER NOT NULL,
  active INTEGER NOT NULL,
  receipt_hash TEXT NOT NULL,
  first_time INTEGER NOT NULL,
  position INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX consents_by_subject ON consents (subject);
CREATE INDEX consents_by_grantee ON consents (grantee, purpose);

CREATE TABLE consent_history (
  position INTEGER PRIMARY KEY,
  consent_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  grantee TEXT NOT NULL,
  purpose TEXT NOT NULL,
  action TEXT NOT NULL,
  category_set_id INTEGER NOT NULL,
  valid_until INTEGER NOT NULL,
  valid_until_exact TEXT NOT NULL,
  epoch INTEGER NOT NULL,
  receipt_hash TEXT,
  nonce INTEGER NOT NULL,
  actor TEXT NOT NULL,
  via TEXT NOT NULL,
  time INTEGER NOT NULL,
  ended_time INTEGER,
  voided_time INTEGER,
  valid_from INTEGER,
  valid_to INTEGER
);
CREATE INDEX consent_history_cohort
  ON consent_history (grantee, purpose, valid_to, valid_from, category_set_id, subject);
CREATE INDEX consent_history_by_subject ON consent_history (subject, position);
CREATE INDEX consent_history_open ON consent_history (consent_id) WHERE ended_time IS NULL;
CREATE INDEX consent_history_unvoided ON consent_history (subject)
  WHERE voided_time IS NULL AND action = 'granted';

CREATE TABLE parties (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL,
  city TEXT NOT NULL,
  contributors TEXT NOT NULL
);
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL,
  parties_id INTEGER NOT NULL,
  token TEXT NOT NULL,
  price TEXT NOT NULL,
  period INTEGER NOT NULL,
  terms_version INTEGER NOT NULL,
  city_bps INTEGER NOT NULL,
  provider_bps INTEGER NOT NULL,
  renewable INTEGER NOT NULL,
  paused INTEGER NOT NULL,
  pool_id INTEGER NOT NULL,
  consent_grantee TEXT NOT NULL,
  metadata_uri TEXT NOT NULL,
  terms_hash TEXT NOT NULL,
  arbiter TEXT,
  time INTEGER NOT NULL
);
CREATE INDEX products_by_pool ON products (pool_id);
CREATE INDEX products_by_grantee ON products (consent_grantee);
CREATE TABLE product_purposes (
  product_id INTEGER NOT NULL,
  purpose TEXT NOT NULL,
  PRIMARY KEY (product_id, purpose)
) WITHOUT ROWID;
CREATE TABLE product_terms (
  product_id INTEGER NOT NULL,
  terms_version INTEGER NOT NULL,
  price TEXT NOT NULL,
  period INTEGER NOT NULL,
  renewable INTEGER NOT NULL,
  metadata_uri TEXT NOT NULL,
  terms_hash TEXT NOT NULL,
  time INTEGER NOT NULL,
  PRIMARY KEY (product_id, terms_version)
) WITHOUT ROWID;

CREATE TABLE licences (
  licence_id TEXT PRIMARY KEY,
  product_id INTEGER NOT NULL,
  licensee TEXT NOT NULL,
  purpose TEXT NOT NULL,
  status TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  expires_at_exact TEXT NOT NULL,
  terms_version INTEGER NOT NULL,
  first_time INTEGER NOT NULL,
  position INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX licences_by_licensee ON licences (licensee);
CREATE INDEX licences_by_product ON licences (product_id);
CREATE TABLE licence_history (
  position INTEGER PRIMARY KEY,
  licence_id TEXT NOT NULL,
  product_id INTEGER NOT NULL,
  licensee TEXT NOT NULL,
  purpose TEXT NOT NULL,
  action TEXT NOT NULL,
  model TEXT,
  status TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  expires_at_exact TEXT NOT NULL,
  terms_version INTEGER NOT NULL,
  time INTEGER NOT NULL,
  ended_time INTEGER,
  valid_from INTEGER,
  valid_to INTEGER,
  revoked_by TEXT,
  reason TEXT,
  evidence_hash TEXT,
  refund TEXT
);
CREATE INDEX licence_history_open ON licence_history (licence_id) WHERE ended_time IS NULL;
CREATE INDEX licence_history_by_licensee ON licence_history (licensee, position);
CREATE INDEX licence_history_by_product ON licence_history (product_id, position);

CREATE TABLE sales (
  position INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL,
  pool_id INTEGER NOT NULL,
  licensee TEXT NOT NULL,
  purpose TEXT NOT NULL,
  model TEXT NOT NULL,
  terms_version INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  expires_at_exact TEXT NOT NULL,
  token TEXT NOT NULL,
  price TEXT NOT NULL,
  platform_fee TEXT NOT NULL,
  city_share TEXT NOT NULL,
  provider_share TEXT NOT NULL,
  contributors_share TEXT NOT NULL,
  time INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  tx_hash TEXT NOT NULL
);
CREATE INDEX sales_by_product ON sales (product_id, position);
CREATE INDEX sales_by_time ON sales (time);

CREATE TABLE revenue_withdrawals (
  position INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  source_id INTEGER NOT NULL,
  role TEXT NOT NULL,
  recipient TEXT NOT NULL,
  amount TEXT NOT NULL,
  time INTEGER NOT NULL
);
CREATE INDEX revenue_withdrawals_by_source ON revenue_withdrawals (source, source_id);

CREATE TABLE pools (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL,
  token TEXT NOT NULL,
  city TEXT NOT NULL,
  platform_bps INTEGER NOT NULL,
  city_bps INTEGER NOT NULL,
  provider_bps INTEGER NOT NULL,
  contributors_bps INTEGER NOT NULL,
  consent_grantee TEXT NOT NULL,
  purpose TEXT NOT NULL,
  category_set_id INTEGER NOT NULL,
  default_weight INTEGER NOT NULL,
  total_weight INTEGER NOT NULL,
  received TEXT NOT NULL,
  accumulated TEXT NOT NULL,
  carried TEXT NOT NULL,
  unassigned TEXT NOT NULL,
  time INTEGER NOT NULL
);
CREATE TABLE pool_beneficiaries (
  pool_id INTEGER NOT NULL,
  beneficiary TEXT NOT NULL,
  allowed INTEGER NOT NULL,
  PRIMARY KEY (pool_id, beneficiary)
) WITHOUT ROWID;
CREATE TABLE members (
  pool_id INTEGER NOT NULL,
  member TEXT NOT NULL,
  weight INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  balance TEXT NOT NULL,
  claimed TEXT NOT NULL,
  fees TEXT NOT NULL,
  paid_out TEXT NOT NULL,
  donated TEXT NOT NULL,
  auto_donate_bps INTEGER NOT NULL,
  auto_donate_to TEXT,
  payout_address TEXT,
  first_time INTEGER NOT NULL,
  PRIMARY KEY (pool_id, member)
) WITHOUT ROWID;
CREATE INDEX members_by_member ON members (member);
CREATE TABLE memberships (
  position INTEGER PRIMARY KEY,
  pool_id INTEGER NOT NULL,
  member TEXT NOT NULL,
  weight INTEGER NOT NULL,
  change TEXT NOT NULL,
  from_time INTEGER NOT NULL,
  to_position INTEGER,
  to_time INTEGER,
  ended_by TEXT
);
CREATE INDEX memberships_open ON memberships (pool_id, member) WHERE to_position IS NULL;
CREATE INDEX memberships_by_member ON memberships (member, pool_id, position);
CREATE INDEX memberships_by_pool ON memberships (pool_id, position);
CREATE TABLE pool_ledger (
  position INTEGER PRIMARY KEY,
  pool_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  product_id INTEGER,
  payer TEXT NOT NULL,
  amount TEXT NOT NULL,
  platform TEXT NOT NULL,
  city TEXT NOT NULL,
  provider TEXT NOT NULL,
  contributors TEXT NOT NULL,
  total_weight INTEGER NOT NULL,
  accumulated TEXT NOT NULL,
  per_weight TEXT NOT NULL,
  time INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  tx_hash TEXT NOT NULL
);
CREATE INDEX pool_ledger_by_pool ON pool_ledger (pool_id, position);
CREATE INDEX pool_ledger_by_product ON pool_ledger (product_id);
CREATE TABLE member_flows (
  position INTEGER PRIMARY KEY,
  pool_id INTEGER NOT NULL,
  member TEXT NOT NULL,
  kind TEXT NOT NULL,
  counterparty TEXT NOT NULL,
  amount TEXT NOT NULL,
  fee TEXT NOT NULL,
  auto INTEGER NOT NULL,
  time INTEGER NOT NULL
);
CREATE INDEX member_flows_by_member ON member_flows (member, pool_id, position);
CREATE TABLE donations (
  pool_id INTEGER NOT NULL,
  beneficiary TEXT NOT NULL,
  held TEXT NOT NULL,
  received TEXT NOT NULL,
  withdrawn TEXT NOT NULL,
  PRIMARY KEY (pool_id, beneficiary)
) WITHOUT ROWID;
`;

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "events, blocks, sync state, token metadata and the derived tables",
    up: `
CREATE TABLE sync_state (
  id TEXT PRIMARY KEY,
  chain_id INTEGER NOT NULL,
  registry TEXT NOT NULL,
  licensing TEXT NOT NULL,
  pool TEXT NOT NULL,
  start_block INTEGER NOT NULL,
  last_block INTEGER,
  last_hash TEXT,
  last_time INTEGER,
  updated_at TEXT NOT NULL
);
CREATE TABLE blocks (
  number INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  time INTEGER NOT NULL
);
CREATE TABLE events (
  position INTEGER PRIMARY KEY,
  chain_id INTEGER NOT NULL,
  contract TEXT NOT NULL,
  address TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  block_hash TEXT NOT NULL,
  block_time INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  tx_index INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  UNIQUE (chain_id, tx_hash, log_index)
);
CREATE INDEX events_by_name ON events (name, position);
CREATE INDEX events_by_block ON events (block_number);
CREATE INDEX events_operator_set ON events (json_extract(args, '$.subject'))
  WHERE name = 'OperatorSet';
CREATE INDEX events_weight_changed ON events (json_extract(args, '$.member'))
  WHERE name = 'WeightChanged';
CREATE TABLE tokens (
  address TEXT PRIMARY KEY,
  symbol TEXT,
  decimals INTEGER
) WITHOUT ROWID;
${V1_DERIVED}`,
  },
];

/**
 * The derived tables, in an order safe to empty: recomputed from `events` by a rebuild.
 */
export const DERIVED_TABLES = [
  "category_sets",
  "category_set_members",
  "subjects",
  "subject_epochs",
  "consents",
  "consent_history",
  "parties",
  "products",
  "product_purposes",
  "product_terms",
  "licences",
  "licence_history",
  "sales",
  "revenue_withdrawals",
  "pools",
  "pool_beneficiaries",
  "members",
  "memberships",
  "pool_ledger",
  "member_flows",
  "donations",
] as const;

/**
 * Indexes of derived tables that the projector itself reads through. A rebuild keeps them; every other index
 * of a derived table serves the questions only, so a rebuild drops it, replays the events and creates it again
 * at the end (building an index once is much cheaper than keeping it sorted through every insert).
 */
export const PROJECTOR_INDEXES: ReadonlySet<string> = new Set([
  "consent_history_open",
  "consent_history_unvoided",
  "licence_history_open",
  "memberships_open",
]);

/** The database was written by a newer version of the ledger reader than this one. */
export class SchemaTooNewError extends CitizenDataError {
  constructor(found: number, known: number) {
    super(
      `The ledger database is at schema version ${found}, newer than this reader knows (${known})`,
      { details: "Upgrade the SDK, or sync into a new database file." },
    );
  }
}

/**
 * Brings the database's schema up to date: applies, in order and each in its own transaction, every
 * migration newer than the recorded version. Returns what was applied and whether derived tables need a
 * rebuild.
 *
 * @throws {SchemaTooNewError} When the database is newer than `migrations`.
 * @example
 * ```ts
 * const { applied, rebuild } = migrate(db);
 * ```
 */
export function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number; applied: number[]; rebuild: boolean } {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`);
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_version").get<{
    version: number | null;
  }>();
  const from = row?.version ?? 0;
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i + 1} is missing (found ${m.version})`);
  });
  const known = sorted.length;
  if (from > known) throw new SchemaTooNewError(from, known);
  const applied: number[] = [];
  let rebuild = false;
  for (const migration of sorted) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      db.exec(migration.up);
      db.prepare(
        "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
      ).run(migration.version, migration.description, new Date().toISOString());
    });
    applied.push(migration.version);
    // A fresh database has nothing to rebuild.
    if (migration.rebuild && from > 0) rebuild = true;
  }
  return { from, to: known, applied, rebuild };
}
