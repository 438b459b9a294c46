/**
 * `npm run deploy -- --network <name>`: options, input checks and output around the engine (./engine.ts) and
 * the plan (./plan.ts). The entry point is scripts/deploy.ts.
 */
import path from "node:path";
import { getAddress } from "ethers";
import { connectToNetwork, UsageError, type Chain } from "../lib/network.js";
import { parseOptions, report, type Output } from "../lib/command.js";
import { deploy, type DeployResult } from "./engine.js";
import { INPUT_VARIABLES, PLAN, inputsFromEnvironment } from "./plan.js";

type Hex = `0x${string}`;

export const DEPLOY_USAGE = `Usage: npm run deploy -- --network NAME [--deployments DIR] [--fresh] [--json]

Deploys ${PLAN.contracts.map((c) => c.name).join(" and ")} to a network of hardhat.config.ts and records
them in DIR/NAME.json. What is already deployed there (same chain, code at the recorded address, same
constructor arguments) is kept, not deployed again.

  --network NAME      localhost, sepolia or custom (RPC URLs and keys come from .env: see .env.example)
  --deployments DIR   where the record is written (default: DEPLOYMENTS_DIR, else deployments)
  --fresh             deploy every contract anew, ignoring the record
  --json              print the result as JSON
  --help              this text

Constructor inputs, from the environment or .env:
${Object.entries(INPUT_VARIABLES)
  .map(([name, meaning]) => `  ${name.padEnd(24)}${meaning}`)
  .join("\n")}`;

/** What the command needs from outside; tests pass their own. */
export interface DeployDependencies {
  output: Output;
  environment: Readonly<Record<string, string | undefined>>;
  connect(networkName: string): Promise<Chain>;
}

/** Runs the deploy command and returns its exit code. */
export async function deployCommand(argv: string[], deps: DeployDependencies): Promise<number> {
  const { output } = deps;
  let chain: Chain | undefined;
  try {
    const { values } = parseOptions(argv, {
      network: { type: "string" },
      deployments: { type: "string" },
      fresh: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    });
    if (values.help) {
      output.out(DEPLOY_USAGE);
      return 0;
    }
    if (!values.network) throw new UsageError("--network is required: the network to deploy to");
    const deploymentsDir = path.resolve(
      values.deployments ?? (deps.environment.DEPLOYMENTS_DIR || "deployments"),
    );

    chain = await deps.connect(values.network);
    const [signer] = await chain.signers();
    if (!signer) {
      throw new UsageError(
        `The network "${values.network}" has no account to deploy from: configure its private key (see .env.example)`,
      );
    }
    const deployer = getAddress(await signer.getAddress()) as Hex;
    const balance = await chain.provider.getBalance(deployer);
    const { gasPrice } = await chain.provider.getFeeData();
    // A permissioned chain may run with free gas (a gas price of 0): there an empty account deploys.
    if (balance === 0n && (gasPrice ?? 1n) > 0n) {
      throw new UsageError(
        `The deployer ${deployer} has no funds on chain ${chain.chainId}: fund it, then deploy again`,
      );
    }
    const resolved = inputsFromEnvironment(deps.environment, {
      deployer,
      chainId: Number(chain.chainId),
    });
    if ("problems" in resolved) {
      throw new UsageError(
        `The deploy inputs need fixing (set them in the environment or .env):\n  - ${resolved.problems.join("\n  - ")}`,
      );
    }
    const result: DeployResult = await deploy({
      plan: PLAN,
      inputs: resolved.inputs,
      signer,
      networkName: values.network,
      deploymentsDir,
      fresh: values.fresh,
      log: values.json ? undefined : (line) => output.out(line),
    });
    if (values.json) output.out(JSON.stringify(result, null, 2));
    for (const step of result.steps.filter((s) => s.action === "pending")) {
      output.err(`To do by ${step.sender}: ${step.description}`);
    }
    return 0;
  } catch (error) {
    return report(error, output, "npm run deploy -- --help lists the options");
  } finally {
    await chain?.close();
  }
}

/** The command against the networks of hardhat.config.ts. */
export const hardhatDeployDependencies = (output: Output): DeployDependencies => ({
  output,
  environment: process.env,
  connect: connectToNetwork,
});
