/**
 * Which RPC errors are worth retrying, and retrying them with exponential backoff.
 *
 * Reads (calls, logs, balances, receipts, gas estimates) change nothing, so any transient failure is retried.
 * Sending is different: a send that failed with a timeout may still have reached the node, so `run.ts` never
 * calls {@link withRetry} around a send; it checks the account's nonce first (see `sendBatch` there).
 *
 * @module
 */
import { RpcUnavailableError } from "./errors.js";

/** How often and how patiently a failing RPC call is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first wait; each later wait doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Six attempts, waiting up to 0.5, 1, 2, 4 and 8 s in between (a random quarter less at most). */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 20_000 };

/** What a retry reports before it waits. */
export interface RetryNotice {
  operation: string;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  attempts: number;
  delayMs: number;
  reason: string;
}

interface ErrorFacts {
  codes: (string | number)[];
  messages: string[];
}

/** Collects the codes and messages of an error and of the errors nested in it (ethers and providers nest deeply). */
function factsOf(error: unknown): ErrorFacts {
  const facts: ErrorFacts = { codes: [], messages: [] };
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 6 || value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    const e = value as Record<string, unknown>;
    for (const key of ["code", "status", "statusCode", "number"]) {
      const code = e[key];
      if (typeof code === "string" || typeof code === "number") facts.codes.push(code);
    }
    for (const key of ["shortMessage", "message", "reason", "body"]) {
      const text = e[key];
      if (typeof text === "string" && text.length > 0) facts.messages.push(text);
    }
    for (const key of ["error", "info", "cause", "data", "response"]) visit(e[key], depth + 1);
  };
  visit(error, 0);
  if (typeof error === "string") facts.messages.push(error);
  return facts;
}

const PERMANENT_CODES = new Set<string | number>([
  "CALL_EXCEPTION",
  "INSUFFICIENT_FUNDS",
  "INVALID_ARGUMENT",
  "MISSING_ARGUMENT",
  "UNEXPECTED_ARGUMENT",
  "NUMERIC_FAULT",
  "ACTION_REJECTED",
  "UNSUPPORTED_OPERATION",
  "NONCE_EXPIRED",
  "REPLACEMENT_UNDERPRICED",
  "TRANSACTION_REPLACED",
  3, // JSON-RPC "execution reverted"
]);
const TRANSIENT_CODES = new Set<string | number>([
  "TIMEOUT",
  "NETWORK_ERROR",
  "SERVER_ERROR",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  429,
  502,
  503,
  504,
  703, // Hardhat: cannot connect to the network
  -32005, // "limit exceeded": rate limits (and, for eth_getLogs, too many results; see isRangeTooLargeError)
]);
const TRANSIENT_MESSAGE =
  /time(d)?[ -]?out|ETIMEDOUT|ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|EAI_AGAIN|socket hang up|connection (was )?(reset|refused|closed)|network error|fetch failed|\b429\b|too many requests|rate.?limit|\b50[234]\b|bad gateway|service unavailable|gateway time|header not found|temporarily unavailable|try again later|missing response/i;
const REVERT_MESSAGE = /revert|VM Exception/i;

/**
 * Whether an RPC error is worth retrying: a timeout, a dropped or refused connection, a rate limit (429), a
 * gateway error (502-504) or a node that is briefly behind. Reverts, insufficient funds, bad arguments and nonce
 * errors are not.
 *
 * @example
 * ```ts
 * if (isTransientError(error)) await sleep(1_000);
 * ```
 */
export function isTransientError(error: unknown): boolean {
  const top = error as { code?: unknown; data?: unknown; info?: { error?: unknown } } | null;
  if (top?.code === "CALL_EXCEPTION") {
    // ethers reports any failed eth_call or eth_estimateGas as a CALL_EXCEPTION. With revert data it is a
    // revert; without, look at what the node said (a rate limit or a timeout is worth retrying).
    if (typeof top.data === "string" && top.data !== "0x") return false;
    const inner = top.info?.error;
    return inner !== undefined && inner !== null && isTransientError(inner);
  }
  const { codes, messages } = factsOf(error);
  if (codes.some((code) => PERMANENT_CODES.has(code))) return false;
  if (messages.some((m) => REVERT_MESSAGE.test(m))) return false;
  if (isNonceUsedError(error)) return false;
  return (
    codes.some((code) => TRANSIENT_CODES.has(code)) ||
    messages.some((m) => TRANSIENT_MESSAGE.test(m))
  );
}

