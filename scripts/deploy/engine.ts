/**
 * The deploy engine: deploys a plan's contracts in order, runs its post-deploy steps once, and records the
 * result in `<deployments>/<network>.json`. It keeps what is already on chain: a contract recorded for the same
 * chain, with code at its address and the same constructor arguments, is not deployed again; a step that is
 * already done is not sent again. It uses plain ethers (a Signer with a provider), so it runs against a
 * Hardhat network connection, a JSON-RPC node or the in-process chain alike.
 *
 * The plan itself (which contracts, their constructor arguments, the steps) is in ./plan.ts.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  Contract,
  ContractFactory,
  Interface,
  getAddress,
  isAddress,
  type ContractTransactionResponse,
  type InterfaceAbi,
  type Provider,
  type Signer,
} from "ethers";
import {
  parseDeployment,
  type DeployedContract,
  type Deployment,
  type DeploymentStep,
  type JsonValue,
} from "../../sdk/deployments.js";
import { CitizenDataError, InvalidInputError } from "../../sdk/errors.js";

type Hex = `0x${string}`;

/** What a plan's functions see: the checked inputs, the deployer, the chain and earlier contracts' addresses. */
export interface PlanContext<I> {
  inputs: I;
  deployer: Hex;
  chainId: number;
  /** The address of a contract earlier in the plan (deployed in this run or kept). */
  address(contractName: string): Hex;
  /** A provider to read the chain. */
  provider: Provider;
}

/** A TypeChain factory class: its static ABI and bytecode, and its typed `deploy`. */
interface FactoryClass {
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
  prototype: { deploy(...args: never[]): unknown };
}

/** The constructor arguments a TypeChain factory's `deploy` takes (without the optional overrides). */
type DeployArgs<F extends FactoryClass> = F["prototype"]["deploy"] extends (
  ...args: infer A
) => unknown
  ? A extends [...infer Args, unknown?]
    ? Args
    : A
  : never;

/** One contract of a plan. */
export interface ContractSpec<I> {
  /** The contract's name: its key in the deployment record and in the SDK. */
  name: string;
  abi: InterfaceAbi;
  bytecode: string;
  /** Its constructor arguments. */
  args(context: PlanContext<I>): readonly unknown[];
}

/**
 * Returns a function that declares a contract of a plan with inputs `I` from its name and TypeChain factory;
 * `withArgs` gives its constructor arguments, type-checked against the contract's constructor.
 *
 * @example
 * ```ts
 * const contract = contractOf<DeployInputs>();
 * contract("DataLicensing", DataLicensing__factory).withArgs(({ inputs }) => [inputs.owner, inputs.treasury, inputs.feeBps]);
 * ```
 */
export function contractOf<I>() {
  return <F extends FactoryClass>(name: string, factory: F) => ({
    withArgs: (args: (context: PlanContext<I>) => DeployArgs<F>): ContractSpec<I> => ({
      name,
      abi: factory.abi,
      bytecode: factory.bytecode,
      args: (context) => args(context) as readonly unknown[],
    }),
  });
}

/**
 * A call made once after the contracts are deployed (e.g. the DataLicensing owner pointing it at the revenue
 * pool). `isDone` reads the chain, so a step is never sent twice; a step whose `sender` is not the deployer
 * is recorded as pending and printed as a to-do for that account.
 */
export interface StepSpec<I> {
  /** Its key in the record: `"DataLicensing.setRevenuePool"`. */
  name: string;
  /** What it does, in words, for the to-do line. */
  description(context: PlanContext<I>): string;
  /** The account that must send it (e.g. the contract's owner). */
  sender(context: PlanContext<I>): Promise<Hex>;
  /** Whether the chain already shows it done. */
  isDone(context: PlanContext<I>): Promise<boolean>;
  /**
   * Why the step can never be done on this chain as things stand (e.g. a one-time setting already made
   * otherwise), or undefined. The deploy then stops with that reason and what to do.
   */
  conflict?(context: PlanContext<I>): Promise<string | undefined>;
  /** Sends it with `signer` (the deployer, when it is the sender). */
  send(context: PlanContext<I>, signer: Signer): Promise<ContractTransactionResponse>;
}

/** Which contracts to deploy, in order, and the steps to run after them. */
export interface DeployPlan<I> {
  contracts: readonly ContractSpec<I>[];
  steps: readonly StepSpec<I>[];
}

/** What happened to one contract. */
export interface ContractOutcome {
  name: string;
  action: "deployed" | "kept" | "redeployed";
  /** Why it was (re)deployed, in words; absent when kept or deployed for the first time. */
  reason?: string;
  record: DeployedContract;
}

/** What happened to one step. */
export interface StepOutcome {
  name: string;
  action: "sent" | "already done" | "pending";
  /** For a pending step: who must send it, and what it is. */
  sender?: Hex;
  description?: string;
}

/** The result of a run. */
export interface DeployResult {
  file: string;
  deployment: Deployment;
  contracts: ContractOutcome[];
  steps: StepOutcome[];
  /** Set when a record of another chain was replaced: where the previous record was kept. */
  replacedRecord?: string;
}

