import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { GasMeasurement } from "./types.js";

/** The committed snapshot, `{ "<Contract>.<operation>": gas }`; `npm run gas:snapshot` refreshes it. */
export const SNAPSHOT_PATH = path.join("reports", "gas-snapshot.json");

export type GasSnapshot = Record<string, number>;

/** How one operation compares with the snapshot. */
export interface SnapshotRow {
  key: string;
  /** Gas recorded in the snapshot; undefined for an operation the snapshot does not know. */
  snapshot: number | undefined;
  /** Gas measured now; undefined for an operation that is no longer measured. */
  measured: number | undefined;
  status: "same" | "lower" | "higher" | "new" | "gone";
}

/** The comparison of a measurement run with the snapshot. */
export interface SnapshotComparison {
  rows: SnapshotRow[];
  /** Operations that cost more than the snapshot says: a regression. */
  higher: SnapshotRow[];
  /** Operations that cost less: fine, but the snapshot should be refreshed to lock the gain in. */
  lower: SnapshotRow[];
  /** Operations measured but not in the snapshot, or in the snapshot but no longer measured. */
  unmatched: SnapshotRow[];
}

/**
 * Compares measurements with the snapshot, exactly: gas is deterministic (the same compiler,
 * settings, inputs and keys give the same figure on every machine), so any increase, even of 1 gas,
 * is a change in the code, not noise.
 */
export function compareToSnapshot(
  measurements: readonly GasMeasurement[],
  snapshot: GasSnapshot,
): SnapshotComparison {
  const measured = new Map(measurements.map((m) => [m.key, Number(m.gas)]));
  const keys = [...measured.keys(), ...Object.keys(snapshot).filter((key) => !measured.has(key))];
  const rows = keys.map((key): SnapshotRow => {
    const now = measured.get(key);
    const before = snapshot[key];
    let status: SnapshotRow["status"];
    if (before === undefined) status = "new";
    else if (now === undefined) status = "gone";
    else status = now > before ? "higher" : now < before ? "lower" : "same";
    return { key, snapshot: before, measured: now, status };
  });
  return {
    rows,
    higher: rows.filter((r) => r.status === "higher"),
    lower: rows.filter((r) => r.status === "lower"),
    unmatched: rows.filter((r) => r.status === "new" || r.status === "gone"),
  };
}

/** One line per row, for messages: `DataLicensing.buy: 86,240 -> 86,300 (+60)`. */
export function describeRow(row: SnapshotRow): string {
  const gas = (value: number | undefined) =>
    value === undefined ? "-" : value.toLocaleString("en-US");
  let delta = "";
  if (row.snapshot !== undefined && row.measured !== undefined) {
    const change = row.measured - row.snapshot;
    delta = ` (${change >= 0 ? "+" : ""}${change.toLocaleString("en-US")})`;
  }
  return `${row.key}: ${gas(row.snapshot)} -> ${gas(row.measured)}${delta}`;
}

export async function readSnapshot(file = SNAPSHOT_PATH): Promise<GasSnapshot> {
  return JSON.parse(await readFile(file, "utf8")) as GasSnapshot;
}

/** Writes the measurements as the new snapshot, in measurement order. */
export async function writeSnapshot(
  measurements: readonly GasMeasurement[],
  file = SNAPSHOT_PATH,
): Promise<void> {
  const snapshot = Object.fromEntries(measurements.map((m) => [m.key, Number(m.gas)]));
  await writeFile(file, `${JSON.stringify(snapshot, null, 2)}\n`);
}
