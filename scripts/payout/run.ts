/**
 * Running a payout: plan it (see `plan.ts`), then, unless it is a dry run, send the batches one after another.
 *
 * The chain is the source of truth. Before each batch, what its members are owed is read again and members owed
 * nothing are dropped, so an interrupted run is resumed by running it again, and a member paid (or who claimed)
 * meanwhile is skipped. The contract itself skips members owed nothing, so even a batch mined twice pays nobody
 * twice; the sending code still makes sure it never sends a second transaction for a batch whose first may have
 * gone through (see {@link sendBatch}).
 *
 * @module
 */
import {
  ZeroAddress,
  formatEther,
  getAddress,
  type Signer,
  type TransactionReceipt,
  type TransactionRequest,
} from "ethers";
import { CitizenDataError, decodeRevert } from "../../sdk/errors.js";
import { RevenuePool__factory, type RevenuePool } from "../../typechain-types/index.js";
import { PayoutContext, mapLimit } from "./context.js";
import { NonceTakenError, PayoutInputError, RpcUnavailableError } from "./errors.js";
import {
  checkPlanOptions,
  estimatePayout,
  nativeSymbolOf,
  packBatches,
  planWith,
  withMargin,
  type OwedMember,
  type PayoutPlan,
  type PlanOptions,
  type PlanSettings,
  type PlannedBatch,
} from "./plan.js";
import {
  computeTotals,
  finalizeReport,
  type BatchRecord,
  type MemberRecord,
  type PayoutReport,
} from "./report.js";
import { backoffDelay, describeError, isNonceUsedError, isTransientError, sleep } from "./retry.js";

/** Options of {@link runPayout}: those of planning, plus how to send. */
export interface PayoutOptions extends PlanOptions {
  /** Sends the batches; without it the run is a dry run that only plans (default false). */
  send?: boolean;
  /** The account that sends (and pays the gas); required with `send`. */
  signer?: Signer;
  /** The network's name, for the report (default `chain-<id>`). */
  network?: string;
  /** Stops after this many transactions; running again pays the rest. */
  maxBatches?: number;
  /** How long to wait for a sent batch to be mined before the run stops (default 10 minutes). */
  receiptTimeoutMs?: number;
  /** How often to ask for a receipt (default 2 s). */
  pollIntervalMs?: number;
}

interface SendSettings {
  signer: Signer;
  sender: string;
  chainId: bigint;
  receiptTimeoutMs: number;
  pollIntervalMs: number;
}

/** A sent batch's transaction, as found on chain. */
interface SentBatch {
  receipt: TransactionReceipt;
  nonce: number;
  /** How it was found when sending failed midway; null when the send simply worked. */
  note: string | null;
}

/** A batch was sent but not seen mined before the run had to stop. */
class BatchPendingError extends CitizenDataError {
  constructor(
    message: string,
    readonly txHash: string | null,
    details: string,
  ) {
    super(message, { details });
  }
}

/**
 * Plans a payout and, with `send: true`, pays it batch by batch. Returns the report, also when the run was
 * interrupted (`signal`), stopped (`maxBatches`) or failed after planning: the report then says so in `status` and
 * `error`, and shows what was paid.
 *
 * @throws {PayoutInputError} For bad options, a missing signer, or a pool that does not exist; nothing was sent.
 * @throws {RpcUnavailableError} When the RPC endpoint keeps failing while planning; nothing was sent.
 * @throws {CitizenDataError} When interrupted while planning; nothing was sent.
 * @example
 * ```ts
 * const report = await runPayout({ provider, signer, poolAddress, poolId: 1n, send: true });
 * console.log(report.totals.paidMembers, report.failures);
 * ```
 */
