/**
 * Consent receipts: the off-chain record of one consent decision, shaped on ISO/IEC TS 27560:2023
 * (consent record information structure) as profiled with DPV by the DPVCG guide "Consent Records and
 * Receipts as per ISO/IEC TS 27560:2023 using DPV". Only the receipt's hash goes on chain, stored with the
 * grant as `receiptHash`.
 *
 * How the fields map to ISO/IEC TS 27560 (and DPV):
 * - `schemaVersion` → schema version; `recordId` → record id (a UUID).
 * - `subject.address` → PII principal id (`dpv:hasDataSubject`). It is pseudonymous on purpose: the
 *   subject's account, never a name or an e-mail address.
 * - `controller` → PII controllers (`dpv:hasDataController`): the grantee's account and, optionally, the
 *   organisation's display name.
 * - `purposes` → purpose (`dpv:hasPurpose`), exactly one DPV purpose IRI: consent is recorded per purpose
 *   on chain.
 * - `personalDataCategories` → PII information / PII type (`dpv:hasPersonalData`), DPV PD IRIs.
 * - `processing` (optional) → processing method (`dpv:hasProcessing`), DPV processing IRIs.
 * - `legalBasis` → lawful basis / event type (`dpv:hasLegalBasis`): `dpv:Consent` or one of its informed
 *   subtypes.
 * - `event` → event state and event time: `given` (`dpv:ConsentGiven`) or `withdrawn`
 *   (`dpv:ConsentWithdrawn`), at an ISO 8601 UTC time.
 * - `validity` → validity duration (`dct:valid`): the consent's end, as unix seconds and as ISO 8601.
 * - `withdrawal` → withdrawal method (`dpv:WithdrawConsent`): how, and where, to withdraw.
 * - `notice` (optional) → privacy notice and language: the consent notice shown, and its language.
 * - `registry` → where the consent lives: the chain id and the ConsentRegistry's address.
 * - `salt` → 32 random bytes, so the hash cannot be guessed from the receipt's predictable content. Once
 *   every copy of a receipt is destroyed, its hash on chain can no longer be linked to its content:
 *   destroying the receipt erases it.
 *
 * Hashing: {@link serializeConsentReceipt} writes the receipt as JSON with object keys sorted (by UTF-16
 * code units) and no whitespace; {@link hashConsentReceipt} is keccak256 of that text's UTF-8 bytes. A
 * receipt holds only strings (numbers are written as decimal strings), arrays and objects, and for such
 * values this serialisation is byte for byte the RFC 8785 (JCS) canonical form. Arrays keep their order,
 * so lists are written in one canonical order: ascending by on-chain id, as `categoryIds` sorts them.
 * Parsing never rewrites a receipt, so a receipt hashes the same before and after a round trip through
 * JSON.
 *
 * @module
 */
import { randomBytes, randomUUID } from "node:crypto";
import { getAddress, isAddress, keccak256, toUtf8Bytes, ZeroAddress } from "ethers";
import { z } from "zod";
import {
  categoryIds,
  DPV_NAMESPACE,
  DuplicateTermError,
  findTerm,
  MAX_CATEGORIES,
  resolveTerm,
  termOf,
  UnknownTermError,
  type CategoryRef,
  type DpvTerm,
  type Hex,
  type ProcessingRef,
  type PurposeRef,
  type TermKind,
} from "./dpv.js";
import { InvalidInputError } from "./errors.js";

/**
 * The `schemaVersion` of receipts this module writes and reads.
 *
 * @example
 * ```ts
 * if (receipt.schemaVersion !== CONSENT_RECEIPT_SCHEMA_VERSION) throw new Error("unsupported receipt");
 * ```
 */
export const CONSENT_RECEIPT_SCHEMA_VERSION = "citizen-data-ledger/consent-receipt/1";

/**
 * The legal bases a consent receipt may state: DPV's `Consent` and its informed subtypes, by short name.
 * (`dpv:ImpliedConsent` and `dpv:UninformedConsent` are left out: a consent signed for the ledger is an
 * expressed decision.)
 *
 * @example
 * ```ts
 * CONSENT_LEGAL_BASES.ExplicitlyExpressedConsent; // "https://w3id.org/dpv#ExplicitlyExpressedConsent"
 * ```
 */
