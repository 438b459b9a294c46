/**
 * Planning a payout: check the pool, find its members in `WeightChanged` events, read what each is owed, and split
 * those owed something into batches that fit the gas budget. Planning only reads; a dry run stops here.
 *
 * @module
 */
import { Contract, ZeroAddress, type Provider } from "ethers";
import { ContractRevertError, decodeRevert } from "../../sdk/errors.js";
import { RevenuePool__factory, type RevenuePool } from "../../typechain-types/index.js";
import { PayoutContext, mapLimit, type PayoutEvent } from "./context.js";
import { PayoutInputError, RpcUnavailableError } from "./errors.js";
import type { TokenInfo } from "./report.js";
import {
  describeError,
  isRangeTooLargeError,
  isTransientError,
  type RetryPolicy,
} from "./retry.js";

/** Ethereum's cap on one transaction's gas (EIP-7825). */
export const TRANSACTION_GAS_CAP = 16_777_216n;
/** The default gas budget of one batch: well under the cap, so a block always has room for it. */
export const DEFAULT_MAX_GAS_PER_TX = 10_000_000n;
/** The default safety margin over `eth_estimateGas`, in percent: a batch's gas limit is its estimate plus this. */
export const DEFAULT_GAS_MARGIN_PERCENT = 20;
/** The first guess of gas per member, before anything is measured (a new token holder costs about 35,000). */
const FIRST_GUESS_GAS_PER_MEMBER = 60_000n;

/** A member owed something, as planned. */
export interface OwedMember {
  member: string;
  /** What it can claim now (its payout is this less any standing auto-donation). */
  amount: bigint;
  /** Where the batch payout will pay it. */
  payoutAddress: string;
}

/** A batch of members, with its gas estimate and the gas limit it would be sent with. */
export interface PlannedBatch {
  members: OwedMember[];
  estimatedGas: bigint;
  /** The estimate plus the safety margin; never above the budget. */
  gasLimit: bigint;
}

/** Everything a dry run reports, and what sending starts from. */
export interface PayoutPlan {
  chainId: bigint;
  pool: { address: string; poolId: bigint; version: string; provider: string; totalWeight: bigint };
  token: TokenInfo;
  scannedFromBlock: number;
  scannedToBlock: number;
  /** Addresses seen in the pool's `WeightChanged` events. */
  membersSeen: number;
  owed: OwedMember[];
  total: bigint;
  batches: PlannedBatch[];
  estimatedGas: bigint;
  maxGasPerTx: bigint;
  gasMarginPercent: number;
  /** The highest fee per gas a transaction would pay now (EIP-1559 max fee, or the gas price). */
  feePerGas: bigint | null;
}

/** Options of {@link planPayout}. */
export interface PlanOptions {
  /** A provider connected to the chain the pool is on. */
  provider: Provider;
  /** The RevenuePool contract's address. */
  poolAddress: string;
  poolId: bigint;
  /** Where to start reading `WeightChanged` events: the pool's deployment block (default 0). */
  fromBlock?: number;
  /** The account gas is estimated for (the sender; default the zero address). */
  from?: string;
  /** The gas budget of one batch (default 10,000,000; at most 16,777,216). */
  maxGasPerTx?: bigint;
  /** Safety margin over the gas estimate, in percent (default 20). */
  gasMarginPercent?: number;
  /** RPC calls in flight at once when reading balances (default 8). */
  concurrency?: number;
  /** Blocks per `eth_getLogs` query at first; halved each time the provider refuses (default 10,000). */
  logRange?: number;
  retry?: RetryPolicy;
  signal?: AbortSignal;
  onEvent?: (event: PayoutEvent) => void;
}

/** The options checked and with defaults, as the steps use them. */
export interface PlanSettings {
  poolAddress: string;
  poolId: bigint;
  fromBlock: number;
  from: string;
  maxGasPerTx: bigint;
  gasMarginPercent: number;
  concurrency: number;
  logRange: number;
}

