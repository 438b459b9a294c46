/**
 * Batch payouts of a revenue pool, as a module: `runPayout` plans (and with `send: true` pays) a pool's members in
 * gas-bounded batches and returns a report; `planPayout` only plans. `scripts/payout.ts` is the command line
 * around it; the demo calls it directly.
 *
 * @example
 * ```ts
 * import { runPayout, writeReport } from "./scripts/payout/index.js";
 * const report = await runPayout({ provider: ethers.provider, signer, poolAddress, poolId: 1n, send: true });
 * await writeReport(report, "out/payout.json");
 * ```
 * @module
 */
export { runPayout, type PayoutOptions } from "./run.js";
export {
  planPayout,
  DEFAULT_MAX_GAS_PER_TX,
  DEFAULT_GAS_MARGIN_PERCENT,
  TRANSACTION_GAS_CAP,
  type PayoutPlan,
  type PlanOptions,
  type OwedMember,
  type PlannedBatch,
} from "./plan.js";
export {
  writeReport,
  reportToJson,
  defaultReportPath,
  formatAmount,
  type PayoutReport,
  type MemberRecord,
  type BatchRecord,
  type MemberStatus,
  type RunStatus,
  type TokenInfo,
} from "./report.js";
export { resolvePoolTarget, type PoolTarget } from "./deployment.js";
export { PayoutInputError, RpcUnavailableError, NonceTakenError, parseAddress } from "./errors.js";
export {
  DEFAULT_RETRY,
  withRetry,
  isTransientError,
  isNonceUsedError,
  isRangeTooLargeError,
  describeError,
  type RetryPolicy,
  type RetryNotice,
} from "./retry.js";
export type { PayoutEvent } from "./context.js";