export const CONSENT_LEGAL_BASES = {
  Consent: `${DPV_NAMESPACE}Consent`,
  InformedConsent: `${DPV_NAMESPACE}InformedConsent`,
  ExpressedConsent: `${DPV_NAMESPACE}ExpressedConsent`,
  ExplicitlyExpressedConsent: `${DPV_NAMESPACE}ExplicitlyExpressedConsent`,
} as const;

/**
 * Short name of an accepted consent legal basis, e.g. `"ExplicitlyExpressedConsent"`.
 *
 * @example
 * ```ts
 * const basis: ConsentLegalBasisName = "InformedConsent";
 * ```
 */
export type ConsentLegalBasisName = keyof typeof CONSENT_LEGAL_BASES;

/**
 * An accepted consent legal basis, as a short name, a prefixed name or a full IRI.
 *
 * @example
 * ```ts
 * const basis: ConsentLegalBasisRef = "dpv:ExplicitlyExpressedConsent";
 * ```
 */
export type ConsentLegalBasisRef =
  | ConsentLegalBasisName
  | `dpv:${ConsentLegalBasisName}`
  | (typeof CONSENT_LEGAL_BASES)[ConsentLegalBasisName];

/**
 * The consent events a receipt records, and the DPV consent status each one stands for.
 *
 * @example
 * ```ts
 * CONSENT_EVENT_STATUS[receipt.event.type]; // "https://w3id.org/dpv#ConsentGiven"
 * ```
 */
export const CONSENT_EVENT_STATUS = {
  given: `${DPV_NAMESPACE}ConsentGiven`,
  withdrawn: `${DPV_NAMESPACE}ConsentWithdrawn`,
} as const;

/**
 * The type of a receipt's event: consent `given` or `withdrawn`.
 *
 * @example
 * ```ts
 * const type: ConsentEventType = "withdrawn";
 * ```
 */
export type ConsentEventType = keyof typeof CONSENT_EVENT_STATUS;

/**
 * The latest `validUntil` a receipt accepts: 9999-12-31T23:59:59Z, the last instant ISO 8601 writes with a
 * four-digit year (well inside the contract's `uint64`).
 *
 * @example
 * ```ts
 * const forever = MAX_VALID_UNTIL; // 253402300799n
 * ```
 */
export const MAX_VALID_UNTIL = 253_402_300_799n;

/**
 * Refused input: a consent receipt that does not match the schema. The message lists every problem found,
 * each naming the field it is about.
 *
 * @example
 * ```ts
 * try { parseConsentReceipt(json); }
 * catch (error) { if (error instanceof InvalidReceiptError) error.problems.forEach((p) => console.log(p)); }
 * ```
 */
