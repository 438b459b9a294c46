/**
 * The address books that `npm run deploy` writes, one per network (`deployments/<network>.json`), and how the
 * SDK finds a contract's address in them by chain id.
 *
 * The SDK's clients take an address, a chain id or a loaded {@link Deployment}:
 * `ConsentClient.connect(11155111n, signer)` reads the deployment of chain 11155111 from the package's
 * `deployments/` folder (or from `{ directory }`). Reading files needs Node.js.
 *
 * @module
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { toAddress } from "./contract-client.js";
import type { Hex } from "./dpv.js";
import { DeploymentNotFoundError, InvalidInputError } from "./errors.js";
import { addressSchema, bytes32Schema, parseInput } from "./json-input.js";

/**
 * The contracts a deployment holds. RevenuePool joins them once it is deployed.
 *
 * @example
 * ```ts
 * const name: ContractName = "DataLicensing";
 * ```
 */
export type ContractName = "ConsentRegistry" | "DataLicensing" | "RevenuePool" | (string & {});

/** A value of JSON, as constructor arguments are recorded. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One deployed contract, as recorded.
 *
 * @example
 * ```ts
 * const { address, version, blockNumber } = deployment.contracts.ConsentRegistry!;
 * ```
 */
export interface DeployedContract {
  address: Hex;
  /** The deployment transaction. */
  transactionHash: Hex;
  /** The block it was mined in: where an event reader starts. */
  blockNumber: number;
  /** What the contract's `version()` returned. */
  version: string;
  /** The account that sent the deployment transaction. */
  deployer: Hex;
  /** The constructor's arguments; integers are written as decimal strings. */
  constructorArgs: JsonValue[];
  /** When it was deployed (ISO 8601). */
  deployedAt: string;
}

/**
 * A post-deployment step (a call that wires the contracts together), as recorded: done with its transaction,
 * or pending because another account must send it.
 *
 * @example
 * ```ts
 * const step = deployment.steps["DataLicensing.setRevenuePool"];
 * if (step?.status === "pending") console.log(`${step.sender} must still send it`);
 * ```
 */
export type DeploymentStep =
  | { status: "done"; transactionHash: Hex | null; blockNumber: number | null; sender: Hex | null }
  | { status: "pending"; sender: Hex; description: string };

/**
 * A network's address book: `deployments/<network>.json`.
 *
 * @example
 * ```ts
 * const deployment = loadDeployment(31337n);
 * console.log(deployment.network, deployment.contracts.DataLicensing?.address);
 * ```
 */
export interface Deployment {
  /** The Hardhat network name it was deployed with (the file's name). */
  network: string;
  chainId: number;
  contracts: Partial<Record<ContractName, DeployedContract>>;
  steps: Record<string, DeploymentStep>;
}

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

const nonNegativeInt = z
  .number()
  .int({ error: "must be a whole number" })
  .nonnegative({ error: "must not be negative" });

/**
 * The zod schema of a deployment record. Prefer {@link parseDeployment}, whose errors name the file.
 *
 * @example
 * ```ts
 * deploymentSchema.parse(JSON.parse(text));
 * ```
 */
export const deploymentSchema = z.object({
  network: z.string().min(1, { error: "must not be empty" }),
  chainId: z
    .number()
    .int({ error: "must be a whole number" })
    .positive({ error: "must be positive" }),
  contracts: z.record(
    z.string(),
    z.object({
      address: addressSchema({ nonZero: true }),
      transactionHash: bytes32Schema(),
      blockNumber: nonNegativeInt,
      version: z.string(),
      deployer: addressSchema(),
      constructorArgs: z.array(jsonValue),
      deployedAt: z.string(),
    }),
  ),
  steps: z
    .record(
      z.string(),
      z.discriminatedUnion("status", [
        z.object({
          status: z.literal("done"),
          transactionHash: bytes32Schema().nullable(),
          blockNumber: nonNegativeInt.nullable(),
          sender: addressSchema().nullable(),
        }),
        z.object({
          status: z.literal("pending"),
          sender: addressSchema(),
          description: z.string(),
        }),
      ]),
    )
    .default({}),
});

