/**
 * Gas report: measures each contract operation on the in-process chain, prints a table, and merges the
 * figures into reports/gas.json as `{ "<Contract>.<operation>": gas }`. Exits non-zero when an operation
 * exceeds its target. Run with `npm run gas`.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { measureAll } from "./gas/measure.js";

const REPORT = path.join("reports", "gas.json");

const { ethers } = await network.create();
const measurements = await measureAll(ethers);

const rows = measurements.map((m) => ({
  operation: m.key,
  gas: m.gas.toLocaleString("en-US"),
  target: m.target === undefined ? "" : `≤ ${m.target.toLocaleString("en-US")}`,
  status: m.target === undefined ? "" : m.gas <= m.target ? "ok" : "OVER",
  measured: m.note,
}));
console.table(rows);

let existing: Record<string, number> = {};
try {
  existing = JSON.parse(await readFile(REPORT, "utf8")) as Record<string, number>;
} catch {
  // first run: no report yet
}
const merged = {
  ...existing,
  ...Object.fromEntries(measurements.map((m) => [m.key, Number(m.gas)])),
};
await mkdir(path.dirname(REPORT), { recursive: true });
await writeFile(REPORT, `${JSON.stringify(merged, null, 2)}\n`);
console.log(`Wrote ${measurements.length} measurements to ${REPORT}`);

const over = measurements.filter((m) => m.target !== undefined && m.gas > m.target);
if (over.length > 0) {
  console.error(`Over target: ${over.map((m) => `${m.key} (${m.gas} > ${m.target})`).join(", ")}`);
  process.exitCode = 1;
}
