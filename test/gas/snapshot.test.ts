import { expect } from "chai";
import hre, { network } from "hardhat";
import { measureAll } from "../../scripts/gas/measure.js";
import {
  SNAPSHOT_PATH,
  compareToSnapshot,
  describeRow,
  readSnapshot,
  type SnapshotComparison,
} from "../../scripts/gas/snapshot.js";
import type { GasMeasurement } from "../../scripts/gas/types.js";

const { ethers } = await network.create();

// The title contains "gas budget": the coverage pass (scripts/coverage.ts) leaves these tests out,
// since instrumented contracts cost more gas. `npm test`'s plain pass runs them on the real bytecode.
describe("gas budgets: the committed snapshot (reports/gas-snapshot.json)", () => {
  let measurements: GasMeasurement[];
  let comparison: SnapshotComparison;

  before(async function () {
    if (hre.globalOptions.coverage) {
      throw new Error(
        "gas is measured on the real bytecode, not on contracts instrumented for coverage: " +
          'run without --coverage, or leave these tests out with --grep-exclude "gas budget"',
      );
    }
    this.timeout(120_000);
    measurements = await measureAll(ethers);
    comparison = compareToSnapshot(measurements, await readSnapshot());
  });

  it("costs no more gas on any operation than the snapshot records", () => {
    if (comparison.lower.length > 0) {
      console.log(
        `      cheaper than the snapshot: run npm run gas:snapshot and commit ${SNAPSHOT_PATH}\n` +
          comparison.lower.map((row) => `        ${describeRow(row)}`).join("\n"),
      );
    }
    const regressions = comparison.higher.map(describeRow);
    expect(
      regressions,
      `more gas than ${SNAPSHOT_PATH} (if deliberate: run npm run gas:snapshot and commit it)`,
    ).to.deep.equal([]);
  });

  it("measures exactly the operations the snapshot records", () => {
    const unmatched = comparison.unmatched.map((row) => `${row.status}: ${row.key}`);
    expect(
      unmatched,
      `operations added or removed: run npm run gas:snapshot and commit ${SNAPSHOT_PATH}`,
    ).to.deep.equal([]);
  });

  it("keeps every operation that has a target within it", () => {
    const withTarget = measurements.filter((m) => m.target !== undefined);
    expect(withTarget).to.not.be.empty;
    const over = withTarget
      .filter((m) => m.gas > m.target!)
      .map((m) => `${m.key}: ${m.gas} > ${m.target}`);
    expect(over, "over target").to.deep.equal([]);
  });
});
