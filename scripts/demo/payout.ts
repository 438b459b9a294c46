/**
 * The demo's payout step: the operators' payout tool (`scripts/payout/`, the same code as `npm run payout`)
 * pays every member of the pool with something owed, in batches sized by gas, and writes its report.
 */
import cliProgress from "cli-progress";
import type { Provider, Signer } from "ethers";
import { CitizenDataError } from "../../sdk/errors.js";
import { runPayout } from "../payout/run.js";
import { writeReport } from "../payout/report.js";

export interface PayoutSummary {
  paid: number;
  failed: number;
  batches: number;
  total: bigint;
  gasUsed: bigint;
}

export async function payEveryone(options: {
  provider: Provider;
  signer: Signer;
  poolAddress: string;
  poolId: bigint;
  fromBlock: number;
  network: string;
  progress: boolean;
  /** Where the payout report is written, if anywhere. */
  reportFile?: string;
}): Promise<PayoutSummary> {
  const bar = options.progress
    ? new cliProgress.SingleBar(
        { format: `  ${"paying citizens".padEnd(36)} {bar} {value}/{total}`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  const report = await runPayout({
    provider: options.provider,
    signer: options.signer,
    poolAddress: options.poolAddress,
    poolId: options.poolId,
    fromBlock: options.fromBlock,
    network: options.network,
    send: true,
    onEvent: (event) => {
      if (!bar || event.type !== "batch-done") return;
      const { totals } = event;
      const done = totals.paidMembers + totals.failedMembers + totals.skippedMembers;
      if (!started) bar.start(done + totals.notSentMembers, 0);
      started = true;
      bar.update(done);
    },
  });
  if (started) bar?.stop();
  if (options.reportFile) await writeReport(report, options.reportFile);
  if (report.status !== "complete") {
    throw new CitizenDataError(
      `The payout did not complete: ${report.status}${report.error ? ` (${report.error})` : ""}`,
    );
  }
  return {
    paid: report.totals.paidMembers,
    failed: report.totals.failedMembers,
    batches: report.totals.transactions,
    total: report.totals.paid,
    gasUsed: report.totals.gasUsed,
  };
}
