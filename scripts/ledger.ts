/**
 * The ledger reader's command line. `npm run ledger -- --help` lists the commands.
 *
 *   npm run ledger -- sync --rpc http://127.0.0.1:8545 --deployment deployments/localhost.json
 *   npm run ledger -- cohort --grantee 0x… --purpose ResearchAndDevelopment --categories Location,Age
 *   npm run ledger -- citizen-report --subject 0x… --format html --out out/ledger/report.html
 */
import { existsSync } from "node:fs";

if (!existsSync(new URL("../typechain-types/index.ts", import.meta.url))) {
  console.error(
    "The contracts' TypeChain bindings are missing: run `npm run build` once, then try again.",
  );
  process.exit(1);
}
const { runCli } = await import("./ledger/cli.js");
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
});