export async function runPayout(options: PayoutOptions): Promise<PayoutReport> {
  const startedAt = new Date().toISOString();
  const send = options.send ?? false;
  if (send && !options.signer) {
    throw new PayoutInputError("Sending needs an account to send from", {
      details:
        "Give a signer (the CLI: a network with an account, or PAYOUT_PRIVATE_KEY with --rpc-url).",
    });
  }
  if (
    options.maxBatches !== undefined &&
    (!Number.isInteger(options.maxBatches) || options.maxBatches < 1)
  ) {
    throw new PayoutInputError(
      `The batch limit must be a whole number, 1 or more, got ${options.maxBatches}`,
    );
  }
  const sender = options.signer ? getAddress(await options.signer.getAddress()) : null;
  const settings = checkPlanOptions({ ...options, from: sender ?? options.from ?? ZeroAddress });
  const ctx = new PayoutContext(options.provider, options.retry, options.onEvent, options.signal);

  let plan: PayoutPlan & { contract: RevenuePool };
  try {
    plan = await planWith(ctx, settings);
  } catch (error) {
    if (options.signal?.aborted && !(error instanceof CitizenDataError)) {
      throw new CitizenDataError("Interrupted while planning: nothing was sent", { cause: error });
    }
    throw error;
  }

  const report = initialReport(plan, {
    startedAt,
    send,
    sender: sender ?? (options.from ? getAddress(options.from) : null),
    network: options.network ?? `chain-${plan.chainId}`,
  });
  report.retries = ctx.retries;
  if (!send) return finalizeReport(report);

  if (plan.feePerGas !== null && sender !== null) {
    const balance = await ctx.read("eth_getBalance", () => options.provider.getBalance(sender));
    const cost = report.estimatedCost ?? 0n;
    if (balance < cost) {
      ctx.emit({
        type: "notice",
        message: `The sender ${sender} may not have enough for gas: it holds ${formatEther(balance)} ${report.network.nativeSymbol}, and the batches may cost up to ${formatEther(cost)} at today's fees.`,
      });
    }
  }
  await sendAll(ctx, plan, settings, report, {
    signer: options.signer!,
    sender: sender!,
    chainId: plan.chainId,
    receiptTimeoutMs: options.receiptTimeoutMs ?? 600_000,
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
    maxBatches: options.maxBatches,
  });
  report.retries = ctx.retries;
  report.finishedAt = new Date().toISOString();
  return finalizeReport(report);
}

function initialReport(
  plan: PayoutPlan,
  meta: { startedAt: string; send: boolean; sender: string | null; network: string },
): PayoutReport {
  const members: MemberRecord[] = [];
  plan.batches.forEach((batch, i) => {
    for (const m of batch.members) {
      members.push({
        member: m.member,
        amount: m.amount,
        payoutAddress: m.payoutAddress,
        status: "planned",
        batch: i + 1,
        txHash: null,
        blockNumber: null,
        paid: 0n,
        donated: 0n,
        reason: null,
      });
    }
  });
  const batches: BatchRecord[] = meta.send
    ? []
    : plan.batches.map((batch, i) => plannedBatchRecord(i + 1, batch));
  const report: PayoutReport = {
    tool: "citizen-data-ledger payout",
    reportVersion: 1,
    mode: meta.send ? "send" : "dry-run",
    status: "planned",
    startedAt: meta.startedAt,
    finishedAt: new Date().toISOString(),
    network: {
      name: meta.network,
      chainId: plan.chainId,
      nativeSymbol: nativeSymbolOf(plan.chainId),
    },
    pool: {
      address: plan.pool.address,
      poolId: plan.pool.poolId,
      version: plan.pool.version,
      provider: plan.pool.provider,
      membersSeen: plan.membersSeen,
      scannedFromBlock: plan.scannedFromBlock,
      scannedToBlock: plan.scannedToBlock,
    },
    token: plan.token,
    sender: meta.sender,
    maxGasPerTx: plan.maxGasPerTx,
    feePerGas: plan.feePerGas,
    estimatedCost:
      plan.feePerGas === null
        ? null
        : plan.batches.reduce((sum, b) => sum + b.gasLimit, 0n) * plan.feePerGas,
    members,
    batches,
    totals: computeTotals(members, batches),
    display: {},
    failures: [],
    retries: 0,
    error: null,
  };
  return report;
}

function plannedBatchRecord(index: number, batch: PlannedBatch): BatchRecord {
  return {
    index,
    members: batch.members.length,
    estimatedGas: batch.estimatedGas,
    gasLimit: batch.gasLimit,
    status: "planned",
    txHash: null,
    blockNumber: null,
    gasUsed: null,
    nonce: null,
    paid: 0,
    failed: 0,
    skipped: 0,
    note: null,
  };
}

