/**
 * The coverage pass of `npm test`: runs every test on contracts instrumented for coverage, then fails
 * unless each contract file under contracts/ (mocks excluded) has at least THRESHOLD% of its lines and
 * of its statements covered. Run with `npm run coverage`; extra arguments go to `hardhat test`.
 *
 * - Fuzz and invariant campaigns run short (the `coverage` test profile): they reach no line the unit
 *   tests miss, and the plain pass of `npm test` runs them at full length.
 * - Tests with "gas budget" in their title are left out: instrumented contracts cost more gas. The
 *   plain pass runs them on the real bytecode.
 *
 * Writes coverage/lcov.info and coverage/html/ (Hardhat), and coverage/summary.json (this script).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  GAS_TESTS,
  checkCoverage,
  formatLines,
  formatPercent,
  parseLcov,
  parseStatementTable,
} from "./lib/coverage.js";
import { run } from "./lib/run.js";

const THRESHOLD = 95;
const LCOV = path.join("coverage", "lcov.info");
const SUMMARY = path.join("coverage", "summary.json");

const { code, output } = await run("hardhat", [
  "test",
  "--coverage",
  "--test-profile",
  "coverage",
  "--grep-exclude",
  GAS_TESTS,
  ...process.argv.slice(2),
]);
if (code !== 0) {
  console.error(`\nCoverage pass: the tests failed (hardhat test exited with ${code}).`);
  process.exit(code);
}

const result = checkCoverage(
  parseLcov(await readFile(LCOV, "utf8")),
  parseStatementTable(output),
  THRESHOLD,
);
await writeFile(SUMMARY, `${JSON.stringify(result, null, 2)}\n`);

console.log(
  `Coverage of contracts/ (mocks excluded); each file needs ${THRESHOLD}% of lines and statements:`,
);
const width = Math.max(...result.files.map((f) => f.path.length));
for (const file of result.files) {
  const uncovered =
    file.uncoveredLines.length > 0 ? `  uncovered lines ${formatLines(file.uncoveredLines)}` : "";
  console.log(
    `  ${file.ok ? "ok  " : "FAIL"}  ${file.path.padEnd(width)}  lines ${formatPercent(file.lines).padStart(7)}` +
      `  statements ${formatPercent(file.statements).padStart(7)}${uncovered}`,
  );
}
if (result.failures.length > 0) {
  console.error(`\nCoverage below ${THRESHOLD}%, or missing:\n  ${result.failures.join("\n  ")}`);
  process.exit(1);
}
