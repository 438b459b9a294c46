/**
 * The operator CLI: `npm run cli -- <command> [options]`. The entry point is scripts/cli.ts.
 *
 * To add a command on the contracts, add a {@link Command} to CHAIN_COMMANDS in ./commands.ts. `payouts`
 * is the extension point for the revenue pool's payouts: it hands its arguments to scripts/payout.ts.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseOptions, report, REFUSED, type Output } from "../lib/command.js";
import { connectToNetwork, UsageError, type Chain } from "../lib/network.js";
import { CHAIN_COMMANDS, type Command } from "./commands.js";
import { COMMON_OPTIONS, COMMON_USAGE, openSession, type CliDependencies } from "./session.js";

const PAYOUTS_SUMMARY = "run the revenue pool's payouts (hands its arguments to scripts/payout.ts)";

export const CLI_USAGE = `Usage: npm run cli -- <command> [options]

Commands:
${[...CHAIN_COMMANDS.map((c) => [c.name, c.summary]), ["payouts", PAYOUTS_SUMMARY]]
  .map(([name, summary]) => `  ${name!.padEnd(10)} ${summary}`)
  .join("\n")}

${COMMON_USAGE}

\`npm run cli -- <command> --help\` describes a command. Exit codes: 0 done, 2 input refused (nothing
was sent), 1 failed (e.g. the contract refused the call, or the node did not answer).`;

function helpHint(command?: string): string {
  return command === undefined
    ? "npm run cli -- --help lists the commands"
    : `npm run cli -- ${command} --help lists its options`;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length]!;
  };
  const [best] = [...candidates].sort((x, y) => distance(name, x) - distance(name, y));
  return best !== undefined && distance(name, best) <= 3 ? best : undefined;
}

async function runChainCommand(
  command: Command,
  argv: string[],
  deps: CliDependencies,
): Promise<number> {
  let chain: Chain | undefined;
  try {
    const { values } = parseOptions(argv, { ...COMMON_OPTIONS, ...command.options });
    if (values.help) {
      deps.output.out(`${command.usage}\n\n${COMMON_USAGE}`);
      return 0;
    }
    const session = await openSession(values, deps);
    chain = session.chain;
    await command.run(values, session);
    return 0;
  } catch (error) {
    return report(error, deps.output, helpHint(command.name));
  } finally {
    await chain?.close();
  }
}

const PAYOUTS_USAGE = `Usage: npm run cli -- payouts [arguments of scripts/payout.ts]

Runs the revenue pool's payouts by handing every argument to scripts/payout.ts (run with tsx), whose
options it takes; DEPLOYMENTS_DIR and .env reach it through the environment.`;

async function payouts(argv: string[], deps: CliDependencies): Promise<number> {
  if (!existsSync(deps.payoutScript)) {
    if (argv.includes("--help")) {
      deps.output.out(`${PAYOUTS_USAGE}\n\n(${deps.payoutScript} is missing from this checkout.)`);
      return 0;
    }
    const relative = path.relative(process.cwd(), deps.payoutScript);
    const shown = relative.startsWith("..") ? deps.payoutScript : relative;
    deps.output.err(
      `The payout script ${shown} is missing from this checkout: restore scripts/payout.ts. Nothing was sent.`,
    );
    return REFUSED;
  }
  return deps.runScript(deps.payoutScript, argv);
}

/** Runs the CLI and returns its exit code. */
export async function cli(argv: string[], deps: CliDependencies): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "help") {
    deps.output.out(CLI_USAGE);
    return name === undefined ? REFUSED : 0;
  }
  if (name === "payouts") return payouts(rest, deps);
  const command = CHAIN_COMMANDS.find((c) => c.name === name);
  if (!command) {
    const names = [...CHAIN_COMMANDS.map((c) => c.name), "payouts"];
    const suggestion = closest(name, names);
    return report(
      new UsageError(
        `Unknown command "${name}"${suggestion ? `: did you mean "${suggestion}"?` : ""} Commands: ${names.join(", ")}`,
      ),
      deps.output,
      helpHint(),
    );
  }
  return runChainCommand(command, rest, deps);
}

/** Runs a TypeScript script with tsx in a child process, passing the terminal through. */
export function runWithTsx(script: string, args: readonly string[]): Promise<number> {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsx, script, ...args], { stdio: "inherit" });
    child.on("close", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(1));
  });
}

/** The CLI against the networks of hardhat.config.ts. */
export const hardhatCliDependencies = (output: Output): CliDependencies => ({
  output,
  environment: process.env,
  connect: connectToNetwork,
  payoutScript: path.resolve("scripts", "payout.ts"),
  runScript: runWithTsx,
});