/** Sends the planned batches in order, updating the report as each is mined. Never throws. */
async function sendAll(
  ctx: PayoutContext,
  plan: PayoutPlan & { contract: RevenuePool },
  settings: PlanSettings,
  report: PayoutReport,
  send: SendSettings & { maxBatches: number | undefined },
): Promise<void> {
  const { contract } = plan;
  const records = new Map(report.members.map((m) => [m.member, m]));
  const queue: OwedMember[][] = plan.batches.map((b) => b.members);
  let current: OwedMember[] | undefined;
  let index = 0;
  try {
    while ((current = queue.shift())) {
      if (ctx.signal?.aborted) {
        report.status = "interrupted";
        break;
      }
      if (send.maxBatches !== undefined && index >= send.maxBatches) {
        report.status = "stopped";
        break;
      }
      // The chain decides: re-read what each member is owed now, and drop those owed nothing.
      const fresh = await mapLimit(current, settings.concurrency, async (m) => ({
        ...m,
        amount: await ctx.read(`claimableOf ${m.member}`, () =>
          contract.claimableOf(settings.poolId, m.member),
        ),
      }));
      for (const m of fresh) {
        const record = records.get(m.member)!;
        record.amount = m.amount;
        if (m.amount === 0n) {
          record.status = "skipped";
          record.batch = null;
          record.reason = "owed nothing when its batch came (paid or claimed since the plan)";
        }
      }
      const owed = fresh.filter((m) => m.amount > 0n);
      if (owed.length === 0) {
        ctx.emit({ type: "notice", message: "A planned batch is owed nothing any more: skipped." });
        continue;
      }
      let estimatedGas = await estimatePayout(ctx, contract, settings, owed);
      let gasLimit = withMargin(estimatedGas, settings.gasMarginPercent);
      if (gasLimit > settings.maxGasPerTx) {
        // Costs changed since planning: split this batch again and go on with the first part.
        const parts = await packBatches(ctx, contract, settings, owed);
        queue.unshift(...parts.slice(1).map((p) => p.members));
        current = parts[0]!.members;
        estimatedGas = parts[0]!.estimatedGas;
        gasLimit = parts[0]!.gasLimit;
      } else {
        current = owed;
      }

      index++;
      const batch = plannedBatchRecord(index, { members: current, estimatedGas, gasLimit });
      report.batches.push(batch);
      ctx.emit({ type: "batch-start", index, members: current.length, gasLimit });
      const data = contract.interface.encodeFunctionData("payout", [
        settings.poolId,
        current.map((m) => m.member),
      ]);
      let sent: SentBatch;
      let reachedNode = false;
      try {
        sent = await sendBatch(ctx, send, settings.poolAddress, data, gasLimit, (nonce, hash) => {
          reachedNode = true;
          batch.nonce = nonce;
          batch.txHash = hash;
          ctx.emit({ type: "batch-sent", index, txHash: hash, nonce });
        });
      } catch (error) {
        if (
          (reachedNode || error instanceof BatchPendingError) &&
          !(error instanceof NonceTakenError)
        ) {
          // Sent, but its fate is unknown: say so rather than "not sent".
          batch.status = "pending";
          if (error instanceof BatchPendingError) batch.txHash = error.txHash ?? batch.txHash;
          for (const m of current) {
            const record = records.get(m.member)!;
            record.status = "pending";
            record.batch = index;
            record.txHash = batch.txHash;
            record.reason =
              "its batch was sent but not seen mined before the run stopped; run again later to see (nobody is paid twice)";
          }
        } else {
          report.batches.pop(); // nothing of this batch is on chain
        }
        throw error;
      }
      applyReceipt(
        contract,
        settings.poolId,
        current,
        sent,
        batch,
        records,
        plan.token.address === null,
      );
      ctx.emit({
        type: "batch-done",
        batch,
        totals: computeTotals(report.members, report.batches),
      });
      if (batch.status === "reverted") {
        throw new CitizenDataError(
          `Batch ${index} (${sent.receipt.hash}) reverted, using ${sent.receipt.gasUsed} of ${gasLimit} gas`,
          {
            details:
              "Its members are still owed. The run stopped so as not to spend gas on more failing batches; " +
              "try a smaller --max-gas-per-tx, then run again.",
          },
        );
      }
    }
    if (report.status === "planned") report.status = "complete";
  } catch (error) {
    report.status = "failed";
    const decoded = decodeRevert(error, "RevenuePool", RevenuePool__factory.abi);
    report.error =
      decoded instanceof CitizenDataError ? decoded.message : `${describeError(error)}`;
  }
  for (const m of report.members) {
    if (m.status === "planned") {
      m.status = "not-sent";
      m.batch = null;
      m.reason =
        report.status === "interrupted"
          ? "the run was interrupted before its batch"
          : report.status === "stopped"
            ? "the batch limit was reached before its batch"
            : "the run stopped before its batch";
    }
  }
}

