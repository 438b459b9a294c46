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

describe("demo (npm run demo)", () => {
  it("tells the consent story for a small city and writes a summary that adds up", async function () {
    this.timeout(120_000);
    const out = await mkdtemp(path.join(tmpdir(), "demo-"));
    const run = runDemo(["--citizens", "24", "--out", out]);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("ConsentRegistryInvalidNonce");
    const summary = JSON.parse(await readFile(path.join(out, "summary.json"), "utf8"));
    expect(summary.citizens).to.equal(24);
    // every citizen answers the mobility form, every 2nd the research one, every 3rd the statistics one
    expect(summary.consentsByForm).to.deep.equal({ mobility: 24, research: 12, statistics: 8 });
    expect(summary.consentsGranted).to.equal(44);
    const { total, bySignature, byOperator, withdrawAll } = summary.withdrawals;
    expect(total).to.equal(12); // one replayed withdrawal + 11: at most half the city withdraws
    expect(bySignature + byOperator + withdrawAll).to.equal(total);
    expect(summary.cohorts.mobilityLocationBefore).to.equal(24);
    expect(summary.cohorts.mobilityLocationAfterWithdrawals).to.equal(24 - total);
    expect(summary.cohorts.statisticsAgeAfterExpiry).to.equal(0);
    expect(summary.receiptChecks.valid).to.equal(true);
    expect(summary.receiptChecks.withdrawn).to.have.length(1);
    const markdown = await readFile(path.join(out, "summary.md"), "utf8");
    expect(markdown).to.contain("| consents granted | 44");
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
});
