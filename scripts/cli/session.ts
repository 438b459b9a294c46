/**
 * What every chain command of the operator CLI shares: the common options, the connection to the network,
 * the account that sends, and the deployment record that names the contracts.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Signer } from "ethers";
import { loadDeployment, type Deployment } from "../../sdk/deployments.js";
import { DeploymentNotFoundError } from "../../sdk/errors.js";
import type { Output } from "../lib/command.js";
import { UsageError, type Chain } from "../lib/network.js";

/** What the CLI needs from outside; tests pass their own. */
export interface CliDependencies {
  output: Output;
  environment: Readonly<Record<string, string | undefined>>;
  connect(networkName: string): Promise<Chain>;
  /** The payout script `payouts` delegates to (scripts/payout.ts). */
  payoutScript: string;
  /** Runs a TypeScript script with arguments and returns its exit code. */
  runScript(script: string, args: readonly string[]): Promise<number>;
}

/** The options every chain command takes. */
export const COMMON_OPTIONS = {
  network: { type: "string" },
  deployments: { type: "string" },
  account: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

export const COMMON_USAGE = `Options of every command:
  --network NAME         a network of hardhat.config.ts (default: localhost)
  --deployments DIR      where NAME.json, the deployment record, is (default: DEPLOYMENTS_DIR, else deployments)
  --account N|ADDRESS    which of the network's accounts sends: its index or address (default: 0)
  --json                 print the result as JSON
  --help                 the command's help`;

/** A command's connection: the network, the sending account and the deployment record. */
export interface Session {
  chain: Chain;
  signer: Signer;
  deployment: Deployment;
  output: Output;
  json: boolean;
  /** Prints `result` as JSON with --json, else the human lines. */
  print(result: object, lines: readonly string[]): void;
}

/** JSON text with bigints as decimal strings. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
}

/** Reads a file named by an option as bytes, refusing with a message that names it. */
export async function readInputBytes(file: string, option: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${option} ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
    );
  }
}

/** Reads a text file named by an option, refusing with a message that names it. */
export async function readInputFile(file: string, option: string): Promise<string> {
  return new TextDecoder().decode(await readInputBytes(file, option));
}

async function pickSigner(chain: Chain, account: string | undefined): Promise<Signer> {
  const signers = await chain.signers();
  const list = async () =>
    (await Promise.all(signers.map(async (s, i) => `${i} = ${await s.getAddress()}`))).join(", ");
  if (signers.length === 0) {
    throw new UsageError(
      `The network "${chain.networkName}" has no account to send from: configure its private key (see .env.example)`,
    );
  }
  const wanted = account ?? "0";
  if (/^[0-9]+$/.test(wanted)) {
    const signer = signers[Number(wanted)];
    if (signer) return signer;
  } else if (/^0x[0-9a-fA-F]{40}$/.test(wanted)) {
    for (const signer of signers) {
      if ((await signer.getAddress()).toLowerCase() === wanted.toLowerCase()) return signer;
    }
  }
  throw new UsageError(
    `--account ${wanted} is not one of the network's accounts; give an index or an address of: ${await list()}`,
  );
}

/** Connects, picks the account and loads the deployment record; the caller closes `chain`. */
export async function openSession(
  values: {
    network?: string | undefined;
    deployments?: string | undefined;
    account?: string | undefined;
    json?: boolean | undefined;
  },
  deps: CliDependencies,
): Promise<Session> {
  const networkName = values.network ?? "localhost";
  const directory = path.resolve(
    values.deployments ?? (deps.environment.DEPLOYMENTS_DIR || "deployments"),
  );
  const chain = await deps.connect(networkName);
  try {
    const signer = await pickSigner(chain, values.account);
    let deployment: Deployment;
    try {
      deployment = loadDeployment(chain.chainId, { directory, network: networkName });
    } catch (error) {
      if (!(error instanceof DeploymentNotFoundError)) throw error;
      const file = path.join(directory, `${networkName}.json`);
      const problem = existsSync(file)
        ? `${file} records another chain than the network "${networkName}" (chain ${chain.chainId})`
        : `No deployment of the network "${networkName}" (chain ${chain.chainId}) is recorded in ${directory}`;
      throw new UsageError(
        `${problem}: deploy with \`npm run deploy -- --network ${networkName}\`, or give --deployments`,
      );
    }
    const json = values.json ?? false;
    const output = deps.output;
    return {
      chain,
      signer,
      deployment,
      output,
      json,
      print: (result, lines) => {
        if (json) output.out(toJsonText(result));
        else for (const line of lines) output.out(line);
      },
    };
  } catch (error) {
    await chain.close();
    throw error;
  }
}