/** Reads the batch's events from its receipt into the member and batch records. */
function applyReceipt(
  contract: RevenuePool,
  poolId: bigint,
  members: readonly OwedMember[],
  sent: SentBatch,
  batch: BatchRecord,
  records: Map<string, MemberRecord>,
  native: boolean,
): void {
  const { receipt } = sent;
  batch.txHash = receipt.hash;
  batch.blockNumber = receipt.blockNumber;
  batch.gasUsed = receipt.gasUsed;
  batch.nonce = sent.nonce;
  batch.note = sent.note;
  if (receipt.status !== 1) {
    batch.status = "reverted";
    for (const m of members) {
      const record = records.get(m.member)!;
      record.status = "failed";
      record.batch = batch.index;
      record.txHash = receipt.hash;
      record.blockNumber = receipt.blockNumber;
      record.reason = "the batch transaction reverted; still owed";
    }
    batch.failed = members.length;
    return;
  }
  batch.status = "mined";
  const poolAddress = contract.target.toString().toLowerCase();
  const outcome = new Map<
    string,
    { event: "PaidOut" | "PayoutFailed"; to: string; amount: bigint }
  >();
  const donated = new Map<string, bigint>();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== poolAddress) continue;
    const parsed = contract.interface.parseLog(log);
    if (!parsed || parsed.args.poolId !== poolId) continue;
    if (parsed.name === "PaidOut" || parsed.name === "PayoutFailed") {
      outcome.set(parsed.args.member as string, {
        event: parsed.name,
        to: parsed.args.to as string,
        amount: parsed.args.amount as bigint,
      });
    } else if (parsed.name === "Donated") {
      const member = parsed.args.member as string;
      donated.set(member, (donated.get(member) ?? 0n) + (parsed.args.amount as bigint));
    }
  }
  for (const m of members) {
    const record = records.get(m.member)!;
    record.batch = batch.index;
    record.txHash = receipt.hash;
    record.blockNumber = receipt.blockNumber;
    const result = outcome.get(m.member);
    if (result?.event === "PaidOut") {
      record.status = "paid";
      record.payoutAddress = result.to;
      record.paid = result.amount;
      record.donated = donated.get(m.member) ?? 0n;
      record.reason = null;
      batch.paid++;
    } else if (result?.event === "PayoutFailed") {
      record.status = "failed";
      record.payoutAddress = result.to;
      record.reason = native
        ? `the payout address ${result.to} refused the native coin; the balance stays claimable`
        : `the token refused the transfer to ${result.to} (a blocklist, or a paused token); the balance stays claimable`;
      batch.failed++;
    } else {
      record.status = "skipped";
      record.reason = "owed nothing when the batch ran (claimed or paid just before)";
      batch.skipped++;
    }
  }
}

/**
 * Sends one batch and returns its receipt, without ever sending a second transaction for it if the first may
 * have gone through.
 *
 * The nonce is fixed before the first attempt. When a send fails with a transient error (a timeout, a dropped
 * connection), the transaction may or may not have reached the node, so before sending again the account's
 * pending nonce is read: if it has moved past ours, or the node answers "nonce too low" / "already known", the
 * transaction is looked up by its nonce instead of being sent again. Only when the nonce is still free is the same
 * request sent again; with the same nonce, at most one of the two can ever be mined.
 */
async function sendBatch(
  ctx: PayoutContext,
  send: SendSettings,
  to: string,
  data: string,
  gasLimit: bigint,
  onSent: (nonce: number, hash: string | null) => void,
): Promise<SentBatch> {
  const { provider } = ctx;
  const { sender } = send;
  const nonce = await ctx.read("eth_getTransactionCount", () =>
    provider.getTransactionCount(sender, "pending"),
  );
  const startBlock = await ctx.read("eth_blockNumber", () => provider.getBlockNumber());
  const fees = await ctx.read("fee data", () => provider.getFeeData());
  const request: TransactionRequest = {
    to,
    data,
    gasLimit,
    nonce,
    chainId: send.chainId,
    ...(fees.maxFeePerGas !== null && fees.maxPriorityFeePerGas !== null
      ? { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas }
      : fees.gasPrice !== null
        ? { gasPrice: fees.gasPrice }
        : {}),
  };

  let hash: string | null = null;
  let note: string | null = null;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await send.signer.sendTransaction(request);
      hash = response.hash;
      break;
    } catch (error) {
      const nonceUsed = isNonceUsedError(error);
      // Refused outright (insufficient funds, a revert, a bad argument): nothing was sent.
      if (!nonceUsed && !isTransientError(error))
        throw decodeRevert(error, "RevenuePool", RevenuePool__factory.abi);
      const pending = await ctx.read("eth_getTransactionCount", () =>
        provider.getTransactionCount(sender, "pending"),
      );
      if (nonceUsed || pending > nonce) {
        note = `sending failed (${describeError(error)}) but nonce ${nonce} is taken, so the transaction was looked up by its nonce instead of being sent again`;
        ctx.emit({ type: "notice", message: `Batch: ${note}.` });
        break;
      }
      if (attempt >= ctx.policy.attempts) {
        throw new RpcUnavailableError("eth_sendTransaction", attempt, describeError(error), error);
      }
      const delayMs = backoffDelay(ctx.policy, attempt);
      ctx.retries++;
      ctx.emit({
        type: "retry",
        notice: {
          operation: `sending the batch (nonce ${nonce} is still free, so the same transaction is sent again)`,
          attempt,
          attempts: ctx.policy.attempts,
          delayMs,
          reason: describeError(error),
        },
      });
      await sleep(delayMs);
    }
  }
  onSent(nonce, hash);
  const receipt = hash
    ? await waitForReceipt(ctx, send, hash, nonce, startBlock, to, data)
    : await findByNonce(ctx, send, nonce, startBlock, to, data);
  return { receipt, nonce, note };
}