/**
 * Validates a deployment record (an object, or its JSON text).
 *
 * @param source Where it came from, for the message (a file name).
 * @throws {InvalidInputError} Naming `source` and every field that is wrong.
 * @example
 * ```ts
 * const deployment = parseDeployment(await readFile("deployments/sepolia.json", "utf8"), "deployments/sepolia.json");
 * ```
 */
export function parseDeployment(input: unknown, source = "the deployment record"): Deployment {
  return parseInput(deploymentSchema, input, source, { json: typeof input === "string" });
}

/**
 * The folder of deployment records shipped with the SDK: `deployments/` in the repository, `dist/deployments/`
 * in the npm package.
 *
 * @example
 * ```ts
 * console.log(DEFAULT_DEPLOYMENTS_DIRECTORY);
 * ```
 */
export const DEFAULT_DEPLOYMENTS_DIRECTORY = fileURLToPath(
  new URL("../deployments/", import.meta.url),
);

/** Where to look for deployment records. */
export interface DeploymentLookup {
  /** A folder of `<network>.json` records; {@link DEFAULT_DEPLOYMENTS_DIRECTORY} by default. */
  directory?: string;
  /** Records to search instead of reading a folder. */
  deployments?: readonly Deployment[];
  /**
   * The network's name: only its record, `<directory>/<network>.json`, is read (it must be of the chain asked
   * for). Without it, every record in the folder is read and the one of the chain is picked.
   */
  network?: string;
}

/**
 * Every deployment record in a folder (files named `*.json`), validated; the default folder may be absent
 * (no deployment is shipped), a folder named explicitly must exist.
 *
 * @throws {InvalidInputError} When `directory` does not exist, or a record is invalid (naming the file).
 * @example
 * ```ts
 * for (const d of listDeployments()) console.log(d.network, d.chainId);
 * ```
 */
export function listDeployments(options: { directory?: string } = {}): Deployment[] {
  const directory = options.directory ?? DEFAULT_DEPLOYMENTS_DIRECTORY;
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    if (options.directory === undefined) return [];
    throw new InvalidInputError(`The deployments folder ${directory} does not exist`, {
      details: "Give the folder that `npm run deploy` wrote (its --deployments option).",
    });
  }
  return readdirSync(directory)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      const file = path.join(directory, name);
      return parseDeployment(readFileSync(file, "utf8"), file);
    });
}

function toChainId(value: bigint | number): bigint {
  if (
    (typeof value !== "bigint" && !Number.isSafeInteger(value)) ||
    (typeof value === "bigint" ? value : BigInt(value)) <= 0n
  ) {
    throw new InvalidInputError(`chainId must be a positive whole number, got ${String(value)}`);
  }
  return BigInt(value);
}

/**
 * The deployment record of a chain.
 *
 * @throws {DeploymentNotFoundError} When no record names that chain (or that network on it).
 * @throws {InvalidInputError} When several networks record the same chain and `network` does not pick one.
 * @example
 * ```ts
 * const { contracts } = loadDeployment(11155111n);
 * const local = loadDeployment(31337, { directory: "deployments", network: "localhost" });
 * ```
 */
export function loadDeployment(
  chainId: bigint | number,
  options: DeploymentLookup = {},
): Deployment {
  const id = toChainId(chainId);
  if (options.deployments === undefined && options.network !== undefined) {
    return loadNetworkDeployment(id, options.network, options.directory);
  }
  const all = options.deployments ?? listDeployments({ directory: options.directory });
  const searched =
    options.deployments !== undefined
      ? "the deployments given"
      : (options.directory ?? DEFAULT_DEPLOYMENTS_DIRECTORY);
  const onChain = all.filter(
    (d) =>
      BigInt(d.chainId) === id && (options.network === undefined || d.network === options.network),
  );
  const [first, ...others] = onChain;
  if (first === undefined) {
    const detail =
      options.network === undefined ? searched : `${searched}, network "${options.network}"`;
    throw new DeploymentNotFoundError(id, undefined, { searched: detail });
  }
  if (others.length > 0) {
    throw new InvalidInputError(
      `Several deployments record chain ${id}: ${onChain.map((d) => `"${d.network}"`).join(", ")}; pick one with { network }`,
    );
  }
  return first;
}