/** A deploy refused before anything was sent: the message says what to fix. */
export class DeployRefusedError extends InvalidInputError {}

/** How to run the engine. */
export interface DeployOptions<I> {
  plan: DeployPlan<I>;
  inputs: I;
  signer: Signer;
  /** The network's name: the record is `<deploymentsDir>/<networkName>.json`. */
  networkName: string;
  deploymentsDir: string;
  /** Deploy every contract anew, ignoring the record. */
  fresh?: boolean;
  /** Progress lines; silent by default. */
  log?: (line: string) => void;
}

/** Constructor arguments as JSON: bigints as decimal strings, addresses checksummed. */
function toJson(value: unknown): JsonValue {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return isAddress(value) ? getAddress(value) : value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  throw new DeployRefusedError(`A constructor argument cannot be recorded: ${String(value)}`);
}

/** Thrown by `address()` while planning, for a contract that will be deployed anew in this run. */
class PendingAddress extends Error {
  constructor(readonly contractName: string) {
    super(`${contractName} is deployed anew in this run`);
  }
}

const VERSION_ABI = ["function version() view returns (string)"];

/** What the contract's `version()` returns, or "none" for a contract without one (as test mocks). */
async function versionOf(abi: InterfaceAbi, address: Hex, provider: Provider): Promise<string> {
  if (!new Interface(abi).hasFunction("version()")) return "none";
  const contract = new Contract(address, VERSION_ABI, provider);
  const version: string = await contract.getFunction("version")();
  return version;
}

async function readRecord(file: string): Promise<Deployment | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    return parseDeployment(await readFile(file, "utf8"), file);
  } catch (error) {
    throw new DeployRefusedError(
      `${error instanceof Error ? error.message : String(error)}\nFix the record, or move it away to deploy anew.`,
      { cause: error },
    );
  }
}

async function writeRecord(file: string, deployment: Deployment): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  await writeFile(temporary, `${JSON.stringify(deployment, null, 2)}\n`);
  await rename(temporary, file);
}

const short = (hex: string) => `${hex.slice(0, 10)}…`;

/**
 * Deploys what the plan needs on the signer's chain and records it. Refusals (a record that cannot be read,
 * constructor inputs that changed for a contract already deployed) come before anything is sent.
 *
 * @throws {DeployRefusedError} Saying what to fix.
 */