/**
 * Whether a send failed because the node already has a transaction with that nonce: "nonce too low", "already
 * known", "replacement transaction underpriced". After a resend this means the first send got through.
 *
 * @example
 * ```ts
 * if (isNonceUsedError(error)) await findTransactionByNonce(...);
 * ```
 */
export function isNonceUsedError(error: unknown): boolean {
  const { codes, messages } = factsOf(error);
  if (codes.some((c) => c === "NONCE_EXPIRED" || c === "REPLACEMENT_UNDERPRICED")) return true;
  return messages.some((m) =>
    /nonce (is )?too low|nonce has already been used|already known|known transaction|replacement transaction underpriced|transaction already imported/i.test(
      m,
    ),
  );
}

/**
 * Whether an `eth_getLogs` error means "ask for fewer blocks": a block-range limit or a result-count limit.
 *
 * @example
 * ```ts
 * if (isRangeTooLargeError(error)) range = Math.floor(range / 2);
 * ```
 */
export function isRangeTooLargeError(error: unknown): boolean {
  const { messages } = factsOf(error);
  return messages.some((m) =>
    /block range|range (is )?too (large|wide|big)|exceed(s|ed)? (the )?max(imum)?|more than \d+ (results|logs|blocks)|too many (results|logs|blocks)|response size|limit exceeded|query timeout|range limit/i.test(
      m,
    ),
  );
}

/**
 * A short, readable reason for an error: its own message, or the innermost provider message for ethers'
 * "could not coalesce error" wrappers.
 *
 * @example
 * ```ts
 * console.error(`failed: ${describeError(error)}`);
 * ```
 */
export function describeError(error: unknown): string {
  const { codes, messages } = factsOf(error);
  // ethers wraps what the node said in generic messages; the node's own words are more useful.
  const useful = messages.filter((m) => !/could not coalesce error|missing revert data/i.test(m));
  const message = (useful[0] ?? messages[0] ?? String(error)).split("\n")[0]!.slice(0, 300);
  const code = codes.find((c) => typeof c === "string" && /^E[A-Z]+$/.test(c));
  return code && !message.includes(String(code)) ? `${message} (${code})` : message;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The wait before attempt `attempt + 1`: doubling from the base, capped, with up to a quarter of jitter. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (0.75 + Math.random() * 0.25));
}

/**
 * Runs a read-only RPC operation, retrying transient failures with exponential backoff. Never use it around a
 * send: a send that timed out may have reached the node.
 *
 * @param operation What is being done, for messages ("eth_getLogs 100-200").
 * @param retryIf Which errors to retry (default {@link isTransientError}).
 * @throws {RpcUnavailableError} After the last attempt failed with a retryable error; other errors at once.
 * @example
 * ```ts
 * const block = await withRetry("eth_blockNumber", () => provider.getBlockNumber(), { policy, onRetry });
 * ```
 */
export async function withRetry<T>(
  operation: string,
  fn: () => Promise<T>,
  options: {
    policy?: RetryPolicy;
    onRetry?: (notice: RetryNotice) => void;
    retryIf?: (error: unknown) => boolean;
  } = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const retryIf = options.retryIf ?? isTransientError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!retryIf(error)) throw error;
      if (attempt >= policy.attempts) {
        throw new RpcUnavailableError(operation, attempt, describeError(error), error);
      }
      const delayMs = backoffDelay(policy, attempt);
      options.onRetry?.({
        operation,
        attempt,
        attempts: policy.attempts,
        delayMs,
        reason: describeError(error),
      });
      await sleep(delayMs);
    }
  }
}
