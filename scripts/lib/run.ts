import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";

/** What a command did: its exit code, its standard output (colour codes removed) and how long it took. */
export interface RunResult {
  code: number;
  output: string;
  seconds: number;
}

/**
 * Runs a command found on the PATH (npm scripts put node_modules/.bin first), echoing its output as
 * it comes and keeping a copy to read figures from. Colours stay on when this terminal has them.
 */
export function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<RunResult> {
  const started = Date.now();
  const child = spawn(command, args, {
    stdio: ["inherit", "pipe", "inherit"],
    env: { ...process.env, ...(process.stdout.isTTY && { FORCE_COLOR: "1" }), ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    output += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code: code ?? 1,
        output: stripVTControlCharacters(output),
        seconds: (Date.now() - started) / 1000,
      }),
    );
  });
}
