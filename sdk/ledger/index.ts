/**
 * The ledger reader: rebuilds state from the three contracts' events into an embedded database (Node's
 * built-in `node:sqlite`), and answers cohort and transparency questions from it. Import it from its own
 * entry point, so the rest of the SDK does not need `node:sqlite`:
 *
 * @example
 * ```ts
 * import { LedgerReader } from "./sdk/ledger/index.js"; // "citizen-data-ledger/ledger" once packaged
 * ```
 */
export { LedgerReader, type LedgerOpenOptions, type LedgerStatus } from "./reader.js";
export * from "./queries.js";
export * from "./input.js";
export {
  syncLedger,
  isRangeRefusal,
  LedgerSyncError,
  type SyncOptions,
  type SyncResult,
} from "./sync.js";
export {
  LedgerStore,
  LedgerSourceMismatchError,
  type ContractAddresses,
  type SyncState,
  type StoredEvent,
} from "./store.js";
export {
  Rpc,
  RpcError,
  connectUrl,
  HttpJsonRpc,
  type LedgerProvider,
  type Eip1193Provider,
  type SendProvider,
  type BlockRef,
} from "./rpc.js";
export {
  MIGRATIONS,
  DERIVED_TABLES,
  migrate,
  SchemaTooNewError,
  type Migration,
} from "./migrations.js";
export {
  decodeLog,
  decodeLogWithEthers,
  EVENT_NAMES,
  type ContractName,
  type RawLog,
  type EventArgs,
  type JsonValue,
} from "./decode.js";
export { positionOf, MAX_TIME, POSITION_FACTOR, type LedgerEvent } from "./project.js";
export { openDatabase, type Db, type Statement } from "./db.js";
export {
  toJson,
  toCsv,
  answerRows,
  exportTable,
  EXPORT_TABLES,
  ExportError,
  type ExportTable,
  type LedgerAnswer,
  type CsvRow,
} from "./export.js";
export { citizenReportHtml, escapeHtml } from "./html.js";
