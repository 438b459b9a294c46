/**
 * What the operator commands share: parsing options, and turning errors into a message and an exit code
 * (2: the input was refused and nothing was sent; 1: something failed on the way, e.g. a contract refusal or
 * an unreachable node).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import {
  CitizenDataError,
  ContractRevertError,
  DeploymentNotFoundError,
  InvalidInputError,
} from "../../sdk/errors.js";
import { UsageError } from "./network.js";

/** Where a command writes. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** The console, for the command-line entries. */
export const consoleOutput: Output = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** Exit code of refused input. */
export const REFUSED = 2;
/** Exit code of a failure after the input was accepted. */
export const FAILED = 1;

/** Parses `argv` strictly; an unknown option or a missing value is a {@link UsageError}. */
export function parseOptions<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Reports an error and returns the exit code: refusals of input (usage, validation, a deploy refused before
 * sending) print their message, and for a usage error `helpHint` (e.g. "npm run deploy -- --help lists the
 * options"); contract refusals and other failures print their message.
 */
export function report(error: unknown, output: Output, helpHint?: string): number {
  if (
    error instanceof UsageError ||
    error instanceof InvalidInputError ||
    error instanceof DeploymentNotFoundError
  ) {
    output.err(error.message);
    if (helpHint !== undefined && error instanceof UsageError) output.err(`(${helpHint})`);
    return REFUSED;
  }
  if (error instanceof ContractRevertError) {
    output.err(error.shortMessage);
    return FAILED;
  }
  if (error instanceof CitizenDataError) {
    output.err(error.message);
    return FAILED;
  }
  output.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return FAILED;
}