/** The record `<directory>/<network>.json`, which must be of chain `chainId`. */
function loadNetworkDeployment(
  chainId: bigint,
  network: string,
  directory = DEFAULT_DEPLOYMENTS_DIRECTORY,
): Deployment {
  const file = path.join(directory, `${network}.json`);
  if (!existsSync(file)) {
    throw new DeploymentNotFoundError(chainId, undefined, { searched: file });
  }
  const deployment = parseDeployment(readFileSync(file, "utf8"), file);
  if (BigInt(deployment.chainId) !== chainId) {
    throw new DeploymentNotFoundError(chainId, undefined, {
      searched: `${file}, which records chain ${deployment.chainId}`,
    });
  }
  return deployment;
}

/**
 * What a client may be pointed at: a contract address, a chain id (its deployment is looked up), or a
 * deployment record.
 *
 * @example
 * ```ts
 * const targets: ContractTarget[] = ["0x5FbDB2315678afecb367f032d93F642f64180aa3", 11155111n, loadDeployment(31337)];
 * ```
 */
export type ContractTarget = string | bigint | number | Deployment;

/**
 * How a client finds its contract: where to look for deployment records, and where event queries start.
 *
 * @example
 * ```ts
 * const licensing = LicensingClient.connect(31337, signer, { directory: "deployments", network: "localhost" });
 * const byAddress = LicensingClient.connect("0x…", signer, { fromBlock: 5_912_044 });
 * ```
 */
export interface ConnectOptions extends DeploymentLookup {
  /**
   * The block event queries start from. By default the contract's deployment block when the target is a
   * chain id or a deployment record, 0 for an address.
   */
  fromBlock?: number;
}

/**
 * The address of `contractName` for a target, and the block its events start at: an address is checked and
 * returned; a chain id or a deployment record is looked up.
 *
 * @param label How an address is named in an error message: `"registry address"`.
 * @throws {DeploymentNotFoundError} When the chain has no deployment, or its deployment lacks the contract.
 * @throws {InvalidInputError} When an address or `fromBlock` is malformed.
 * @example
 * ```ts
 * const { address, fromBlock } = resolveContract(11155111n, "ConsentRegistry", "registry address");
 * ```
 */
export function resolveContract(
  target: ContractTarget,
  contractName: ContractName,
  label: string,
  options: ConnectOptions = {},
): { address: Hex; fromBlock: number } {
  const given = options.fromBlock;
  if (given !== undefined && (!Number.isSafeInteger(given) || given < 0)) {
    throw new InvalidInputError(
      `fromBlock must be a block number (a whole number from 0), got ${String(given)}`,
    );
  }
  if (typeof target === "string")
    return { address: toAddress(target, label), fromBlock: given ?? 0 };
  const deployment =
    typeof target === "bigint" || typeof target === "number"
      ? loadDeployment(target, options)
      : target;
  const contract = deployment.contracts[contractName];
  if (!contract) {
    throw new DeploymentNotFoundError(BigInt(deployment.chainId), contractName, {
      searched: `the "${deployment.network}" deployment`,
    });
  }
  return { address: contract.address, fromBlock: given ?? contract.blockNumber };
}

/**
 * The address of `contractName` for a target: an address is checked and returned; a chain id or a deployment
 * record is looked up.
 *
 * @throws {DeploymentNotFoundError} When the chain has no deployment, or its deployment lacks the contract.
 * @throws {InvalidInputError} When an address is malformed.
 * @example
 * ```ts
 * const registry = contractAddress(11155111n, "ConsentRegistry"); // for viem: readContract({ address: registry, … })
 * ```
 */
export function contractAddress(
  target: ContractTarget,
  contractName: ContractName,
  options: DeploymentLookup = {},
): Hex {
  return resolveContract(target, contractName, `${contractName} address`, options).address;
}
