/**
 * Reads Hardhat's coverage results and checks them against a threshold, per contract file.
 *
 * Hardhat 3 (`hardhat test --coverage`) writes line coverage to coverage/lcov.info, and prints a
 * table with line and statement percentages per file. Statements appear only in that table (lcov has
 * no field for them), so both are read: lines from the lcov file, statements from the printed table.
 */

/**
 * The tests that must run on the real bytecode because they measure gas: those whose title (describe
 * or it) contains "gas budget". A regular expression, as Hardhat's `--grep` and `--grep-exclude`
 * take it for mocha titles and Solidity test names. The coverage pass leaves these tests out, since
 * instrumented contracts cost more gas; the plain pass of `npm test` and the audit run them.
 */
export const GAS_TESTS = "gas budget";

/** Line coverage of one file, from lcov. */
export interface LineCoverage {
  /** Lines with executable code (lcov `LF`). */
  found: number;
  /** Of those, lines executed at least once (lcov `LH`). */
  hit: number;
  /** The lines never executed, ascending. */
  uncovered: number[];
}

/** The verdict on one file. */
export interface FileCoverage {
  path: string;
  /** Percentages, 0 to 100. */
  lines: number;
  statements: number;
  uncoveredLines: number[];
  ok: boolean;
}

export interface CoverageResult {
  threshold: number;
  files: FileCoverage[];
  /** One message per problem: a file under the threshold, or a file missing from one of the sources. */
  failures: string[];
}

/** Parses an lcov tracefile into line coverage per source file (as the `SF:` lines name them). */
export function parseLcov(text: string): Map<string, LineCoverage> {
  const files = new Map<string, LineCoverage>();
  let current: { path: string; coverage: LineCoverage } | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("SF:")) {
      current = { path: line.slice(3), coverage: { found: 0, hit: 0, uncovered: [] } };
    } else if (current === undefined) {
      continue;
    } else if (line.startsWith("DA:")) {
      const [lineNumber, count] = line.slice(3).split(",").map(Number);
      if (count === 0 && lineNumber !== undefined) current.coverage.uncovered.push(lineNumber);
    } else if (line.startsWith("LF:")) {
      current.coverage.found = Number(line.slice(3));
    } else if (line.startsWith("LH:")) {
      current.coverage.hit = Number(line.slice(3));
    } else if (line === "end_of_record") {
      current.coverage.uncovered.sort((a, b) => a - b);
      files.set(current.path, current.coverage);
      current = undefined;
    }
  }
  return files;
}

/**
 * Reads the statement percentage of each file from the coverage table Hardhat prints, whose rows
 * look like `║ contracts/x/X.sol │ 98.50 │ 97.20 │ 12, 40-41 ║` (file, line %, statement %,
 * uncovered lines). Colour codes must be stripped first.
 */
export function parseStatementTable(output: string): Map<string, number> {
  const statements = new Map<string, number>();
  for (const line of output.split("\n")) {
    const cells = line
      .replace(/^\s*║/, "")
      .replace(/║\s*$/, "")
      .split("│")
      .map((cell) => cell.trim());
    const [path, linePercent, statementPercent] = cells;
    if (cells.length !== 4 || path === undefined || !path.endsWith(".sol")) continue;
    if (!/^\d+(\.\d+)?$/.test(linePercent ?? "") || !/^\d+(\.\d+)?$/.test(statementPercent ?? "")) {
      continue;
    }
    statements.set(path, Number(statementPercent));
  }
  return statements;
}

/** Whether a source file is one of the project's contracts (test-only mocks are not). */
export function isContractSource(path: string): boolean {
  return path.startsWith("contracts/") && !path.startsWith("contracts/mocks/");
}

/** Checks every contract file's line and statement coverage against `threshold` (a percentage). */
export function checkCoverage(
  lines: Map<string, LineCoverage>,
  statements: Map<string, number>,
  threshold: number,
): CoverageResult {
  const failures: string[] = [];
  const files: FileCoverage[] = [];
  const paths = new Set([...lines.keys(), ...statements.keys()].filter(isContractSource));
  for (const path of [...paths].sort()) {
    const line = lines.get(path);
    const statementPercent = statements.get(path);
    if (line === undefined || statementPercent === undefined) {
      const missing = line === undefined ? "coverage/lcov.info" : "Hardhat's coverage table";
      failures.push(`${path}: no figures in ${missing}`);
      continue;
    }
    if (line.found === 0) continue; // no executable line (an interface): nothing to cover
    const linePercent = (line.hit * 100) / line.found;
    const ok = linePercent >= threshold && statementPercent >= threshold;
    files.push({
      path,
      lines: linePercent,
      statements: statementPercent,
      uncoveredLines: line.uncovered,
      ok,
    });
    if (!ok) {
      failures.push(
        `${path}: lines ${formatPercent(linePercent)}, statements ${formatPercent(statementPercent)}` +
          ` (under ${threshold}%); uncovered lines ${formatLines(line.uncovered)}`,
      );
    }
  }
  if (paths.size === 0) failures.push("no contract under contracts/ in the coverage results");
  return { threshold, files, failures };
}

export function formatPercent(value: number): string {
  return `${value.toFixed(2)}%`;
}

/** `[3, 4, 5, 9]` as `3-5, 9`. */
export function formatLines(lines: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    ranges.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return ranges.length === 0 ? "none" : ranges.join(", ");
}
