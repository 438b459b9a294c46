/**
 * What the planning and sending steps share: the provider, the retry policy, the event sink, the abort signal,
 * and a bounded-concurrency map.
 *
 * @module
 */
import type { Provider } from "ethers";
import type { BatchRecord, PayoutTotals, TokenInfo } from "./report.js";
import { DEFAULT_RETRY, withRetry, type RetryNotice, type RetryPolicy } from "./retry.js";

/**
 * What a payout reports while it works; the CLI turns these into progress bars and messages, a test or the demo
 * may ignore them.
 */
export type PayoutEvent =
  | {
      type: "pool";
      chainId: bigint;
      pool: string;
      poolId: bigint;
      version: string;
      token: TokenInfo;
    }
  | { type: "scan"; fromBlock: number; toBlock: number; scannedTo: number; membersSeen: number }
  | { type: "range-shrunk"; fromBlock: number; toBlock: number; range: number; reason: string }
  | { type: "balances"; done: number; total: number; owed: number }
  | { type: "estimate"; members: number; of: number; batches: number }
  | { type: "batch-start"; index: number; members: number; gasLimit: bigint }
  | { type: "batch-sent"; index: number; txHash: string | null; nonce: number }
  | { type: "batch-done"; batch: BatchRecord; totals: PayoutTotals }
  | { type: "retry"; notice: RetryNotice }
  | { type: "notice"; message: string };

/** The shared state of one payout run. */
export class PayoutContext {
  /** How many retries were made, for the report. */
  retries = 0;

  constructor(
    readonly provider: Provider,
    readonly policy: RetryPolicy = DEFAULT_RETRY,
    readonly emit: (event: PayoutEvent) => void = () => {},
    readonly signal: AbortSignal | undefined = undefined,
  ) {}

  /** Runs a read-only RPC call with retries (see {@link withRetry}), reporting each retry. */
  read<T>(
    operation: string,
    fn: () => Promise<T>,
    retryIf?: (error: unknown) => boolean,
  ): Promise<T> {
    return withRetry(operation, fn, {
      policy: this.policy,
      ...(retryIf ? { retryIf } : {}),
      onRetry: (notice) => {
        this.retries++;
        this.emit({ type: "retry", notice });
      },
    });
  }

  /** Throws the signal's reason when the run was asked to stop. */
  checkAborted(): void {
    this.signal?.throwIfAborted();
  }
}

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the order. Stops starting new calls once
 * one fails or the signal aborts.
 *
 * @example
 * ```ts
 * const balances = await mapLimit(members, 8, (m) => pool.claimableOf(poolId, m));
 * ```
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed) {
      const index = next++;
      if (index >= items.length) return;
      signal?.throwIfAborted();
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
