/**
 * The payout report: what was planned or done, per member and per batch, with totals and failures. Written as
 * JSON (amounts in the token's base units, as decimal strings) by {@link writeReport}.
 *
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatUnits } from "ethers";

/** The pool's payment token, or the chain's native coin (`address: null`). */
export interface TokenInfo {
  address: string | null;
  symbol: string;
  decimals: number;
}

/**
 * What became of a member:
 * - `planned`: a dry run would pay it in the batch shown;
 * - `paid`: a `PaidOut` event in the batch's transaction;
 * - `failed`: a `PayoutFailed` event (its payout address or the token refused); it stays claimable;
 * - `skipped`: it was owed nothing when its batch came (paid or claimed since the plan);
 * - `not-sent`: the run stopped (interrupted, `--max-batches`, an error) before its batch;
 * - `pending`: its batch was sent but not seen mined before the run stopped (run again later to find out).
 */
export type MemberStatus = "planned" | "paid" | "failed" | "skipped" | "not-sent" | "pending";

export interface MemberRecord {
  member: string;
  /** What it was owed: at planning, then as re-read just before its batch. Includes any auto-donation. */
  amount: bigint;
  /** Where batch payouts pay it (`PaidOut`'s `to` once paid). */
  payoutAddress: string;
  status: MemberStatus;
  /** The batch (1, 2, ...) it was in, or null. */
  batch: number | null;
  txHash: string | null;
  blockNumber: number | null;
  /** What reached the payout address (the amount less any standing auto-donation). */
  paid: bigint;
  /** The auto-donation taken from its payout, when it has one. */
  donated: bigint;
  reason: string | null;
}

export interface BatchRecord {
  index: number;
  members: number;
  estimatedGas: bigint;
  gasLimit: bigint;
  status: "planned" | "mined" | "reverted" | "pending";
  txHash: string | null;
  blockNumber: number | null;
  gasUsed: bigint | null;
  nonce: number | null;
  paid: number;
  failed: number;
  skipped: number;
  /** How the transaction was found after a send error, when it was (see README "Running payouts"). */
  note: string | null;
}

/**
 * How the run ended: `planned` (dry run), `complete` (every planned batch was handled), `interrupted` (Ctrl-C or
 * an abort signal), `stopped` (`--max-batches` reached), `failed` (an error; see `error`).
 */
export type RunStatus = "planned" | "complete" | "interrupted" | "stopped" | "failed";

export interface PayoutTotals {
  owedMembers: number;
  owed: bigint;
  paidMembers: number;
  paid: bigint;
  donated: bigint;
  failedMembers: number;
  failedAmount: bigint;
  skippedMembers: number;
  notSentMembers: number;
  notSentAmount: bigint;
  pendingMembers: number;
  estimatedGas: bigint;
  transactions: number;
  gasUsed: bigint;
}

export interface PayoutReport {
  tool: "citizen-data-ledger payout";
  reportVersion: 1;
  mode: "dry-run" | "send";
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  /** The network's name, chain id, and the symbol of the coin gas is paid in. */
  network: { name: string; chainId: bigint; nativeSymbol: string };
  pool: {
    address: string;
    poolId: bigint;
    version: string;
    provider: string;
    /** Addresses seen in the pool's `WeightChanged` events, paid or not. */
    membersSeen: number;
    scannedFromBlock: number;
    scannedToBlock: number;
  };
  token: TokenInfo;
  /** The account that sent (or, in a dry run, would send) the batches; null when none was given. */
  sender: string | null;
  maxGasPerTx: bigint;
  /** The highest fee per gas at planning time, and the most the batches' gas limits could cost at it (in wei). */
  feePerGas: bigint | null;
  estimatedCost: bigint | null;
  members: MemberRecord[];
  batches: BatchRecord[];
  totals: PayoutTotals;
  /** The same totals in the token's units, for people. */
  display: Record<string, string>;
  failures: {
    member: string;
    payoutAddress: string;
    amount: bigint;
    reason: string;
    txHash: string | null;
  }[];
  retries: number;
  error: string | null;
}

