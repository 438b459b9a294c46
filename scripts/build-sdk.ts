/**
 * Builds the SDK as an npm package into dist/ (run by `npm run build:sdk`, and by `npm pack` through
 * `prepack`), after `npm run build` has compiled the contracts, TypeChain bindings and sdk/generated/abis.ts:
 *
 *   dist/sdk/             the SDK as JavaScript with .d.ts declarations
 *   dist/typechain-types/ the TypeChain bindings the SDK uses (the three contracts and their interfaces; no mocks)
 *   dist/deployments/     the address books of deployments/, except those of local chains
 *
 *   npx tsx scripts/build-sdk.ts [--deployments DIR] [--out DIR]
 */
import { spawnSync } from "node:child_process";
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseDeployment } from "../sdk/deployments.js";
import { LOCAL_CHAIN_IDS } from "./deploy/plan.js";

const { values } = parseArgs({
  options: {
    deployments: { type: "string", default: "deployments" },
    out: { type: "string", default: "dist" },
  },
});

const started = Date.now();

// The records first: an invalid one stops the build before anything is written.
const shipped: { name: string; text: string }[] = [];
for (const name of (await readdir(values.deployments)).filter((n) => n.endsWith(".json")).sort()) {
  const file = path.join(values.deployments, name);
  const text = await readFile(file, "utf8");
  let chainId: number;
  try {
    chainId = parseDeployment(text, file).chainId;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  // A local chain's record says nothing to a package user (and vanishes with the node).
  if (!LOCAL_CHAIN_IDS.has(chainId)) shipped.push({ name, text });
}

await rm(values.out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(
  process.execPath,
  [tsc, "-p", "tsconfig.build.json", "--outDir", values.out],
  { stdio: "inherit" },
);
if (compiled.status !== 0) {
  console.error(
    "tsc failed: run `npm run build` first (it generates typechain-types/ and sdk/generated/)",
  );
  process.exit(compiled.status ?? 1);
}

await mkdir(path.join(values.out, "deployments"), { recursive: true });
for (const { name, text } of shipped) {
  await writeFile(path.join(values.out, "deployments", name), text);
}
console.log(
  `SDK built into ${values.out}/ in ${((Date.now() - started) / 1000).toFixed(1)} s; deployments shipped: ${shipped.length === 0 ? "none" : shipped.map((s) => s.name).join(", ")}`,
);
