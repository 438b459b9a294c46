/**
 * Deploys the contracts to a network and records them in deployments/<network>.json.
 *
 *   npm run deploy -- --network localhost      after `npx hardhat node` in another terminal
 *   npm run deploy -- --network sepolia        SEPOLIA_RPC_URL, SEPOLIA_PRIVATE_KEY and the inputs in .env
 *   npm run deploy -- --help
 *
 * The plan (contracts, constructor arguments, post-deploy steps) is in scripts/deploy/plan.ts.
 */
import { consoleOutput } from "./lib/command.js";
import { deployCommand, hardhatDeployDependencies } from "./deploy/command.js";

process.exitCode = await deployCommand(
  process.argv.slice(2),
  hardhatDeployDependencies(consoleOutput),
);
