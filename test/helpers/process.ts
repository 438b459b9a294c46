import { spawn } from "node:child_process";
import { createRequire } from "node:module";

/** tsx's command line, run with this Node (`process.execPath`) so a test runs scripts as `npm run` does. */
export const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");

/** What a child process did: its exit status and everything it wrote. */
export interface ProcessResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` to its end and collects its output; rejects only when it cannot be started.
 *
 * @param options.env The child's whole environment (default: this process's).
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs a TypeScript script (e.g. `scripts/payout.ts`) with tsx, as `npm run` would. */
export function runScript(
  script: string,
  args: readonly string[],
  options: { cwd?: string | undefined; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessResult> {
  return runProcess(process.execPath, [TSX_CLI, script, ...args], options);
}