/**
 * An amount in the token's units with its symbol: `1234.5 EURC`.
 *
 * @example
 * ```ts
 * formatAmount(1_500_000n, { address: "0x…", symbol: "USDC", decimals: 6 }); // "1.5 USDC"
 * ```
 */
export function formatAmount(amount: bigint, token: TokenInfo): string {
  let text = formatUnits(amount, token.decimals);
  if (text.endsWith(".0")) text = text.slice(0, -2);
  return `${text} ${token.symbol}`;
}

/** Adds up the members and batches of a report. */
export function computeTotals(
  members: readonly MemberRecord[],
  batches: readonly BatchRecord[],
): PayoutTotals {
  const sum = (list: readonly MemberRecord[], pick: (m: MemberRecord) => bigint) =>
    list.reduce((total, m) => total + pick(m), 0n);
  const by = (status: MemberStatus) => members.filter((m) => m.status === status);
  const paid = by("paid");
  const failed = by("failed");
  const notSent = [...by("not-sent"), ...by("planned")];
  const sent = batches.filter((b) => b.txHash !== null);
  return {
    owedMembers: members.filter((m) => m.status !== "skipped").length,
    owed: sum(
      members.filter((m) => m.status !== "skipped"),
      (m) => m.amount,
    ),
    paidMembers: paid.length,
    paid: sum(paid, (m) => m.paid),
    donated: sum(paid, (m) => m.donated),
    failedMembers: failed.length,
    failedAmount: sum(failed, (m) => m.amount),
    skippedMembers: by("skipped").length,
    notSentMembers: notSent.length,
    notSentAmount: sum(notSent, (m) => m.amount),
    pendingMembers: by("pending").length,
    estimatedGas: batches.reduce((total, b) => total + b.estimatedGas, 0n),
    transactions: sent.length,
    gasUsed: sent.reduce((total, b) => total + (b.gasUsed ?? 0n), 0n),
  };
}

/** Recomputes a report's totals, display figures and failure list from its members and batches. */
export function finalizeReport(report: PayoutReport): PayoutReport {
  const totals = computeTotals(report.members, report.batches);
  const fmt = (amount: bigint) => formatAmount(amount, report.token);
  report.totals = totals;
  report.display = {
    owed: fmt(totals.owed),
    paid: fmt(totals.paid),
    donated: fmt(totals.donated),
    failed: fmt(totals.failedAmount),
    notSent: fmt(totals.notSentAmount),
    ...(report.estimatedCost === null
      ? {}
      : {
          estimatedGasCost: `at most ${formatUnits(report.estimatedCost, 18)} ${report.network.nativeSymbol}`,
        }),
  };
  report.failures = report.members
    .filter((m) => m.status === "failed")
    .map((m) => ({
      member: m.member,
      payoutAddress: m.payoutAddress,
      amount: m.amount,
      reason: m.reason ?? "refused",
      txHash: m.txHash,
    }));
  return report;
}

/** The report as JSON text: bigints as decimal strings. */
export function reportToJson(report: PayoutReport): string {
  return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`;
}

/**
 * Where a report goes by default: `reports/payout-<network>-pool<id>-<timestamp>.json`.
 *
 * @example
 * ```ts
 * defaultReportPath("sepolia", 1n, new Date()); // reports/payout-sepolia-pool1-20260101T120000Z.json
 * ```
 */
export function defaultReportPath(network: string, poolId: bigint, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const safeNetwork = network.replace(/[^A-Za-z0-9_.-]+/g, "_");
  return path.join("reports", `payout-${safeNetwork}-pool${poolId}-${stamp}.json`);
}

/**
 * Writes a report as JSON, creating its folder.
 *
 * @example
 * ```ts
 * await writeReport(report, "reports/payout.json");
 * ```
 */
export async function writeReport(report: PayoutReport, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, reportToJson(report));
}
