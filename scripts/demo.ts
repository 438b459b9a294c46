/**
 * The main job: a city's whole story, on Hardhat's in-process chain by default, told through the SDK.
 *
 *   npm run demo                                1,000 citizens, summary in out/demo/
 *   npm run demo -- --citizens 200              a smaller city
 *   npm run demo -- --out reports/x             another output folder
 *   npm run demo -- --network localhost         the same story on a running node (npx hardhat node)
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { Wallet, keccak256, toUtf8Bytes, type Signer } from "ethers";
import { CitizenDataError } from "../sdk/index.js";
import { connectToNetwork, UsageError } from "./lib/network.js";
import { summaryRows, tellStory, type Cast, type StoryOptions } from "./demo/story.js";

const USAGE = `Usage: npm run demo -- [--citizens N] [--out DIR] [--network NAME]

  --citizens N     how many citizens take part (10 to 20000, default 1000)
  --out DIR        where the summary and the deployment record are written (default out/demo)
  --network NAME   a network of hardhat.config.ts (default: the in-process chain). On a network
                   whose accounts are fewer than the story's eight actors, the first account
                   funds demo actors derived from fixed keys.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        citizens: { type: "string", default: "1000" },
        out: { type: "string", default: path.join("out", "demo") },
        network: { type: "string" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}
const parsed = parse();
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const citizens = Number(parsed.values.citizens);
if (!Number.isInteger(citizens) || citizens < 10 || citizens > 20_000) {
  fail(`--citizens must be a whole number from 10 to 20000, got "${parsed.values.citizens}"`);
}
const outDir = parsed.values.out;

/** The chain: the in-process one, or a configured network. */
async function connect(): Promise<{
  provider: StoryOptions["provider"];
  signers: Signer[];
  networkName: string;
  inProcess: boolean;
}> {
  const networkName = parsed.values.network;
  if (networkName === undefined) {
    const { network } = await import("hardhat");
    const { ethers } = await network.create();
    return {
      provider: ethers.provider,
      signers: await ethers.getSigners(),
      networkName: "demo",
      inProcess: true,
    };
  }
  try {
    const chain = await connectToNetwork(networkName);
    return {
      provider: chain.provider as StoryOptions["provider"],
      signers: await chain.signers(),
      networkName: chain.networkName,
      inProcess: false,
    };
  } catch (error) {
    if (error instanceof UsageError) fail(error.message);
    throw error;
  }
}

const ROLES = [
  "platform",
  "cooperative",
  "city",
  "mobilityDepartment",
  "university",
  "sme",
  "statisticsOffice",
  "operator",
] as const;

/** The eight actors: the chain's accounts, or accounts derived from fixed keys and funded by the first. */
async function castOf(provider: StoryOptions["provider"], signers: Signer[]): Promise<Cast> {
  const funder = signers[0];
  if (!funder) throw new CitizenDataError("The network has no account to send transactions with");
  const actors: Signer[] = [...signers.slice(0, ROLES.length)];
  for (let i = actors.length; i < ROLES.length; i++) {
    const actor = new Wallet(keccak256(toUtf8Bytes(`demo actor ${ROLES[i]}`)), provider);
    await (await funder.sendTransaction({ to: actor.address, value: 10n ** 17n })).wait();
    actors.push(actor);
  }
  return Object.fromEntries(ROLES.map((role, i) => [role, actors[i]!])) as unknown as Cast;
}

const { provider, signers, networkName, inProcess } = await connect();
const say = (line = "") => console.log(line);
say(
  `Citizen data ledger demo: ${citizens} citizens on ${inProcess ? "the in-process chain" : `network ${networkName}`}`,
);
say();
const canTravelInTime = await provider
  .send("evm_increaseTime", [0])
  .then(() => true)
  .catch(() => false);
const summary = await tellStory({
  provider,
  cast: await castOf(provider, signers),
  citizens,
  deploymentsDir: path.join(outDir, "deployments"),
  networkName,
  canTravelInTime,
  say,
  progress: process.stdout.isTTY === true,
  payoutReportFile: path.join(outDir, "payout-report.json"),
});

const rows = summaryRows(summary);
say();
console.table(Object.fromEntries(rows));
const markdown = [
  "# Citizen data ledger demo",
  "",
  `Chain ${summary.chainId} (${inProcess ? "in-process" : networkName}). ConsentRegistry ${summary.contracts.registry},`,
  `DataLicensing ${summary.contracts.licensing}, RevenuePool ${summary.contracts.pool}.`,
  "",
  "| what | result |",
  "| --- | --- |",
  ...rows.map(([k, v]) => `| ${k} | ${v} |`),
  "",
].join("\n");
await mkdir(outDir, { recursive: true });
const { sampleReceipt, ...record } = summary;
await writeFile(path.join(outDir, "summary.json"), `${JSON.stringify(record, null, 2)}\n`);
await writeFile(path.join(outDir, "summary.md"), markdown);
await writeFile(
  path.join(outDir, "sample-receipt.json"),
  `${JSON.stringify(sampleReceipt, null, 2)}\n`,
);
say(
  `Summary written to ${path.join(outDir, "summary.json")}, summary.md, sample-receipt.json and payout-report.json`,
);
