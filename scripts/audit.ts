/**
 * Audit readiness in one command: `npm run audit`. Runs every check below, even after one fails,
 * prints a summary (one line per step: pass or fail, duration, key figures), writes it to
 * reports/audit.json, and exits non-zero when any step failed.
 *
 *   solhint             contracts/ with zero warnings
 *   types and format    tsc --noEmit (strict), prettier --check
 *   tests + coverage    every test on instrumented contracts; each contract file >= 95% of lines
 *                       and statements (npm run coverage)
 *   gas                 the tests titled "gas budget…" on the real bytecode: no operation dearer
 *                       than reports/gas-snapshot.json, every target met
 *   fuzz + invariants   the Solidity tests with the `audit` profile's long campaigns
 *
 * The campaigns' length comes from hardhat.config.ts (AUDIT_FUZZ_RUNS, AUDIT_INVARIANT_RUNS,
 * AUDIT_INVARIANT_DEPTH override it).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { AUDIT_CAMPAIGNS } from "../hardhat.config.js";
import { readSnapshot } from "./gas/snapshot.js";
import { GAS_TESTS, formatPercent, type CoverageResult } from "./lib/coverage.js";
import { run, type RunResult } from "./lib/run.js";

interface Step {
  name: string;
  /** Commands run one after the other; the step fails at the first that fails. */
  commands: [string, ...string[]][];
  /** Key figures for the summary, read from the output (colour codes removed) once the step passed. */
  figures: (output: string) => Promise<string> | string;
}

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
  figures: string;
}

const SUMMARY = path.join("reports", "audit.json");

/** "365" from Hardhat's or mocha's last "365 passing" line. */
function passing(output: string): string {
  const counts = [...output.matchAll(/(\d+) passing/g)].map((match) => match[1]);
  return counts.at(-1) ?? "?";
}

const steps: Step[] = [
  {
    name: "solhint",
    commands: [["npm", "run", "lint:sol"]],
    figures: () => "contracts/: 0 errors, 0 warnings",
  },
  {
    name: "types and format",
    commands: [
      ["npm", "run", "lint:ts"],
      ["npm", "run", "lint:format"],
    ],
    figures: () => "tsc --noEmit strict, prettier --check",
  },
  {
    name: "tests + coverage",
    commands: [["npm", "run", "coverage"]],
    figures: async (output) => {
      const coverage = JSON.parse(
        await readFile(path.join("coverage", "summary.json"), "utf8"),
      ) as CoverageResult;
      const files = coverage.files.map(
        (f) =>
          `${path.basename(f.path, ".sol")} ${formatPercent(f.lines)}/${formatPercent(f.statements)}`,
      );
      return `${passing(output)} tests; lines/statements ${files.join(", ")} (>= ${coverage.threshold}% each)`;
    },
  },
  {
    name: "gas",
    commands: [["hardhat", "test", "mocha", "--grep", GAS_TESTS]],
    figures: async (output) => {
      const operations = Object.keys(await readSnapshot()).length;
      const cheaper = output.includes("cheaper than the snapshot")
        ? "; some cheaper: refresh with npm run gas:snapshot"
        : "";
      return `${passing(output)} tests; ${operations} operations, none dearer than the snapshot${cheaper}`;
    },
  },
  {
    name: "fuzz + invariants",
    commands: [["hardhat", "test", "solidity", "--test-profile", "audit"]],
    figures: (output) => {
      const { fuzzRuns, invariantRuns, invariantDepth } = AUDIT_CAMPAIGNS;
      const count = (pattern: RegExp) => output.match(pattern)?.length ?? 0;
      return (
        `${passing(output)} tests; ${count(/✔ testFuzz_/g)} fuzz tests × ${fuzzRuns.toLocaleString("en-US")} runs, ` +
        `${count(/✔ invariant_/g)} invariants × ${invariantRuns} runs × ${invariantDepth} calls`
      );
    },
  },
];

/** m:ss */
function duration(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

async function runStep(step: Step, index: number): Promise<StepResult> {
  let last: RunResult = { code: 0, output: "", seconds: 0 };
  let seconds = 0;
  for (const [command, ...args] of step.commands) {
    console.log(
      `\n==> [${index + 1}/${steps.length}] ${step.name}: ${command} ${args.join(" ")}\n`,
    );
    last = await run(command, args);
    seconds += last.seconds;
    if (last.code !== 0) break;
  }
  const ok = last.code === 0;
  let figures = ok ? "" : `exited with ${last.code}`;
  if (ok) {
    try {
      figures = await step.figures(last.output);
    } catch (error) {
      figures = `passed; figures unavailable (${(error as Error).message})`;
    }
  }
  return { name: step.name, ok, seconds, figures };
}

const results: StepResult[] = [];
for (const [index, step] of steps.entries()) results.push(await runStep(step, index));

const total = results.reduce((sum, r) => sum + r.seconds, 0);
const failed = results.filter((r) => !r.ok);
const width = Math.max(...results.map((r) => r.name.length));
console.log("\nAudit summary");
for (const r of results) {
  console.log(
    `  ${r.ok ? "PASS" : "FAIL"}  ${r.name.padEnd(width)}  ${duration(r.seconds).padStart(5)}  ${r.figures}`,
  );
}
console.log(
  `  ${failed.length === 0 ? "all passed" : `${failed.length} failed: ${failed.map((r) => r.name).join(", ")}`}` +
    ` in ${duration(total)}`,
);

await mkdir(path.dirname(SUMMARY), { recursive: true });
await writeFile(
  SUMMARY,
  `${JSON.stringify({ ok: failed.length === 0, steps: results }, null, 2)}\n`,
);
if (failed.length > 0) process.exitCode = 1;
