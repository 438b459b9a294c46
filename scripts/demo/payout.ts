/**
 * The demo's payout step: every member of the pool with something owed is paid, in batches.
 */
import cliProgress from "cli-progress";
import type { RevenueClient } from "../../sdk/index.js";

/** Members per payout transaction: about 3.5 million gas for new token holders, far below the cap. */
const BATCH = 150;

export interface PayoutSummary {
  paid: number;
  failed: number;
  batches: number;
  total: bigint;
  gasUsed: bigint;
}

export async function payEveryone(options: {
  pools: RevenueClient;
  poolId: bigint;
  progress: boolean;
}): Promise<PayoutSummary> {
  const owed = await options.pools.membersWithBalance(options.poolId);
  const summary: PayoutSummary = { paid: 0, failed: 0, batches: 0, total: 0n, gasUsed: 0n };
  const bar = options.progress
    ? new cliProgress.SingleBar(
        { format: `  ${"paying citizens".padEnd(36)} {bar} {value}/{total}`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(owed.length, 0);
  for (let start = 0; start < owed.length; start += BATCH) {
    const members = owed.slice(start, start + BATCH).map((m) => m.member);
    const result = await options.pools.payout({ poolId: options.poolId, members });
    summary.paid += result.paid.length;
    summary.failed += result.failed.length;
    summary.total += result.total;
    summary.gasUsed += result.gasUsed;
    summary.batches += 1;
    bar?.increment(members.length);
  }
  bar?.stop();
  return summary;
}
