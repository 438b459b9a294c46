/**
 * Signed consent requests as JSON files: what a citizen's app saves after signing (`ConsentClient.signGrant`
 * and friends) and an operator relays later (`npm run cli -- grant --file …`). Numbers are decimal strings,
 * since JSON numbers lose precision above 2^53. The file names the registry and chain it was signed for, so
 * a relay can refuse a file meant for another deployment before sending it.
 *
 * @module
 */
import { verifyTypedData } from "ethers";
import { z } from "zod";
import type { Signed } from "./consent.js";
import {
  CONSENT_TYPES,
  consentTypedData,
  type ConsentDomain,
  type ConsentPrimaryType,
  type ConsentRequests,
} from "./consent-typed-data.js";
import type { Hex } from "./dpv.js";
import {
  addressSchema,
  bytes32Schema,
  describeValue,
  parseInput,
  uintSchema,
} from "./json-input.js";

/**
 * A signed request read from JSON: its type, the domain it was signed over, the request and the signature.
 *
 * @example
 * ```ts
 * const parsed = parseSignedRequest(text);
 * if (parsed.primaryType === "GrantRequest") await consent.grantBySig(parsed.signed);
 * ```
 */
export type SignedRequestFile = {
  [P in ConsentPrimaryType]: {
    primaryType: P;
    domain: ConsentDomain;
    signed: Signed<ConsentRequests[P]>;
  };
}[ConsentPrimaryType];

const uint64 = uintSchema(64);
const uint256 = uintSchema(256);
const signature = z.string().regex(/^0x([0-9a-fA-F]{130})$/, {
  error: "must be a 65-byte signature (0x and 130 hex digits)",
});

const domainSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  chainId: uintSchema(256, "a chain id"),
  verifyingContract: addressSchema({ nonZero: true }),
});

function file<P extends ConsentPrimaryType, R extends z.ZodType>(primaryType: P, request: R) {
  return z.strictObject({
    type: z.literal(primaryType),
    domain: domainSchema,
    request,
    signature,
  });
}

const TYPES = Object.keys(CONSENT_TYPES);

const signedRequestSchema = z.discriminatedUnion(
  "type",
  [
    file(
      "GrantRequest",
      z.strictObject({
        subject: addressSchema({ nonZero: true }),
        grantee: addressSchema({ nonZero: true }),
        purpose: bytes32Schema(),
        categories: z.array(bytes32Schema()).min(1, { error: "must list at least one category" }),
        validUntil: uint64,
        receiptHash: bytes32Schema(),
        nonce: uint64,
        epoch: z
          .number()
          .int({ error: "must be a whole number" })
          .min(0, { error: "must not be negative" })
          .max(2 ** 32 - 1, { error: "must be below 2^32" }),
        deadline: uint256,
      }),
    ),
    file(
      "WithdrawRequest",
      z.strictObject({
        subject: addressSchema({ nonZero: true }),
        grantee: addressSchema({ nonZero: true }),
        purpose: bytes32Schema(),
        nonce: uint64,
        deadline: uint256,
      }),
    ),
    file(
      "WithdrawAllRequest",
      z.strictObject({
        subject: addressSchema({ nonZero: true }),
        nonce: uint64,
        deadline: uint256,
      }),
    ),
    file(
      "SetOperatorRequest",
      z.strictObject({
        subject: addressSchema({ nonZero: true }),
        operator: addressSchema(),
        nonce: uint64,
        deadline: uint256,
      }),
    ),
  ],
  {
    error: (issue) => {
      const input: unknown = issue.input;
      const given =
        input !== null && typeof input === "object" ? (input as { type?: unknown }).type : input;
      return `must be one of ${TYPES.map((t) => `"${t}"`).join(", ")}, got ${describeValue(given)}`;
    },
  },
);

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * The JSON text of a signed request, to save or send to an operator.
 *
 * @example
 * ```ts
 * const signed = await consent.signGrant(citizen, { grantee, purpose: "ResearchAndDevelopment", categories: ["Location"], validUntil, receiptHash });
 * await writeFile("grant.json", signedRequestToJson(await consent.domain(), "GrantRequest", signed));
 * ```
 */
export function signedRequestToJson<P extends ConsentPrimaryType>(
  domain: ConsentDomain,
  primaryType: P,
  signed: Signed<ConsentRequests[P]>,
): string {
  const content = {
    type: primaryType,
    domain,
    request: signed.request,
    signature: signed.signature,
  };
  return `${JSON.stringify(content, jsonReplacer, 2)}\n`;
}

/**
 * Reads a signed request from its JSON text (or the parsed object) and checks its shape.
 *
 * @throws {InvalidInputError} Listing each field that is missing or malformed, e.g.
 * `request.deadline must be a non-negative whole number below 2^256, written as a decimal string …`.
 * @example
 * ```ts
 * const { primaryType, domain, signed } = parseSignedRequest(await readFile("grant.json", "utf8"));
 * ```
 */
export function parseSignedRequest(input: unknown, what = "the signed request"): SignedRequestFile {
  const parsed = parseInput(signedRequestSchema, input, what, { json: typeof input === "string" });
  const domain: ConsentDomain = parsed.domain;
  const signed = { request: parsed.request, signature: parsed.signature as Hex };
  // The discriminated union keeps each type with its own request shape.
  return { primaryType: parsed.type, domain, signed } as SignedRequestFile;
}

/**
 * The address that signed a request, recovered from the signature (an externally owned account; a
 * smart-contract wallet's subject is checked by the registry through ERC-1271 instead).
 *
 * @example
 * ```ts
 * const parsed = parseSignedRequest(text);
 * if (recoverRequestSigner(parsed) !== parsed.signed.request.subject) console.log("signed by someone else");
 * ```
 */
export function recoverRequestSigner(file: SignedRequestFile): Hex {
  const typed = consentTypedData<ConsentPrimaryType>(
    file.domain,
    file.primaryType,
    file.signed.request,
  );
  const types = typed.types as unknown as Record<string, { name: string; type: string }[]>;
  return verifyTypedData(
    typed.domain,
    types,
    typed.message as unknown as Record<string, unknown>,
    file.signed.signature,
  ) as Hex;
}