export class InvalidReceiptError extends InvalidInputError {
  /** One sentence per problem, each starting with the field it is about. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options: { cause?: unknown } = {}) {
    const summary =
      problems.length === 1
        ? `Invalid consent receipt: ${problems[0] ?? ""}`
        : `Invalid consent receipt (${problems.length} problems): ${problems.join("; ")}`;
    super(summary, {
      details: `Receipts follow the schema ${CONSENT_RECEIPT_SCHEMA_VERSION}; createConsentReceipt writes valid ones.`,
      cause: options.cause,
    });
    this.problems = problems;
  }
}

/** Quotes a value for a message, cut short when long. */
function shown(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return typeof value === "string" ? `"${cut}"` : cut;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${shown(value)}`;
}

const DECIMAL = /^[1-9][0-9]*$/;

/** Unix seconds from a decimal string, or undefined when it is not one. */
function secondsOf(decimal: string): bigint | undefined {
  return DECIMAL.test(decimal) ? BigInt(decimal) : undefined;
}

/** Milliseconds since the epoch from an ISO 8601 string, or undefined when it does not parse. */
function millisecondsOf(iso: string): bigint | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : BigInt(ms);
}

function text(max: number) {
  return z
    .string()
    .min(1, { error: "must not be empty" })
    .max(max, { error: `must be at most ${max} characters` });
}

function address(options: { nonZero: boolean }) {
  return z.string().superRefine((value, ctx) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: `must be an account address (0x and 40 hex digits), got ${shown(value)}`,
      });
      return;
    }
    if (!isAddress(value)) {
      ctx.addIssue({
        code: "custom",
        message: `${shown(value)} has a wrong EIP-55 checksum: check it for typos`,
      });
      return;
    }
    const checksummed = getAddress(value);
    if (value !== checksummed) {
      ctx.addIssue({
        code: "custom",
        message: `must be written in checksummed form (EIP-55): ${checksummed}`,
      });
    } else if (options.nonZero && value === ZeroAddress) {
      ctx.addIssue({ code: "custom", message: "must not be the zero address" });
    }
  });
}

/** A full IRI of a known DPV term of `kind`. */
function termIri(kind: TermKind) {
  return z.string().superRefine((value, ctx) => {
    const term = findTerm(kind, value);
    if (term?.iri === value) return;
    if (term) {
      ctx.addIssue({
        code: "custom",
        message: `must be a full IRI: write "${term.iri}" instead of ${shown(value)}`,
      });
      return;
    }
    try {
      resolveTerm(kind, value);
    } catch (error) {
      const reason =
        error instanceof UnknownTermError
          ? error.shortMessage.replace(/\.$/, "")
          : `unknown ${kind} ${shown(value)}`;
      ctx.addIssue({ code: "custom", message: `is not a known term: ${reason}` });
    }
  });
}

/** A list of full IRIs of known terms of `kind`, without repeats, in ascending order of their ids. */
function termIriList(kind: TermKind, noun: string, max: number) {
  return z
    .array(termIri(kind))
    .min(1, { error: `must list at least one ${noun}` })
    .max(max, { error: `must list at most ${max} ${noun}s` })
    .superRefine((iris, ctx) => {
      for (let i = 1; i < iris.length; i++) {
        const previous = findTerm(kind, iris[i - 1] ?? "");
        const current = findTerm(kind, iris[i] ?? "");
        if (!previous || !current) continue;
        if (previous.id === current.id) {
          ctx.addIssue({
            code: "custom",
            path: [i],
            message: `repeats ${shown(iris[i])}: list each ${noun} once`,
          });
        } else if (previous.id > current.id) {
          ctx.addIssue({
            code: "custom",
            path: [i],
            message:
              `is out of order: ${noun}s are listed in ascending order of their on-chain ids ` +
              `(as categoryIds sorts them), so ${shown(iris[i])} comes before ${shown(iris[i - 1])}`,
          });
        }
      }
    });
}

const isoTime = z.iso.datetime({
  error: (issue) =>
    `must be an ISO 8601 UTC date-time such as "2030-01-01T00:00:00.000Z", got ${describe(issue.input)}`,
});

/**
 * The zod schema of a consent receipt. Objects are strict: a field outside the schema is refused, since the
 * whole receipt is hashed. Prefer {@link parseConsentReceipt}, which turns problems into an
 * {@link InvalidReceiptError}.
 *
 * @example
 * ```ts
 * const result = consentReceiptSchema.safeParse(untrusted);
 * if (result.success) console.log(result.data.recordId);
 * ```
 */
export const consentReceiptSchema = z
  .strictObject({
    schemaVersion: z.literal(CONSENT_RECEIPT_SCHEMA_VERSION, {
      error: (issue) => `must be "${CONSENT_RECEIPT_SCHEMA_VERSION}", got ${describe(issue.input)}`,
    }),
    recordId: z.uuid({
      error: (issue) =>
        `must be a UUID such as "3f2504e0-4f89-41d3-9a0c-0305e82c3301", got ${describe(issue.input)}`,
    }),
    subject: z.strictObject({ address: address({ nonZero: true }) }),
    controller: z.strictObject({ address: address({ nonZero: true }), name: text(200).optional() }),
    purposes: z.array(termIri("purpose")).length(1, {
      error: (issue) =>
        "must list exactly one purpose, because the ConsentRegistry records consent per purpose " +
        `(got ${Array.isArray(issue.input) ? issue.input.length : "none"}): make one receipt per purpose`,
    }),
    personalDataCategories: termIriList("category", "personal-data category", MAX_CATEGORIES),
    processing: termIriList("processing", "processing operation", 100).optional(),
    legalBasis: z.enum(
      [
        CONSENT_LEGAL_BASES.Consent,
        CONSENT_LEGAL_BASES.InformedConsent,
        CONSENT_LEGAL_BASES.ExpressedConsent,
        CONSENT_LEGAL_BASES.ExplicitlyExpressedConsent,
      ],
      {
        error: (issue) =>
          `must be one of ${Object.values(CONSENT_LEGAL_BASES).join(", ")}, got ${describe(issue.input)}`,
      },
    ),
    event: z.strictObject({
      type: z.enum(["given", "withdrawn"], {
        error: (issue) => `must be "given" or "withdrawn", got ${describe(issue.input)}`,
      }),
      time: isoTime,
    }),
    validity: z
      .strictObject({
        validUntil: z
          .string()
          .regex(DECIMAL, {
            error: (issue) =>
              `must be unix seconds written as a decimal string without leading zeros, e.g. "1893456000", got ${describe(issue.input)}`,
          })
          .refine((value) => (secondsOf(value) ?? 0n) <= MAX_VALID_UNTIL, {
            error: `must be at most ${MAX_VALID_UNTIL} (9999-12-31T23:59:59Z)`,
          }),
        validUntilIso: isoTime,
      })
      .superRefine((validity, ctx) => {
        const seconds = secondsOf(validity.validUntil);
        const ms = millisecondsOf(validity.validUntilIso);
        if (seconds === undefined || seconds > MAX_VALID_UNTIL || ms === undefined) return;
        if (ms !== seconds * 1000n) {
          ctx.addIssue({
            code: "custom",
            path: ["validUntilIso"],
            message:
              `must be the same instant as validity.validUntil (${validity.validUntil} is ` +
              `${new Date(Number(seconds) * 1000).toISOString()}), got ${shown(validity.validUntilIso)}`,
          });
        }
      }),
    withdrawal: z.strictObject({ method: text(2000), where: text(500) }),
    notice: z
      .strictObject({
        url: z.url({
          protocol: /^https?$/,
          error: (issue) => `must be an http(s) URL, got ${describe(issue.input)}`,
        }),
        language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, {
          error: (issue) =>
            `must be a BCP 47 language tag such as "en" or "nl-BE", got ${describe(issue.input)}`,
        }),
      })
      .optional(),
    registry: z.strictObject({
      chainId: z.string().regex(DECIMAL, {
        error: (issue) =>
          `must be a positive chain id written as a decimal string, e.g. "11155111", got ${describe(issue.input)}`,
      }),
      address: address({ nonZero: true }),
    }),
    salt: z
      .string()
      .regex(/^0x[0-9a-f]{64}$/, {
        error: (issue) =>
          `must be 32 random bytes written as 0x and 64 lowercase hex digits, got ${describe(issue.input)}`,
      })
      .refine((salt) => /[1-9a-f]/.test(salt.slice(2)), {
        error: "must be random, not zero: it keeps the receipt's hash from being guessed",
      }),
  })
  .superRefine((receipt, ctx) => {
    if (receipt.subject.address.toLowerCase() === receipt.controller.address.toLowerCase()) {
      ctx.addIssue({
        code: "custom",
        path: ["controller", "address"],
        message:
          "must differ from subject.address: the ConsentRegistry refuses a consent granted to oneself",
      });
    }
    const eventMs = millisecondsOf(receipt.event.time);
    const validUntil = secondsOf(receipt.validity.validUntil);
    if (
      receipt.event.type === "given" &&
      eventMs !== undefined &&
      validUntil !== undefined &&
      eventMs >= validUntil * 1000n
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["validity", "validUntil"],
        message: `must be after event.time (${receipt.event.time}): a consent given must be valid for some time`,
      });
    }
  });

/**
 * A consent receipt (see the module documentation for its fields and their ISO/IEC TS 27560 meaning).
 *
 * @example
 * ```ts
 * const receipt: ConsentReceipt = createConsentReceipt({ ... });
 * receipt.purposes[0]; // "https://w3id.org/dpv#ImproveTransportMobility"
 * ```
 */
export type ConsentReceipt = z.infer<typeof consentReceiptSchema>;

function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "the receipt" : out;
}

/** Plain-language messages for the issues the schema does not word itself. */
function genericMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return "is missing";
    return `must be ${issue.expected === "array" || issue.expected === "object" ? "an" : "a"} ${issue.expected}, got ${describe(issue.input)}`;
  }
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => `"${key}"`).join(", ");
    return `has unknown field${issue.keys.length === 1 ? "" : "s"} ${keys}: a receipt is hashed whole, so fields outside the schema are refused`;
  }
  return undefined;
}

/**
 * Validates an untrusted consent receipt (an object, or its JSON text) and returns it unchanged.
 *
 * @throws {InvalidReceiptError} Listing every problem in words, e.g. `subject.address must be written in
 * checksummed form (EIP-55): 0x…`.
 * @example
 * ```ts
 * const receipt = parseConsentReceipt(await readFile("receipt.json", "utf8"));
 * ```
 */
export function parseConsentReceipt(json: unknown): ConsentReceipt {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json) as unknown;
    } catch (error) {
      throw new InvalidReceiptError(
        [`the receipt is not valid JSON (${(error as Error).message})`],
        { cause: error },
      );
    }
  }
  const result = consentReceiptSchema.safeParse(value, {
    error: genericMessage,
    reportInput: true,
  });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    // A field that is absent is reported as missing, whatever its own check would say of it.
    const missing = issue.input === undefined && issue.path.length > 0 && issue.code !== "custom";
    return `${pathText(issue.path)} ${missing ? "is missing" : issue.message}`;
  });
  throw new InvalidReceiptError(problems, { cause: result.error });
}

function canonicalJson(value: unknown, path: readonly PropertyKey[]): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown, index) => canonicalJson(item, [...path, index])).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) {
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, the order RFC 8785 prescribes.
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], [...path, key])}`).join(",")}}`;
    }
  }
  throw new InvalidReceiptError([
    `${pathText(path)} must be a string, an array or an object, got ${describe(value)} (receipts write numbers as decimal strings)`,
  ]);
}

/**
 * The receipt's canonical JSON text: keys sorted, no whitespace; RFC 8785 (JCS) for the strings, arrays and
 * objects a receipt is made of. The receipt is validated first.
 *
 * @throws {InvalidReceiptError} When the receipt is invalid.
 * @example
 * ```ts
 * await writeFile(`${receipt.recordId}.json`, serializeConsentReceipt(receipt));
 * ```
 */
export function serializeConsentReceipt(receipt: ConsentReceipt): string {
  return canonicalJson(parseConsentReceipt(receipt), []);
}

/**
 * The receipt's hash: keccak256 of the UTF-8 bytes of {@link serializeConsentReceipt}. This is the
 * `receiptHash` stored on chain with the grant.
 *
 * @throws {InvalidReceiptError} When the receipt is invalid.
 * @example
 * ```ts
 * const receiptHash = hashConsentReceipt(receipt);
 * ```
 */
export function hashConsentReceipt(receipt: ConsentReceipt): Hex {
  return keccak256(toUtf8Bytes(serializeConsentReceipt(receipt))) as Hex;
}

/**
 * What the chain must match for a receipt: the arguments of `ConsentRegistry.grant` (and the fields of its
 * `ConsentGranted` event).
 *
 * @example
 * ```ts
 * const terms: ConsentTerms = receiptConsentTerms(receipt);
 * ```
 */
export interface ConsentTerms {
  /** The subject's account (checksummed). */
  readonly subject: string;
  /** The grantee's account, i.e. the controller (checksummed). */
  readonly grantee: string;
  /** The purpose's `bytes32` id. */
  readonly purposeId: Hex;
  /** The categories' `bytes32` ids, strictly ascending. */
  readonly categoryIds: readonly Hex[];
  /** The consent's end, in unix seconds (`uint64` on chain). */
  readonly validUntil: bigint;
  /** The receipt's hash, stored on chain as `receiptHash`. */
  readonly receiptHash: Hex;
}

/**
 * The consent terms a receipt records, as the ConsentRegistry holds them: subject, grantee, purpose id,
 * sorted category ids, validity end, and the receipt's hash.
 *
 * @throws {InvalidReceiptError} When the receipt is invalid.
 * @example
 * ```ts
 * const t = receiptConsentTerms(receipt);
 * await registry.connect(citizen).grant(t.grantee, t.purposeId, [...t.categoryIds], t.validUntil, t.receiptHash);
 * ```
 */
export function receiptConsentTerms(receipt: ConsentReceipt): ConsentTerms {
  const valid = parseConsentReceipt(receipt);
  const purpose = valid.purposes[0] ?? "";
  return {
    subject: valid.subject.address,
    grantee: valid.controller.address,
    purposeId: resolveTerm("purpose", purpose).id,
    categoryIds: valid.personalDataCategories
      .map((iri) => resolveTerm("category", iri).id)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    validUntil: BigInt(valid.validity.validUntil),
    receiptHash: hashConsentReceipt(valid),
  };
}

/**
 * What {@link createConsentReceipt} needs. Names may be short (`"Location"`), prefixed (`"pd:Location"`)
 * or full IRIs; addresses may be in any letter case.
 *
 * @example
 * ```ts
 * const input: ConsentReceiptInput = {
 *   subject: citizen.address,
 *   controller: { address: university.address, name: "City University" },
 *   purpose: "AcademicResearch",
 *   personalDataCategories: ["Location", "TravelHistory"],
 *   validUntil: new Date("2027-01-01T00:00:00Z"),
 *   registry: { chainId: 11155111n, address: registryAddress },
 * };
 * ```
 */
export interface ConsentReceiptInput {
  /** The subject's account. */
  readonly subject: string;
  /** The grantee's account and, optionally, the organisation's display name. */
  readonly controller: { readonly address: string; readonly name?: string };
  /** The one purpose consented to (a list is accepted only to refuse zero or several with a clear error). */
  readonly purpose: PurposeRef | readonly PurposeRef[];
  /** The personal-data categories, 1 to {@link MAX_CATEGORIES}. */
  readonly personalDataCategories: readonly CategoryRef[];
  /** The processing operations, when the notice named them (an empty list is the same as none). */
  readonly processing?: readonly ProcessingRef[];
  /** The legal basis; `dpv:Consent` when omitted. */
  readonly legalBasis?: ConsentLegalBasisRef;
  /** The event recorded; consent `given` now when omitted. */
  readonly event?: { readonly type?: ConsentEventType; readonly time?: Date | string };
  /** The consent's end: unix seconds, or a Date (rounded down to the second). */
  readonly validUntil: bigint | number | Date;
  /** The chain and the ConsentRegistry the consent is recorded on. */
  readonly registry: { readonly chainId: bigint | number; readonly address: string };
  /** How and where to withdraw; by default the ConsentRegistry's own ways. */
  readonly withdrawal?: { readonly method?: string; readonly where?: string };
  /** The consent notice shown to the subject, and its language. */
  readonly notice?: { readonly url: string; readonly language: string };
  /** The record id; a random UUID when omitted. */
  readonly recordId?: string;
  /** 32 bytes of hex; 32 random bytes when omitted (give one only to reproduce a receipt). */
  readonly salt?: string;
}

function checksummedOrRaw(value: string): string {
  return typeof value === "string" && isAddress(value) ? getAddress(value) : value;
}

function toSeconds(value: bigint | number | Date): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new InvalidReceiptError([
        `validity.validUntil must be a whole number of unix seconds, got ${value}`,
      ]);
    }
    return String(value);
  }
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return String(Math.floor(value.getTime() / 1000));
  throw new InvalidReceiptError([
    `validity.validUntil must be unix seconds (bigint or number) or a valid Date, got ${describe(value)}`,
  ]);
}

function chainIdText(chainId: bigint | number): string {
  if (typeof chainId === "bigint" || Number.isSafeInteger(chainId)) return chainId.toString();
  throw new InvalidReceiptError([
    `registry.chainId must be a whole number, got ${describe(chainId)}`,
  ]);
}

function isoOfDate(time: Date): string {
  if (time instanceof Date && !Number.isNaN(time.getTime())) return time.toISOString();
  throw new InvalidReceiptError([
    `event.time must be a valid Date or an ISO 8601 string, got ${describe(time)}`,
  ]);
}

function isoOf(seconds: string): string {
  if (!/^-?[0-9]+$/.test(seconds)) return "";
  const n = BigInt(seconds);
  return n >= 0n && n <= MAX_VALID_UNTIL ? new Date(Number(n) * 1000).toISOString() : "";
}

function legalBasisIri(value: ConsentLegalBasisRef | undefined): string {
  if (value === undefined) return CONSENT_LEGAL_BASES.Consent;
  const name = value.startsWith("dpv:") ? value.slice(4) : value;
  if (Object.hasOwn(CONSENT_LEGAL_BASES, name))
    return CONSENT_LEGAL_BASES[name as ConsentLegalBasisName];
  return value; // a full IRI, checked by the schema
}

function sortedUnique(kind: TermKind, refs: readonly string[]): DpvTerm[] {
  const seen = new Map<string, string>();
  const terms: DpvTerm[] = [];
  for (const ref of refs) {
    const term = resolveTerm(kind, ref);
    const earlier = seen.get(term.id);
    if (earlier !== undefined) throw new DuplicateTermError(earlier, ref, term);
    seen.set(term.id, ref);
    terms.push(term);
  }
  return terms.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Builds and validates a consent receipt: turns DPV names into IRIs (categories sorted by id, as on chain),
 * checksums addresses, writes `validUntil` both as unix seconds and ISO 8601, and generates the record id
 * (a UUID) and the 32-byte salt with `node:crypto` unless given.
 *
 * @throws {InvalidReceiptError} When a field is invalid, or when zero or several purposes are given.
 * @throws {UnknownTermError} When a purpose, category or processing name is unknown.
 * @throws {DuplicateTermError} When a category or processing operation is listed twice.
 * @example
 * ```ts
 * const receipt = createConsentReceipt({
 *   subject: citizen.address,
 *   controller: { address: transportAuthority, name: "City Transport Authority" },
 *   purpose: "ImproveTransportMobility",
 *   personalDataCategories: ["Location", "TravelHistory", "VehicleUsage"],
 *   processing: ["Collect", "Aggregate", "Anonymise"],
 *   validUntil: new Date("2027-01-01T00:00:00Z"),
 *   registry: { chainId: 11155111n, address: registryAddress },
 * });
 * const { purposeId, categoryIds, validUntil, receiptHash } = receiptConsentTerms(receipt);
 * ```
 */
export function createConsentReceipt(input: ConsentReceiptInput): ConsentReceipt {
  const purposes: readonly PurposeRef[] =
    typeof input.purpose === "string" ? [input.purpose] : input.purpose;
  if (purposes.length !== 1) {
    const listed =
      purposes.length === 0
        ? "none was given"
        : `${purposes.length} were given (${purposes.join(", ")})`;
    throw new InvalidReceiptError([
      `purpose: a consent receipt covers exactly one purpose, because the ConsentRegistry records consent per purpose; ${listed}. Create one receipt per purpose`,
    ]);
  }
  const purpose = resolveTerm("purpose", purposes[0] ?? "");
  // categoryIds refuses unknown or repeated categories and sorts their ids as the chain does.
  const categories = categoryIds(input.personalDataCategories).map((id) => termOf(id)?.iri ?? id);
  const processing =
    input.processing === undefined || input.processing.length === 0
      ? undefined
      : sortedUnique("processing", input.processing).map((t) => t.iri);

  const chainId = chainIdText(input.registry.chainId);
  const registryAddress = checksummedOrRaw(input.registry.address);
  const where = `eip155:${chainId}:${registryAddress}`;
  const validUntil = toSeconds(input.validUntil);
  if (/^[0-9]+$/.test(validUntil) && BigInt(validUntil) > MAX_VALID_UNTIL) {
    throw new InvalidReceiptError([
      `validity.validUntil ${validUntil} is after the year 9999: give unix seconds, not milliseconds ` +
        "(or pass a Date)",
    ]);
  }
  const time = input.event?.time;

  const candidate: Record<string, unknown> = {
    schemaVersion: CONSENT_RECEIPT_SCHEMA_VERSION,
    recordId: input.recordId ?? randomUUID(),
    subject: { address: checksummedOrRaw(input.subject) },
    controller:
      input.controller.name === undefined
        ? { address: checksummedOrRaw(input.controller.address) }
        : { address: checksummedOrRaw(input.controller.address), name: input.controller.name },
    purposes: [purpose.iri],
    personalDataCategories: categories,
    processing,
    legalBasis: legalBasisIri(input.legalBasis),
    event: {
      type: input.event?.type ?? "given",
      time:
        time === undefined
          ? new Date().toISOString()
          : typeof time === "string"
            ? time
            : isoOfDate(time),
    },
    validity: { validUntil, validUntilIso: isoOf(validUntil) },
    withdrawal: {
      method:
        input.withdrawal?.method ??
        `Withdraw at any time: call withdraw on the ConsentRegistry at ${where} from your own account, sign a ` +
          "withdrawal request that anyone may relay for you, or ask the operator you appointed. The withdrawal " +
          "takes effect on chain at once; withdrawAll ends every consent you gave.",
      where: input.withdrawal?.where ?? where,
    },
    notice:
      input.notice === undefined
        ? undefined
        : { url: input.notice.url, language: input.notice.language },
    registry: { chainId, address: registryAddress },
    salt:
      input.salt === undefined ? `0x${randomBytes(32).toString("hex")}` : input.salt.toLowerCase(),
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  return parseConsentReceipt(candidate);
}
