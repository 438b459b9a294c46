/**
 * The operator CLI: relay signed consents, publish products, buy licences, print balances, run payouts.
 *
 *   npm run cli -- --help
 *   npm run cli -- grant --file grant.json --network localhost
 *   npm run cli -- balances --product 1 --network sepolia
 */
import { consoleOutput } from "./lib/command.js";
import { cli, hardhatCliDependencies } from "./cli/main.js";

process.exitCode = await cli(process.argv.slice(2), hardhatCliDependencies(consoleOutput));
