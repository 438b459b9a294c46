import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const runDemo = (args: string[]) =>
  spawnSync(process.execPath, [tsxCli, path.join("scripts", "demo.ts"), ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });
const EURC = 10n ** 6n;

describe("demo (npm run demo)", () => {
  it("tells the whole story for a small city and writes a summary that adds up to the unit", async function () {
    this.timeout(120_000);
    const out = await mkdtemp(path.join(tmpdir(), "demo-"));
    const run = runDemo(["--citizens", "24", "--out", out]);
    expect(run.status, run.stderr).to.equal(0);
    const summary = JSON.parse(await readFile(path.join(out, "summary.json"), "utf8"));
    expect(summary.citizens).to.equal(24);
    // every citizen answers the mobility form, every 2nd the research one, every 3rd the statistics one
    expect(summary.consentsByForm).to.deep.equal({ mobility: 24, research: 12, statistics: 8 });
    expect(summary.consentsGranted).to.equal(44);
    expect(summary.relayBatches).to.equal(1); // 24 citizens: one batch of at most 25

    // Three business models, and a purchase for a purpose the product does not allow, refused readably.
    expect(summary.licences.subscription).to.equal((1_200n * EURC).toString());
    expect(summary.licences.renewal).to.equal((1_200n * EURC).toString());
    expect(summary.licences.negotiatedOffer).to.equal((900n * EURC).toString());
    expect(summary.licences.publicInterest).to.equal("0");
    expect(summary.licences.refusedPurchase).to.contain("DataLicensingPurposeNotAllowed");
    expect(summary.licences.refusedPurchase).to.contain("do not allow this purpose");

    // Half the city withdraws (at most 50), everyone who did is settled out, and the cohort shrinks.
    const { total, bySignature, byOperator, withdrawAll, settledOut } = summary.withdrawals;
    expect(total).to.equal(12);
    expect(bySignature + byOperator + withdrawAll).to.equal(total);
    expect(settledOut).to.equal(total);
    expect(summary.cohorts.productBefore).to.equal(24);
    expect(summary.cohorts.productAfterWithdrawals).to.equal(24 - total);
    expect(summary.pool.weightAfterSettleOut).to.equal(String(24 - total));
    expect(summary.cohorts.statisticsAfterExpiry).to.equal(0);

    // Money: 3,300 EURC received; the parties' shares are exact, and the citizens' 60% is paid out, donated
    // or (rounding) still in the pool, to the unit. A second payout run pays nobody.
    const received = BigInt(summary.revenue.received);
    expect(received).to.equal(3_300n * EURC);
    expect(BigInt(summary.revenue.platform)).to.equal((received * 500n) / 10_000n);
    expect(BigInt(summary.revenue.city)).to.equal((received * 1_500n) / 10_000n);
    expect(BigInt(summary.revenue.cooperative)).to.equal((received * 2_000n) / 10_000n);
    const citizensPart =
      BigInt(summary.revenue.citizensPaid) +
      BigInt(summary.donations.collectedByCity) +
      BigInt(summary.leftInPool);
    expect(citizensPart).to.equal((received * 6_000n) / 10_000n);
    expect(summary.payouts.paid).to.equal(24); // the settled-out citizens had earned before they left
    expect(summary.payouts.failed).to.equal(0);
    expect(summary.payouts.secondRunPaid).to.equal(0);
    expect(BigInt(summary.gas.total)).to.be.greaterThan(0n);

    expect(summary.receiptChecks.valid).to.equal(true);
    expect(summary.receiptChecks.withdrawn).to.have.length(1);
    const record = JSON.parse(await readFile(path.join(out, "deployments", "demo.json"), "utf8"));
    expect(Object.keys(record.contracts)).to.deep.equal([
      "ConsentRegistry",
      "DataLicensing",
      "RevenuePool",
    ]);
    const payoutReport = JSON.parse(await readFile(path.join(out, "payout-report.json"), "utf8"));
    expect(payoutReport.mode).to.equal("send");
    expect(payoutReport.status).to.equal("complete");
    expect(payoutReport.totals.paidMembers).to.equal(24);
    expect(payoutReport.totals.paid).to.equal(summary.payouts.total);
    const markdown = await readFile(path.join(out, "summary.md"), "utf8");
    expect(markdown).to.contain("| consents granted | 44");
    expect(markdown).to.contain("| payouts | 24 citizens paid");
  });

  it("refuses a citizen count out of range, saying what it accepts", () => {
    const run = runDemo(["--citizens", "5"]);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.contain("--citizens must be a whole number from 10 to 20000");
  });

  it("refuses an unknown option", () => {
    const run = runDemo(["--citizenz", "50"]);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.contain("Usage: npm run demo");
  });

  it("refuses an unknown network, naming the ones configured", () => {
    const run = runDemo(["--network", "atlantis"]);
    expect(run.status).to.equal(2);
    expect(run.stderr).to.contain('Unknown network "atlantis"');
    expect(run.stderr).to.contain("localhost");
  });
});