/** Polls for a transaction's receipt; if another transaction takes its nonce meanwhile, finds that one. */
async function waitForReceipt(
  ctx: PayoutContext,
  send: SendSettings,
  hash: string,
  nonce: number,
  startBlock: number,
  to: string,
  data: string,
): Promise<TransactionReceipt> {
  const deadline = Date.now() + send.receiptTimeoutMs;
  for (;;) {
    const receipt = await ctx.read("eth_getTransactionReceipt", () =>
      ctx.provider.getTransactionReceipt(hash),
    );
    if (receipt) return receipt;
    const mined = await ctx.read("eth_getTransactionCount", () =>
      ctx.provider.getTransactionCount(send.sender, "latest"),
    );
    if (mined > nonce) return findByNonce(ctx, send, nonce, startBlock, to, data);
    if (Date.now() > deadline) {
      throw new BatchPendingError(
        `Transaction ${hash} (nonce ${nonce}) was not mined within ${Math.round(send.receiptTimeoutMs / 1000)} s`,
        hash,
        "It may be waiting behind a low fee. The run stopped here; once it is mined or replaced, run the " +
          "payout again: members are re-read from the chain, so nobody is paid twice.",
      );
    }
    await sleep(send.pollIntervalMs);
  }
}

/**
 * Finds the transaction the sender mined with `nonce`: waits until the account's mined nonce passes it, finds the
 * block by binary search on the nonce at each block, and takes the transaction from that block.
 *
 * @throws {NonceTakenError} When that transaction is not this batch's (another process sent from the account).
 */
async function findByNonce(
  ctx: PayoutContext,
  send: SendSettings,
  nonce: number,
  startBlock: number,
  to: string,
  data: string,
): Promise<TransactionReceipt> {
  const { provider } = ctx;
  const { sender } = send;
  const nonceAt = (block: number | "latest") =>
    ctx.read("eth_getTransactionCount", () => provider.getTransactionCount(sender, block));
  const deadline = Date.now() + send.receiptTimeoutMs;
  while ((await nonceAt("latest")) <= nonce) {
    if (Date.now() > deadline) {
      throw new BatchPendingError(
        `A transaction with nonce ${nonce} from ${sender} reached the node but was not mined within ${Math.round(send.receiptTimeoutMs / 1000)} s`,
        null,
        "Once it is mined or replaced, run the payout again: members are re-read from the chain, so nobody is paid twice.",
      );
    }
    await sleep(send.pollIntervalMs);
  }
  let low = Math.max(0, startBlock);
  let high = await ctx.read("eth_blockNumber", () => provider.getBlockNumber());
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((await nonceAt(middle)) > nonce) high = middle;
    else low = middle + 1;
  }
  const block = await ctx.read(`eth_getBlockByNumber ${low}`, () => provider.getBlock(low, true));
  const tx = block?.prefetchedTransactions.find(
    (t) => t.from.toLowerCase() === sender.toLowerCase() && t.nonce === nonce,
  );
  if (!tx) {
    throw new CitizenDataError(
      `Nonce ${nonce} of ${sender} was used, but its transaction was not found in block ${low}`,
      {
        details:
          "Look the account up in a block explorer. Running the payout again is safe: nobody is paid twice.",
      },
    );
  }
  if (tx.to?.toLowerCase() !== to.toLowerCase() || tx.data.toLowerCase() !== data.toLowerCase())
    throw new NonceTakenError(sender, nonce, tx.hash);
  for (;;) {
    const receipt = await ctx.read("eth_getTransactionReceipt", () =>
      provider.getTransactionReceipt(tx.hash),
    );
    if (receipt) return receipt;
    await sleep(send.pollIntervalMs);
  }
}