export async function deploy<I>(options: DeployOptions<I>): Promise<DeployResult> {
  const { plan, inputs, signer, networkName } = options;
  const log = options.log ?? (() => {});
  const provider = signer.provider;
  if (!provider) throw new DeployRefusedError("The deployer's signer has no provider");
  const chainId = Number((await provider.getNetwork()).chainId);
  const deployer = getAddress(await signer.getAddress()) as Hex;
  const file = path.join(options.deploymentsDir, `${networkName}.json`);

  let record = options.fresh ? undefined : await readRecord(file);
  let replacedRecord: string | undefined;
  if (record && record.chainId !== chainId) {
    replacedRecord = `${file}.bak`;
    log(
      `The record ${file} is of chain ${record.chainId}, but ${networkName} is chain ${chainId}: deploying anew ` +
        `(the previous record is kept as ${replacedRecord}).`,
    );
    await writeFile(replacedRecord, await readFile(file, "utf8"));
    record = undefined;
  }
  const recorded = record?.contracts ?? {};

  // Planning: which contracts are kept, which are (re)deployed and why. Nothing is sent yet.
  const addresses = new Map<string, Hex>();
  const pending = new Set<string>();
  const baseContext = (lookup: (name: string) => Hex): PlanContext<I> => ({
    inputs,
    deployer,
    chainId,
    provider,
    address: lookup,
  });
  const planningContext = baseContext((name) => {
    if (pending.has(name)) throw new PendingAddress(name);
    const address = addresses.get(name);
    if (!address) {
      throw new DeployRefusedError(`The plan uses ${name}'s address before ${name} is deployed`);
    }
    return address;
  });
  const decisions: { spec: ContractSpec<I>; keep?: DeployedContract; reason?: string }[] = [];
  for (const spec of plan.contracts) {
    const previous = recorded[spec.name];
    let args: JsonValue[] | undefined;
    let dependencyReason: string | undefined;
    try {
      args = spec.args(planningContext).map(toJson);
    } catch (error) {
      if (!(error instanceof PendingAddress)) throw error;
      dependencyReason = `its constructor takes ${error.contractName}'s address, and ${error.contractName} is deployed anew`;
    }
    if (!previous) {
      pending.add(spec.name);
      decisions.push({ spec });
      continue;
    }
    const code = await provider.getCode(previous.address);
    if (code === "0x") {
      pending.add(spec.name);
      decisions.push({
        spec,
        reason: `no code at the recorded address ${previous.address} on chain ${chainId} (a restarted local node?)`,
      });
    } else if (dependencyReason !== undefined) {
      pending.add(spec.name);
      decisions.push({ spec, reason: dependencyReason });
    } else if (JSON.stringify(args) !== JSON.stringify(previous.constructorArgs)) {
      throw new DeployRefusedError(
        `${spec.name} is deployed at ${previous.address} with constructor arguments ${JSON.stringify(previous.constructorArgs)}, ` +
          `but the inputs now give ${JSON.stringify(args)}.\n` +
          `Set the inputs back to what was deployed, change the deployed contract through its own functions ` +
          `(e.g. setPlatformFee), or pass --fresh to deploy every contract anew.`,
      );
    } else {
      addresses.set(spec.name, previous.address);
      decisions.push({ spec, keep: previous });
    }
  }

  log(`Deploying to ${networkName} (chain ${chainId}) as ${deployer}`);
  const deployment: Deployment = {
    network: networkName,
    chainId,
    contracts: { ...recorded },
    steps: { ...(record?.steps ?? {}) },
  };
  const context = baseContext((name) => {
    const address = addresses.get(name);
    if (!address)
      throw new DeployRefusedError(`The plan uses ${name}'s address before ${name} is deployed`);
    return address;
  });
  const width = Math.max(...plan.contracts.map((c) => c.name.length));
  const outcomes: ContractOutcome[] = [];
  for (const { spec, keep, reason } of decisions) {
    if (keep) {
      const version = await versionOf(spec.abi, keep.address, provider);
      const kept = { ...keep, version };
      deployment.contracts[spec.name] = kept;
      outcomes.push({ name: spec.name, action: "kept", record: kept });
      log(
        `  ${spec.name.padEnd(width)}  already deployed at ${keep.address} (block ${keep.blockNumber}), version ${version}: kept`,
      );
      continue;
    }
    const args = spec.args(context);
    const factory = new ContractFactory(spec.abi, spec.bytecode, signer);
    const contract = await factory.deploy(...args);
    const transaction = contract.deploymentTransaction();
    const receipt = await transaction?.wait();
    if (!transaction || !receipt) {
      throw new CitizenDataError(`The deployment of ${spec.name} was not mined`);
    }
    const address = getAddress(await contract.getAddress()) as Hex;
    addresses.set(spec.name, address);
    const entry: DeployedContract = {
      address,
      transactionHash: receipt.hash as Hex,
      blockNumber: receipt.blockNumber,
      version: await versionOf(spec.abi, address, provider),
      deployer,
      constructorArgs: args.map(toJson),
      deployedAt: new Date().toISOString(),
    };
    deployment.contracts[spec.name] = entry;
    // Written after each contract, so that an interrupted run keeps what it deployed.
    await writeRecord(file, deployment);
    const action = reason === undefined ? "deployed" : "redeployed";
    outcomes.push({ name: spec.name, action, ...(reason ? { reason } : {}), record: entry });
    log(
      `  ${spec.name.padEnd(width)}  ${action} at ${address} (tx ${short(entry.transactionHash)}, block ${entry.blockNumber}), version ${entry.version}` +
        (reason ? `\n  ${"".padEnd(width)}  because ${reason}` : ""),
    );
  }

  const stepOutcomes: StepOutcome[] = [];
  for (const step of plan.steps) {
    const conflict = await step.conflict?.(context);
    if (conflict !== undefined) {
      await writeRecord(file, deployment);
      throw new DeployRefusedError(`The step ${step.name} cannot be done: ${conflict}`);
    }
    if (await step.isDone(context)) {
      const previous = deployment.steps[step.name];
      if (previous?.status !== "done") {
        deployment.steps[step.name] = {
          status: "done",
          transactionHash: null,
          blockNumber: null,
          sender: null,
        };
      }
      stepOutcomes.push({ name: step.name, action: "already done" });
      log(`  step ${step.name}: already done`);
      continue;
    }
    const sender = getAddress(await step.sender(context)) as Hex;
    const description = step.description(context);
    if (sender !== deployer) {
      const entry: DeploymentStep = { status: "pending", sender, description };
      deployment.steps[step.name] = entry;
      stepOutcomes.push({ name: step.name, action: "pending", sender, description });
      log(`  step ${step.name}: TO DO by ${sender} (not the deployer): ${description}`);
      continue;
    }
    const receipt = await (await step.send(context, signer)).wait();
    if (!receipt) throw new CitizenDataError(`The step ${step.name} was not mined`);
    deployment.steps[step.name] = {
      status: "done",
      transactionHash: receipt.hash as Hex,
      blockNumber: receipt.blockNumber,
      sender,
    };
    stepOutcomes.push({ name: step.name, action: "sent" });
    log(`  step ${step.name}: sent (tx ${short(receipt.hash)}, block ${receipt.blockNumber})`);
  }

  await writeRecord(file, deployment);
  log(`Recorded in ${file}`);
  return {
    file,
    deployment,
    contracts: outcomes,
    steps: stepOutcomes,
    ...(replacedRecord ? { replacedRecord } : {}),
  };
}
