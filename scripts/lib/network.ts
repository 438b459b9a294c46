/**
 * Connecting the operator commands (deploy, cli) to a network named in hardhat.config.ts, with messages that
 * say what to fix: an unknown network, an unset variable (RPC URL, key, chain id), a node that does not
 * answer, a chain id that is not the expected one.
 */
import type { Provider, Signer } from "ethers";
import { CitizenDataError } from "../../sdk/errors.js";

/** Input the command refuses: the message says what to fix (exit code 2). */
export class UsageError extends CitizenDataError {}

/** A connection to a network, as the commands use it. */
export interface Chain {
  networkName: string;
  chainId: bigint;
  provider: Provider;
  /** The network's accounts that can sign: the node's unlocked ones, or the configured keys. */
  signers(): Promise<Signer[]>;
  close(): Promise<void>;
}

/**
 * Networks whose chain id must be stated in an environment variable and match the node's: a deploy to a
 * generic RPC URL must not land on another chain by mistake.
 */
export const CHAIN_ID_VARIABLES: Readonly<Record<string, string>> = { custom: "CUSTOM_CHAIN_ID" };

/** Hardhat's "not set" errors: the built-in one, and the keystore's when run from `hardhat test`. */
const NOT_FOUND =
  /Configuration Variable "([^"]+)" not found|Key "([^"]+)" not found in the development keystore/;

function missingVariable(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const match = NOT_FOUND.exec(error.message);
  return match?.[1] ?? match?.[2];
}

function unsetMessage(names: readonly string[]): string {
  const list = names.join(", ");
  return (
    `${list} ${names.length === 1 ? "is" : "are"} not set. Set ${names.length === 1 ? "it" : "them"} in .env ` +
    `(see .env.example for what each means) or in Hardhat's keystore (\`npx hardhat keystore set ${names[0]}\`).`
  );
}

interface ResolvedVariable {
  get(): Promise<string>;
}

function isResolvedVariable(value: unknown): value is ResolvedVariable {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Partial<ResolvedVariable>).get === "function"
  );
}

/**
 * Connects to the network `name` of hardhat.config.ts.
 *
 * @throws {UsageError} For an unknown or in-process network, unset variables, a bad or mismatched chain id.
 * @throws {CitizenDataError} When the node does not answer.
 */
export async function connectToNetwork(name: string): Promise<Chain> {
  const { default: hre } = await import("hardhat");
  const config = hre.config.networks[name];
  const httpNetworks = Object.entries(hre.config.networks)
    .filter(([, c]) => c.type === "http")
    .map(([n]) => n);
  if (config === undefined) {
    throw new UsageError(
      `Unknown network "${name}": use one of ${httpNetworks.join(", ")} (networks are configured in hardhat.config.ts)`,
    );
  }
  if (config.type !== "http") {
    throw new UsageError(
      `The network "${name}" is Hardhat's in-process chain, which vanishes when this command ends. ` +
        `Start a node with \`npx hardhat node\` and use --network localhost, or use one of ${httpNetworks.join(", ")}.`,
    );
  }

  // Every configuration variable the network needs, checked at once so the message names all that are unset.
  const missing: string[] = [];
  const variables: unknown[] = [
    config.url,
    ...(Array.isArray(config.accounts) ? config.accounts : []),
  ];
  for (const variable of variables) {
    if (!isResolvedVariable(variable)) continue;
    try {
      await variable.get();
    } catch (error) {
      const variableName = missingVariable(error);
      if (variableName === undefined) throw error;
      missing.push(variableName);
    }
  }
  const chainIdVariable = CHAIN_ID_VARIABLES[name];
  let expectedChainId: bigint | undefined;
  if (chainIdVariable !== undefined) {
    const value = process.env[chainIdVariable];
    if (!value) missing.push(chainIdVariable);
    else if (!/^[1-9][0-9]{0,15}$/.test(value)) {
      throw new UsageError(
        `${chainIdVariable} must be the chain id of the network, a positive whole number, got ${JSON.stringify(value)}`,
      );
    } else expectedChainId = BigInt(value);
  }
  if (missing.length > 0) {
    throw new UsageError(`The network "${name}" needs configuration: ${unsetMessage(missing)}`);
  }

  const url = await config.url.get();
  const loopback = /^https?:\/\/(127\.[0-9.]+|localhost|\[::1\])(:[0-9]+)?(\/|$)/.test(url);
  // A remote URL may carry an API key: it is only printed for a node on this machine.
  const where = loopback ? ` at ${url}` : "";
  const connection = await hre.network.create(name);
  let chainId: bigint;
  try {
    chainId = BigInt(await connection.ethers.provider.send("eth_chainId", []));
  } catch (error) {
    await connection.close();
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new CitizenDataError(
      `Could not reach the network "${name}"${where}: ${reason}` +
        (loopback ? "\nIs the node running? Start one with `npx hardhat node`." : ""),
      { cause: error },
    );
  }
  if (expectedChainId !== undefined && expectedChainId !== chainId) {
    await connection.close();
    throw new UsageError(
      `${chainIdVariable} is ${expectedChainId}, but the node of the network "${name}" is chain ${chainId}: ` +
        "check the RPC URL and the chain id.",
    );
  }
  return {
    networkName: name,
    chainId,
    provider: connection.ethers.provider,
    signers: () => connection.ethers.getSigners(),
    close: () => connection.close(),
  };
}
