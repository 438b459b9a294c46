/**
 * Refreshes the committed gas snapshot (reports/gas-snapshot.json) from a new measurement of every
 * operation, and prints what changed. Run with `npm run gas:snapshot`, then commit the file. The
 * tests (test/gas/snapshot.test.ts) fail when an operation costs more than the snapshot says.
 */
import { network } from "hardhat";
import { measureAll } from "./gas/measure.js";
import {
  SNAPSHOT_PATH,
  compareToSnapshot,
  describeRow,
  readSnapshot,
  writeSnapshot,
  type GasSnapshot,
} from "./gas/snapshot.js";

const { ethers } = await network.create();
const measurements = await measureAll(ethers);

let previous: GasSnapshot = {};
try {
  previous = await readSnapshot();
} catch {
  // first snapshot
}
const changed = compareToSnapshot(measurements, previous).rows.filter((r) => r.status !== "same");
await writeSnapshot(measurements);

console.log(`Wrote ${measurements.length} operations to ${SNAPSHOT_PATH}.`);
if (changed.length === 0) console.log("No operation changed.");
for (const row of changed) console.log(`  ${row.status.padEnd(6)} ${describeRow(row)}`);
