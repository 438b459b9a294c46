/**
 * Builds the SDK as an npm package into dist/ (run by `npm run build:sdk`, and by `npm pack` through
 * `prepack`), after `npm run build` has compiled the contracts, TypeChain bindings and sdk/generated/abis.ts:
 *
 *   dist/sdk/             the SDK as JavaScript with .d.ts declarations
 *   dist/typechain-types/ the TypeChain bindings the SDK uses (ConsentRegistry, DataLicensing; no mocks)
 *   dist/deployments/     the address books of deployments/, except those of local chains
 */
import { spawnSync } from "node:child_process";
import { copyFile, mkdir, readFile, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { parseDeployment } from "../sdk/deployments.js";

/** Chain ids of local development chains (Hardhat, Ganache): their records say nothing to a package user. */
const LOCAL_CHAIN_IDS = new Set([31337, 1337]);

const started = Date.now();
await rm("dist", { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
if (compiled.status !== 0) {
  console.error(
    "tsc failed: run `npm run build` first (it generates typechain-types/ and sdk/generated/)",
  );
  process.exit(compiled.status ?? 1);
}

await mkdir(path.join("dist", "deployments"), { recursive: true });
const copied: string[] = [];
for (const name of (await readdir("deployments")).filter((n) => n.endsWith(".json")).sort()) {
  const file = path.join("deployments", name);
  const deployment = parseDeployment(await readFile(file, "utf8"), file);
  if (LOCAL_CHAIN_IDS.has(deployment.chainId)) continue;
  await copyFile(file, path.join("dist", "deployments", name));
  copied.push(name);
}
console.log(
  `SDK built into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s; deployments shipped: ${copied.length === 0 ? "none" : copied.join(", ")}`,
);
