/**
 * Input of the ledger's questions, checked with zod: addresses, DPV purposes and categories (names, IRIs or
 * `bytes32` ids), points in time. The SDK and the CLI share these schemas, so both refuse the same input
 * with the same messages.
 *
 * @module
 */
import { getAddress } from "ethers";
import { z } from "zod";
import { resolveTerm, type Hex } from "../dpv.js";
import { InvalidInputError } from "../errors.js";

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** An address in any letter case, returned checksummed. */
export const addressSchema = z.string().transform((value, ctx) => {
  try {
    return getAddress(value.trim());
  } catch {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not an address (0x and 40 hex digits)`,
    });
    return z.NEVER;
  }
});

function termSchema(kind: "purpose" | "category") {
  return z.string().transform((value, ctx): Hex => {
    const v = value.trim();
    if (BYTES32.test(v)) return v.toLowerCase() as Hex;
    try {
      return resolveTerm(kind, v).id;
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: error instanceof Error ? error.message.split("\n")[0]! : String(error),
      });
      return z.NEVER;
    }
  });
}

/** A DPV purpose: a name (`ResearchAndDevelopment`), a prefixed name or IRI, or a `bytes32` id. */
export const purposeSchema = termSchema("purpose");

/** DPV personal-data categories (names, IRIs or ids), at least one; a comma-separated string is split. */
export const categoriesSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(",")).map((s) => s.trim()).filter((s) => s !== ""),
  )
  .pipe(z.array(termSchema("category")).min(1, { message: "name at least one category" }))
  .transform((ids) => [...new Set(ids)].sort());

/**
 * A point in time: unix seconds (number, bigint or digits), a `Date`, or an ISO 8601 date or date-time.
 * Returned as unix seconds.
 */
export const timeSchema = z
  .union([z.number(), z.bigint(), z.string(), z.date()])
  .transform((value, ctx) => {
    let seconds: number;
    if (value instanceof Date) seconds = Math.floor(value.getTime() / 1000);
    else if (typeof value === "bigint") seconds = Number(value);
    else if (typeof value === "number") seconds = value;
    else if (/^\d+$/.test(value.trim())) seconds = Number(value.trim());
    else seconds = Math.floor(Date.parse(value) / 1000);
    if (!Number.isSafeInteger(seconds) || seconds < 0) {
      ctx.addIssue({
        code: "custom",
        message: `"${String(value)}" is not a time: give unix seconds or an ISO 8601 date such as 2026-01-31T12:00:00Z`,
      });
      return z.NEVER;
    }
    return seconds;
  });

/** A product or pool id: a positive whole number. */
export const idSchema = z.coerce
  .number({ message: "must be a number" })
  .int({ message: "must be a whole number" })
  .positive({ message: "must be positive" });

/**
 * Parses `value` with `schema`, turning zod's issues into one {@link InvalidInputError} that names each
 * field.
 *
 * @example
 * ```ts
 * const q = parseInput(cohortQuerySchema, { grantee, purpose: "ResearchAndDevelopment", categories: ["Location"] });
 * ```
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return `${field}${issue.message}`;
  });
  throw new InvalidInputError(`Invalid ${what}: ${issues.join("; ")}`);
}

/** The cohort question. */
export const cohortQuerySchema = z.object({
  grantee: addressSchema,
  purpose: purposeSchema,
  categories: categoriesSchema,
  at: timeSchema.optional(),
});
export type CohortQuery = z.input<typeof cohortQuerySchema>;

/** The citizen's transparency report. */
export const citizenQuerySchema = z.object({
  subject: addressSchema,
  receipts: z.array(z.unknown()).optional(),
});
export type CitizenQuery = z.input<typeof citizenQuerySchema>;

/** The controller's record of processing. */
export const controllerQuerySchema = z.object({
  controller: addressSchema,
  at: timeSchema.optional(),
});
export type ControllerQuery = z.input<typeof controllerQuerySchema>;

/** A product's sales and revenue. */
export const productQuerySchema = z.object({ productId: idSchema });
export type ProductQuery = z.input<typeof productQuerySchema>;

/** The ecosystem's indicators over a period (both ends inclusive, default: everything so far). */
export const indicatorsQuerySchema = z
  .object({
    from: timeSchema.optional(),
    to: timeSchema.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: "from is later than to: the period would be empty",
  });
export type IndicatorsQuery = z.input<typeof indicatorsQuerySchema>;
