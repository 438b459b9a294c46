/**
 * Checking untrusted JSON (files an operator hands over, deployment records) against a zod schema, with every
 * problem put in words that say what to fix.
 *
 * @module
 */
import { getAddress, isAddress } from "ethers";
import { z } from "zod";
import { InvalidInputError } from "./errors.js";

/** How a value is shown in a message: strings quoted, anything else by its JSON or its type. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "a list" : "an object";
}

function pathText(path: readonly PropertyKey[], root: string): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? root : out;
}

/** Plain-language messages for the issues a schema does not word itself. */
function genericMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is missing";
    const article = issue.expected === "array" || issue.expected === "object" ? "an" : "a";
    return `must be ${article} ${issue.expected}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => `"${key}"`).join(", ");
    return `has unknown field${issue.keys.length === 1 ? "" : "s"} ${keys}: remove ${issue.keys.length === 1 ? "it" : "them"} (check the spelling)`;
  }
  if (issue.code === "invalid_value") {
    const allowed = issue.values.map((v) => JSON.stringify(v)).join(", ");
    return `must be one of ${allowed}, got ${describeValue(issue.input)}`;
  }
  return undefined;
}

/**
 * Validates `input` (a value, or JSON text when `json` is set) against `schema` and returns the parsed value.
 *
 * @param what What the input is, for the message: `"the signed request file"`.
 * @throws {InvalidInputError} Whose message lists every problem, one per line, each naming its field:
 * `Problems in product.json:\n  - price must be a whole number of wei … written as a decimal string …, got 1.5`.
 * @example
 * ```ts
 * const product = parseInput(productSchema, await readFile(file, "utf8"), "the product file", { json: true });
 * ```
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  options: { json?: boolean } = {},
): z.output<S> {
  let value = input;
  if (options.json) {
    if (typeof input !== "string") {
      throw new InvalidInputError(`${what} must be JSON text`, {
        details: `got ${describeValue(input)}`,
      });
    }
    try {
      value = JSON.parse(input) as unknown;
    } catch (error) {
      throw new InvalidInputError(`${what} is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const result = schema.safeParse(value, { error: genericMessage, reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const missing = issue.input === undefined && issue.path.length > 0 && issue.code !== "custom";
    return `${pathText(issue.path, "the value")} ${missing ? "is missing" : issue.message}`;
  });
  throw new InvalidInputError(`Problems in ${what}:\n  - ${problems.join("\n  - ")}`, {
    cause: result.error,
  });
}

/**
 * A zod schema of an account address (`0x` and 40 hex digits; a mixed-case address must have a valid EIP-55
 * checksum), returned checksummed.
 *
 * @example
 * ```ts
 * const schema = z.object({ owner: addressSchema() });
 * ```
 */
export function addressSchema(options: { nonZero?: boolean } = {}) {
  return z
    .string()
    .superRefine((value, ctx) => {
      if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
        ctx.addIssue({
          code: "custom",
          message: `must be an account address (0x and 40 hex digits), got ${describeValue(value)}`,
        });
      } else if (!isAddress(value)) {
        ctx.addIssue({
          code: "custom",
          message: `${describeValue(value)} has a wrong EIP-55 checksum: check it for typos`,
        });
      } else if (options.nonZero && BigInt(value) === 0n) {
        ctx.addIssue({ code: "custom", message: "must not be the zero address" });
      }
    })
    .transform((value) => getAddress(value) as `0x${string}`);
}

/**
 * A zod schema of a `bytes32` value (`0x` and 64 hex digits), returned in lower case.
 *
 * @example
 * ```ts
 * const schema = z.object({ termsHash: bytes32Schema() });
 * ```
 */
export function bytes32Schema() {
  return z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, {
      error: (issue) =>
        `must be 32 bytes of hex (0x and 64 hex digits), got ${describeValue(issue.input)}`,
    })
    .transform((value) => value.toLowerCase() as `0x${string}`);
}

/**
 * A zod schema of an unsigned whole number below `2^bits`, written as a decimal string (JSON numbers lose
 * precision above 2^53) or, when small enough to be exact, as a JSON number; returned as a bigint.
 *
 * @example
 * ```ts
 * const schema = z.object({ price: uintSchema(96, "a whole number of wei") });
 * ```
 */
export function uintSchema(bits: number, meaning = "a non-negative whole number") {
  const max = (1n << BigInt(bits)) - 1n;
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const fail = () => {
      ctx.addIssue({
        code: "custom",
        message: `must be ${meaning} below 2^${bits}, written as a decimal string such as "1000", got ${describeValue(value)}`,
      });
      return z.NEVER;
    };
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value) || value < 0) return fail();
      return BigInt(value);
    }
    if (!/^(0|[1-9][0-9]*)$/.test(value)) return fail();
    const parsed = BigInt(value);
    return parsed > max ? fail() : parsed;
  });
}