/**
 * Checks the options a caller gave (the CLI has already turned strings into numbers).
 *
 * @throws {PayoutInputError} Saying which option is out of range and what it accepts.
 */
export function checkPlanOptions(options: PlanOptions): PlanSettings {
  const {
    poolId,
    fromBlock = 0,
    maxGasPerTx = DEFAULT_MAX_GAS_PER_TX,
    gasMarginPercent = DEFAULT_GAS_MARGIN_PERCENT,
    concurrency = 8,
    logRange = 10_000,
  } = options;
  if (poolId < 1n) throw new PayoutInputError(`The pool id must be 1 or more, got ${poolId}`);
  if (!Number.isSafeInteger(fromBlock) || fromBlock < 0) {
    throw new PayoutInputError(
      `The first block must be a block number (0 or more), got ${fromBlock}`,
    );
  }
  if (maxGasPerTx < 100_000n || maxGasPerTx > TRANSACTION_GAS_CAP) {
    throw new PayoutInputError(
      `The gas budget per transaction must be from 100,000 to ${TRANSACTION_GAS_CAP.toLocaleString("en-US")}, got ${maxGasPerTx.toLocaleString("en-US")}`,
      { details: "16,777,216 is the most gas one transaction may use on Ethereum (EIP-7825)." },
    );
  }
  if (!Number.isInteger(gasMarginPercent) || gasMarginPercent < 0 || gasMarginPercent > 100) {
    throw new PayoutInputError(`The gas margin must be 0 to 100 percent, got ${gasMarginPercent}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new PayoutInputError(
      `Concurrency must be a whole number from 1 to 64, got ${concurrency}`,
    );
  }
  if (!Number.isInteger(logRange) || logRange < 1) {
    throw new PayoutInputError(
      `The log range must be a whole number of blocks, 1 or more, got ${logRange}`,
    );
  }
  return {
    poolAddress: options.poolAddress,
    poolId,
    fromBlock,
    from: options.from ?? ZeroAddress,
    maxGasPerTx,
    gasMarginPercent,
    concurrency,
    logRange,
  };
}

const NATIVE_SYMBOLS: Record<string, string> = { "100": "xDAI", "137": "POL" };

/** The symbol of a chain's native coin: ETH unless the chain is known to use another. */
export function nativeSymbolOf(chainId: bigint): string {
  return NATIVE_SYMBOLS[chainId.toString()] ?? "ETH";
}

/**
 * Reads the pool: checks there is a RevenuePool at the address and the pool exists, and reads its token's symbol
 * and decimals.
 *
 * @throws {PayoutInputError} When there is no contract, it is not a RevenuePool, or the pool does not exist.
 */
export async function readPool(
  ctx: PayoutContext,
  settings: PlanSettings,
  chainId: bigint,
): Promise<{ contract: RevenuePool; plan: Pick<PayoutPlan, "pool" | "token"> }> {
  const { poolAddress, poolId } = settings;
  const code = await ctx.read("eth_getCode", () => ctx.provider.getCode(poolAddress));
  if (code === "0x") {
    throw new PayoutInputError(`There is no contract at ${poolAddress} on chain ${chainId}`, {
      details:
        "Check the address (--pool-address or the deployment file) and that the network is the one it was deployed to.",
    });
  }
  const contract = RevenuePool__factory.connect(poolAddress, ctx.provider);
  const notAPool = (cause: unknown) =>
    new PayoutInputError(`The contract at ${poolAddress} is not a RevenuePool`, {
      details: `Reading it as one failed: ${describeError(cause)}. Is it the ConsentRegistry or DataLicensing address?`,
      cause,
    });
  const readOrExplain = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await ctx.read(operation, fn);
    } catch (error) {
      if (error instanceof RpcUnavailableError) throw error;
      const decoded = decodeRevert(error, "RevenuePool", RevenuePool__factory.abi);
      if (
        decoded instanceof ContractRevertError &&
        decoded.errorName === "RevenuePoolUnknownPool"
      ) {
        const count = await ctx.read("poolCount", () => contract.poolCount());
        throw new PayoutInputError(
          `Pool ${poolId} does not exist in the RevenuePool at ${poolAddress}`,
          {
            details:
              count === 0n
                ? "That RevenuePool has no pools yet."
                : `Its pools are numbered 1 to ${count}: pass one of them with --pool.`,
          },
        );
      }
      throw notAPool(error);
    }
  };
  const version = await readOrExplain("RevenuePool.version", () => contract.version());
  const pool = await readOrExplain("RevenuePool.getPool", () => contract.getPool(poolId));

  let token: TokenInfo;
  if (pool.token === ZeroAddress) {
    token = { address: null, symbol: nativeSymbolOf(chainId), decimals: 18 };
  } else {
    const erc20 = new Contract(
      pool.token,
      ["function symbol() view returns (string)", "function decimals() view returns (uint8)"],
      ctx.provider,
    );
    const symbol = await ctx
      .read("token symbol", () => erc20.getFunction("symbol").staticCall() as Promise<string>)
      .catch(() => `tokens of ${pool.token}`);
    const decimals = await ctx
      .read("token decimals", () => erc20.getFunction("decimals").staticCall() as Promise<bigint>)
      .catch(() => 18n);
    token = { address: pool.token, symbol, decimals: Number(decimals) };
  }
  return {
    contract,
    plan: {
      pool: {
        address: poolAddress,
        poolId,
        version,
        provider: pool.provider,
        totalWeight: pool.totalWeight,
      },
      token,
    },
  };
}

/**
 * Every address that ever had a weight in the pool, from its `WeightChanged` events between `fromBlock` and
 * `toBlock`, in order of first appearance. Queries `range` blocks at a time and halves the range whenever the
 * provider refuses a query as too large; other transient errors are retried on the same range.
 */
export async function findMembers(
  ctx: PayoutContext,
  contract: RevenuePool,
  poolId: bigint,
  fromBlock: number,
  toBlock: number,
  range: number,
): Promise<string[]> {
  const address = await contract.getAddress();
  const topics = await contract.filters.WeightChanged(poolId).getTopicFilter();
  const members = new Set<string>();
  let start = fromBlock;
  let size = range;
  while (start <= toBlock) {
    ctx.checkAborted();
    const end = Math.min(toBlock, start + size - 1);
    let logs;
    try {
      logs = await ctx.read(
        `eth_getLogs blocks ${start}-${end}`,
        () => ctx.provider.getLogs({ address, topics, fromBlock: start, toBlock: end }),
        (error) => isTransientError(error) && !isRangeTooLargeError(error),
      );
    } catch (error) {
      if (!isRangeTooLargeError(error) || size === 1) throw error;
      size = Math.max(1, Math.floor(size / 2));
      ctx.emit({
        type: "range-shrunk",
        fromBlock: start,
        toBlock: end,
        range: size,
        reason: describeError(error),
      });
      continue;
    }
    for (const log of logs) {
      const parsed = contract.interface.parseLog(log);
      if (parsed?.name === "WeightChanged") members.add(parsed.args.member as string);
    }
    ctx.emit({ type: "scan", fromBlock, toBlock, scannedTo: end, membersSeen: members.size });
    start = end + 1;
  }
  return [...members];
}

/** What each member can claim now, and where a payout pays it; only those owed something are returned. */
export async function readOwed(
  ctx: PayoutContext,
  contract: RevenuePool,
  poolId: bigint,
  members: readonly string[],
  concurrency: number,
  onProgress: (done: number, owed: number) => void = () => {},
): Promise<OwedMember[]> {
  let done = 0;
  let owedCount = 0;
  const amounts = await mapLimit(
    members,
    concurrency,
    async (member) => {
      const amount = await ctx.read(`claimableOf ${member}`, () =>
        contract.claimableOf(poolId, member),
      );
      const payoutAddress =
        amount > 0n
          ? await ctx.read(`payoutAddressOf ${member}`, () =>
              contract.payoutAddressOf(poolId, member),
            )
          : member;
      done++;
      if (amount > 0n) owedCount++;
      onProgress(done, owedCount);
      return { member, amount, payoutAddress };
    },
    ctx.signal,
  );
  return amounts.filter((m) => m.amount > 0n);
}

/** Gas limit for an estimate: the estimate plus the margin, rounded up. */
export function withMargin(estimate: bigint, marginPercent: number): bigint {
  const scaled = estimate * BigInt(100 + marginPercent);
  return (scaled + 99n) / 100n;
}

/**
 * Estimates the gas of `payout(poolId, members)` sent by `from`.
 *
 * @throws {ContractRevertError} When the call reverts with one of RevenuePool's errors.
 */
export async function estimatePayout(
  ctx: PayoutContext,
  contract: RevenuePool,
  settings: PlanSettings,
  members: readonly OwedMember[],
): Promise<bigint> {
  const data = contract.interface.encodeFunctionData("payout", [
    settings.poolId,
    members.map((m) => m.member),
  ]);
  try {
    return await ctx.read(`eth_estimateGas payout of ${members.length} members`, () =>
      ctx.provider.estimateGas({ from: settings.from, to: settings.poolAddress, data }),
    );
  } catch (error) {
    throw decodeRevert(error, "RevenuePool", RevenuePool__factory.abi);
  }
}

/**
 * Splits members into consecutive batches whose gas limit (estimate plus margin) fits the budget. Each batch is
 * estimated with `eth_estimateGas`; its size starts from what the previous batch measured per member, shrinks in
 * proportion when the estimate is over the budget and grows once when it is well under.
 *
 * @throws {PayoutInputError} When even one member does not fit in the budget.
 */
export async function packBatches(
  ctx: PayoutContext,
  contract: RevenuePool,
  settings: PlanSettings,
  members: readonly OwedMember[],
  onProgress: (members: number, batches: number) => void = () => {},
): Promise<PlannedBatch[]> {
  const { maxGasPerTx: budget, gasMarginPercent: margin } = settings;
  const batches: PlannedBatch[] = [];
  let guess = Number(budget / withMargin(FIRST_GUESS_GAS_PER_MEMBER, margin));
  let start = 0;
  while (start < members.length) {
    ctx.checkAborted();
    const left = members.length - start;
    let size = Math.max(1, Math.min(guess, left));
    let accepted: PlannedBatch | undefined;
    let grown = false;
    for (;;) {
      const slice = members.slice(start, start + size);
      const estimatedGas = await estimatePayout(ctx, contract, settings, slice);
      const gasLimit = withMargin(estimatedGas, margin);
      // Proportional size for the budget: a little under, as the fixed cost of a transaction scales too.
      const fitting = Math.floor((size * Number(budget)) / Number(gasLimit));
      if (gasLimit <= budget) {
        accepted = { members: slice, estimatedGas, gasLimit };
        // Well under the budget with members left: try a bigger batch once.
        if (!grown && size < left && gasLimit * 10n < budget * 9n && fitting > size) {
          grown = true;
          size = Math.min(left, fitting);
          continue;
        }
        break;
      }
      if (accepted) break; // the grown batch did not fit: keep the one that did
      if (size === 1) {
        throw new PayoutInputError(
          `Paying member ${slice[0]!.member} alone needs ${gasLimit.toLocaleString("en-US")} gas with the margin, above the budget of ${budget.toLocaleString("en-US")}`,
          { details: "Raise --max-gas-per-tx." },
        );
      }
      size = Math.max(1, Math.min(size - 1, Math.floor(fitting * 0.98)));
    }
    batches.push(accepted);
    start += accepted.members.length;
    const perMember = withMargin(accepted.estimatedGas, margin) / BigInt(accepted.members.length);
    guess = Math.max(1, Number(budget / (perMember > 0n ? perMember : 1n)));
    onProgress(start, batches.length);
  }
  return batches;
}

/**
 * Plans a payout without sending anything: the pool and its token, every member owed something with its amount
 * and payout address, and the batches they would be paid in, each estimated within the gas budget.
 *
 * @throws {PayoutInputError} When an option is out of range, there is no RevenuePool at the address, or the pool
 *   does not exist.
 * @throws {RpcUnavailableError} When the RPC endpoint keeps failing.
 * @example
 * ```ts
 * const plan = await planPayout({ provider, poolAddress, poolId: 1n, fromBlock: deployBlock });
 * console.log(plan.owed.length, plan.batches.length);
 * ```
 */
export async function planPayout(
  options: PlanOptions,
  context?: PayoutContext,
): Promise<PayoutPlan> {
  const settings = checkPlanOptions(options);
  const ctx =
    context ?? new PayoutContext(options.provider, options.retry, options.onEvent, options.signal);
  return planWith(ctx, settings);
}

/** {@link planPayout} on checked settings and an existing context. */
export async function planWith(
  ctx: PayoutContext,
  settings: PlanSettings,
): Promise<PayoutPlan & { contract: RevenuePool }> {
  const { chainId } = await ctx.read("eth_chainId", () => ctx.provider.getNetwork());
  const { contract, plan: poolPlan } = await readPool(ctx, settings, chainId);
  ctx.emit({
    type: "pool",
    chainId,
    pool: settings.poolAddress,
    poolId: settings.poolId,
    version: poolPlan.pool.version,
    token: poolPlan.token,
  });
  const latest = await ctx.read("eth_getBlockByNumber latest", () =>
    ctx.provider.getBlock("latest"),
  );
  if (!latest) throw new RpcUnavailableError("eth_getBlockByNumber", 1, "no latest block", null);
  if (latest.gasLimit < settings.maxGasPerTx) {
    throw new PayoutInputError(
      `The gas budget per transaction (${settings.maxGasPerTx.toLocaleString("en-US")}) is above the chain's block gas limit (${latest.gasLimit.toLocaleString("en-US")})`,
      { details: "Lower --max-gas-per-tx." },
    );
  }
  if (settings.fromBlock > latest.number) {
    throw new PayoutInputError(
      `The first block to search (${settings.fromBlock}) is after the chain's latest block (${latest.number})`,
      { details: "Check --from-block, or that the deployment file is for this network." },
    );
  }

  const seen = await findMembers(
    ctx,
    contract,
    settings.poolId,
    settings.fromBlock,
    latest.number,
    settings.logRange,
  );
  const owed = await readOwed(
    ctx,
    contract,
    settings.poolId,
    seen,
    settings.concurrency,
    (done, n) => ctx.emit({ type: "balances", done, total: seen.length, owed: n }),
  );
  const batches = await packBatches(ctx, contract, settings, owed, (members, n) =>
    ctx.emit({ type: "estimate", members, of: owed.length, batches: n }),
  );
  const fees = await ctx.read("eth_feeHistory", () => ctx.provider.getFeeData());
  return {
    contract,
    chainId,
    ...poolPlan,
    scannedFromBlock: settings.fromBlock,
    scannedToBlock: latest.number,
    membersSeen: seen.length,
    owed,
    total: owed.reduce((sum, m) => sum + m.amount, 0n),
    batches,
    estimatedGas: batches.reduce((sum, b) => sum + b.estimatedGas, 0n),
    maxGasPerTx: settings.maxGasPerTx,
    gasMarginPercent: settings.gasMarginPercent,
    feePerGas: fees.maxFeePerGas ?? fees.gasPrice ?? null,
  };
}
