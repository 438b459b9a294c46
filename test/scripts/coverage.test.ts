import { expect } from "chai";
import {
  checkCoverage,
  formatLines,
  parseLcov,
  parseStatementTable,
} from "../../scripts/lib/coverage.js";

// Shaped as Hardhat 3 writes coverage/lcov.info and prints its coverage table.
const LCOV = `TN:
SF:contracts/consent/ConsentRegistry.sol
DA:10,1
DA:11,4
DA:12,0
DA:13,0
DA:20,0
DA:21,2
LH:3
LF:6
end_of_record
SF:contracts/licensing/DataLicensing.sol
DA:5,1
DA:6,1
LH:2
LF:2
end_of_record
SF:contracts/mocks/MockERC20.sol
DA:3,0
LH:0
LF:1
end_of_record
`;
const TABLE = `
╔══════════════════════════════════════════╗
║ File Path                              │ Line % │ Statement % │ Uncovered Lines ║
╟────────────────────────────────────────┼────────┼─────────────┼─────────────────╢
║ contracts/consent/ConsentRegistry.sol  │ 50.00  │ 96.10       │ 12-13, 20       ║
║ contracts/licensing/DataLicensing.sol  │ 100.00 │ 94.99       │ -               ║
║ contracts/mocks/MockERC20.sol          │ 0.00   │ 0.00        │ 3               ║
╟────────────────────────────────────────┼────────┼─────────────┼─────────────────╢
║ Total                                  │ 62.50  │ 90.00       │                 ║
╚══════════════════════════════════════════╝
`;

describe("coverage check (scripts/lib/coverage.ts)", () => {
  it("reads lines found, hit and never executed from lcov", () => {
    const registry = parseLcov(LCOV).get("contracts/consent/ConsentRegistry.sol");
    expect(registry).to.deep.equal({ found: 6, hit: 3, uncovered: [12, 13, 20] });
  });

  it("reads the statement percentage of each file from Hardhat's table, not the total", () => {
    expect([...parseStatementTable(TABLE)]).to.deep.equal([
      ["contracts/consent/ConsentRegistry.sol", 96.1],
      ["contracts/licensing/DataLicensing.sol", 94.99],
      ["contracts/mocks/MockERC20.sol", 0],
    ]);
  });

  it("names each contract under the threshold, with its figures and uncovered lines, and ignores mocks", () => {
    const result = checkCoverage(parseLcov(LCOV), parseStatementTable(TABLE), 95);
    expect(result.files.map((f) => [f.path, f.ok])).to.deep.equal([
      ["contracts/consent/ConsentRegistry.sol", false],
      ["contracts/licensing/DataLicensing.sol", false],
    ]);
    expect(result.failures).to.deep.equal([
      "contracts/consent/ConsentRegistry.sol: lines 50.00%, statements 96.10% (under 95%); uncovered lines 12-13, 20",
      "contracts/licensing/DataLicensing.sol: lines 100.00%, statements 94.99% (under 95%); uncovered lines none",
    ]);
  });

  it("passes files at or above the threshold", () => {
    const result = checkCoverage(parseLcov(LCOV), parseStatementTable(TABLE), 50);
    expect(result.failures).to.deep.equal([]);
    expect(result.files.every((f) => f.ok)).to.equal(true);
  });

  it("fails when a contract is missing from one source, or when there is no contract at all", () => {
    const onlyRegistry = new Map([["contracts/consent/ConsentRegistry.sol", 100]]);
    expect(checkCoverage(parseLcov(LCOV), onlyRegistry, 0).failures).to.deep.equal([
      "contracts/licensing/DataLicensing.sol: no figures in Hardhat's coverage table",
    ]);
    expect(checkCoverage(new Map(), new Map(), 95).failures).to.deep.equal([
      "no contract under contracts/ in the coverage results",
    ]);
  });

  it("writes line lists as ranges", () => {
    expect(formatLines([3, 4, 5, 9, 11, 12])).to.equal("3-5, 9, 11-12");
    expect(formatLines([])).to.equal("none");
  });
});
