import { expect } from "chai";
import { compareToSnapshot, describeRow } from "../../scripts/gas/snapshot.js";
import type { GasMeasurement } from "../../scripts/gas/types.js";

const measured = (entries: Record<string, number>): GasMeasurement[] =>
  Object.entries(entries).map(([key, gas]) => ({ key, gas: BigInt(gas), note: "" }));

describe("compareToSnapshot (scripts/gas/snapshot.ts)", () => {
  it("counts an operation that costs even 1 gas more as higher", () => {
    const { higher, lower, unmatched } = compareToSnapshot(measured({ "A.buy": 86_241 }), {
      "A.buy": 86_240,
    });
    expect(higher.map(describeRow)).to.deep.equal(["A.buy: 86,240 -> 86,241 (+1)"]);
    expect(lower).to.deep.equal([]);
    expect(unmatched).to.deep.equal([]);
  });

  it("counts a cheaper operation as lower, not as a regression", () => {
    const { higher, lower, rows } = compareToSnapshot(
      measured({ "A.buy": 86_000, "A.renew": 69_910 }),
      { "A.buy": 86_240, "A.renew": 69_910 },
    );
    expect(higher).to.deep.equal([]);
    expect(lower.map(describeRow)).to.deep.equal(["A.buy: 86,240 -> 86,000 (-240)"]);
    expect(rows.map((r) => r.status)).to.deep.equal(["lower", "same"]);
  });

  it("reports operations missing from the snapshot and snapshot entries no longer measured", () => {
    const { unmatched, higher } = compareToSnapshot(measured({ "A.buy": 1, "B.pay": 2 }), {
      "A.buy": 1,
      "A.old": 3,
    });
    expect(unmatched.map((r) => [r.status, describeRow(r)])).to.deep.equal([
      ["new", "B.pay: - -> 2"],
      ["gone", "A.old: 3 -> -"],
    ]);
    expect(higher).to.deep.equal([]);
  });
});
