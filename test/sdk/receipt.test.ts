import { expect } from "chai";
import { getAddress, keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";
import { InvalidInputError } from "../../sdk/errors.js";
import {
  categoryIds,
  DuplicateTermError,
  purposeId,
  UnknownTermError,
  type PurposeRef,
} from "../../sdk/dpv.js";
import {
  CONSENT_LEGAL_BASES,
  CONSENT_RECEIPT_SCHEMA_VERSION,
  createConsentReceipt,
  hashConsentReceipt,
  InvalidReceiptError,
  parseConsentReceipt,
  receiptConsentTerms,
  serializeConsentReceipt,
  type ConsentReceipt,
  type ConsentReceiptInput,
} from "../../sdk/receipt.js";
import { thrown } from "../helpers/expect.js";

const SUBJECT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const GRANTEE = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

const INPUT: ConsentReceiptInput = {
  subject: SUBJECT.toLowerCase(),
  controller: { address: GRANTEE, name: "City Transport Authority" },
  purpose: "ImproveTransportMobility",
  personalDataCategories: ["VehicleUsage", "Location", "TravelHistory"],
  processing: ["Collect", "Aggregate", "Anonymise"],
  event: { time: "2026-01-01T12:00:00.000Z" },
  validUntil: new Date("2027-01-01T00:00:00Z"),
  registry: { chainId: 11155111n, address: REGISTRY },
  recordId: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
  salt: "0x" + "ab".repeat(32),
};

/** A deep copy with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, inner]) => [key, reversedKeys(inner)]),
    );
  }
  return value;
}

/** A plain copy of `receipt` (as untrusted JSON) with the field at `path` set to `value`, or removed. */
function edited(receipt: unknown, path: readonly string[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(receipt)) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = path[path.length - 1] ?? "";
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

function refusal(json: unknown): InvalidReceiptError {
  const error = thrown(() => parseConsentReceipt(json));
  expect(error).to.be.instanceOf(InvalidReceiptError);
  expect(error).to.be.instanceOf(InvalidInputError);
  return error as InvalidReceiptError;
}

describe("receipt", function () {
  const receipt = createConsentReceipt(INPUT);

  describe("createConsentReceipt", function () {
    it("builds a receipt with DPV IRIs, checksummed addresses and both forms of validity", function () {
      expect(receipt.schemaVersion).to.equal(CONSENT_RECEIPT_SCHEMA_VERSION);
      expect(receipt.subject.address).to.equal(SUBJECT);
      expect(receipt.controller).to.deep.equal({
        address: GRANTEE,
        name: "City Transport Authority",
      });
      expect(receipt.purposes).to.deep.equal(["https://w3id.org/dpv#ImproveTransportMobility"]);
      expect(receipt.personalDataCategories).to.have.members([
        "https://w3id.org/dpv/pd#Location",
        "https://w3id.org/dpv/pd#TravelHistory",
        "https://w3id.org/dpv/pd#VehicleUsage",
      ]);
      expect(receipt.legalBasis).to.equal(CONSENT_LEGAL_BASES.Consent);
      expect(receipt.event).to.deep.equal({ type: "given", time: "2026-01-01T12:00:00.000Z" });
      expect(receipt.validity).to.deep.equal({
        validUntil: "1798761600",
        validUntilIso: "2027-01-01T00:00:00.000Z",
      });
      expect(receipt.registry).to.deep.equal({ chainId: "11155111", address: REGISTRY });
      expect(receipt.withdrawal.where).to.equal(`eip155:11155111:${REGISTRY}`);
      expect(receipt.withdrawal.method).to.contain(
        `ConsentRegistry at eip155:11155111:${REGISTRY}`,
      );
    });

    it("lists categories and processing in ascending order of their on-chain ids", function () {
      const ids = receipt.personalDataCategories.map((iri) => keccak256(toUtf8Bytes(iri)));
      expect(ids).to.deep.equal(categoryIds(["Location", "TravelHistory", "VehicleUsage"]));
      const processing = (receipt.processing ?? []).map((iri) => keccak256(toUtf8Bytes(iri)));
      expect(processing).to.deep.equal([...processing].sort());
      expect(processing).to.have.length(3);
    });

    it("generates a random UUID record id and a random 32-byte salt when not given", function () {
      const { recordId: _r, salt: _s, ...rest } = INPUT;
      const a = createConsentReceipt(rest);
      const b = createConsentReceipt(rest);
      expect(a.recordId).to.match(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(a.salt).to.match(/^0x[0-9a-f]{64}$/);
      expect(a.recordId).to.not.equal(b.recordId);
      expect(a.salt).to.not.equal(b.salt);
    });

    it("refuses zero or several purposes, explaining why", function () {
      const several = thrown(() =>
        createConsentReceipt({
          ...INPUT,
          purpose: ["ScientificResearch", "ImprovePublicServices"],
        }),
      );
      expect(several).to.be.instanceOf(InvalidReceiptError);
      expect(several.message).to.contain("exactly one purpose");
      expect(several.message).to.contain(
        "2 were given (ScientificResearch, ImprovePublicServices)",
      );
      expect(several.message).to.contain("one receipt per purpose");
      const none = thrown(() => createConsentReceipt({ ...INPUT, purpose: [] }));
      expect(none).to.be.instanceOf(InvalidReceiptError);
      expect(none.message).to.contain("none was given");
    });

    it("refuses an unknown purpose, naming it and suggesting close names", function () {
      const error = thrown(() =>
        createConsentReceipt({ ...INPUT, purpose: "ImproveTransport" as PurposeRef }),
      );
      expect(error).to.be.instanceOf(UnknownTermError);
      expect(error.message).to.contain('"ImproveTransport"');
      expect(error.message).to.contain("ImproveTransportMobility");
    });

    it("refuses a category listed twice", function () {
      const error = thrown(() =>
        createConsentReceipt({ ...INPUT, personalDataCategories: ["Location", "pd:Location"] }),
      );
      expect(error).to.be.instanceOf(DuplicateTermError);
    });

    it("refuses a consent that ends before it is given", function () {
      const error = thrown(() => createConsentReceipt({ ...INPUT, validUntil: 1_700_000_000 }));
      expect(error).to.be.instanceOf(InvalidReceiptError);
      expect(error.message).to.contain("validity.validUntil must be after event.time");
    });

    it("refuses milliseconds given where seconds are expected", function () {
      const error = thrown(() => createConsentReceipt({ ...INPUT, validUntil: 1_798_761_600_000 }));
      expect(error).to.be.instanceOf(InvalidReceiptError);
      expect(error.message).to.contain("give unix seconds, not milliseconds");
    });

    it("refuses a consent granted to oneself", function () {
      const error = thrown(() =>
        createConsentReceipt({ ...INPUT, controller: { address: SUBJECT } }),
      );
      expect(error).to.be.instanceOf(InvalidReceiptError);
      expect(error.message).to.contain("controller.address must differ from subject.address");
    });

    it("accepts the informed consent subtypes as legal basis", function () {
      const explicit = createConsentReceipt({
        ...INPUT,
        legalBasis: "dpv:ExplicitlyExpressedConsent",
      });
      expect(explicit.legalBasis).to.equal("https://w3id.org/dpv#ExplicitlyExpressedConsent");
    });
  });

  describe("serializeConsentReceipt", function () {
    it("writes sorted keys and no whitespace", function () {
      const text = serializeConsentReceipt(receipt);
      // Independent reference: a deep copy with keys inserted in sorted order, stringified without spacing.
      const sortedCopy = (value: unknown): unknown =>
        Array.isArray(value)
          ? value.map(sortedCopy)
          : value !== null && typeof value === "object"
            ? Object.fromEntries(
                Object.keys(value)
                  .sort()
                  .map((key) => [key, sortedCopy((value as Record<string, unknown>)[key])]),
              )
            : value;
      expect(text).to.equal(JSON.stringify(sortedCopy(receipt)));
      expect(text.startsWith(`{"controller":{"address":"${GRANTEE}","name":`)).to.equal(true);
      expect(text).to.not.contain("\n");
    });

    it("refuses values a receipt never holds, such as numbers", function () {
      const error = thrown(() =>
        serializeConsentReceipt(edited(receipt, ["registry", "chainId"], 1) as ConsentReceipt),
      );
      expect(error).to.be.instanceOf(InvalidReceiptError);
      expect(error.message).to.contain("registry.chainId must be a string, got number 1");
    });
  });

  describe("hashConsentReceipt", function () {
    it("is keccak256 of the canonical JSON's UTF-8 bytes", function () {
      expect(hashConsentReceipt(receipt)).to.equal(
        keccak256(toUtf8Bytes(serializeConsentReceipt(receipt))),
      );
    });

    it("is stable across key order and a round trip through JSON", function () {
      const hash = hashConsentReceipt(receipt);
      const shuffled = reversedKeys(receipt) as ConsentReceipt;
      expect(Object.keys(shuffled)).to.deep.equal(Object.keys(receipt).reverse());
      expect(hashConsentReceipt(shuffled)).to.equal(hash);
      expect(hashConsentReceipt(parseConsentReceipt(JSON.stringify(receipt, null, 2)))).to.equal(
        hash,
      );
      expect(hashConsentReceipt(createConsentReceipt(INPUT))).to.equal(hash);
    });

    it("changes when any field changes", function () {
      const base = hashConsentReceipt(receipt);
      const variants: ConsentReceiptInput[] = [
        { ...INPUT, subject: "0x90F79bf6EB2c4f870365E785982E1f101E93b906" },
        {
          ...INPUT,
          controller: {
            address: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
            name: "City Transport Authority",
          },
        },
        { ...INPUT, controller: { address: GRANTEE, name: "City Transport Agency" } },
        { ...INPUT, controller: { address: GRANTEE } },
        { ...INPUT, purpose: "ImprovePublicServices" },
        { ...INPUT, personalDataCategories: ["Location", "TravelHistory"] },
        { ...INPUT, processing: ["Collect", "Aggregate"] },
        { ...INPUT, processing: undefined },
        { ...INPUT, legalBasis: "InformedConsent" },
        { ...INPUT, event: { type: "withdrawn", time: "2026-01-01T12:00:00.000Z" } },
        { ...INPUT, event: { time: "2026-01-01T12:00:01.000Z" } },
        { ...INPUT, validUntil: new Date("2027-01-01T00:00:01Z") },
        { ...INPUT, registry: { chainId: 1n, address: REGISTRY } },
        {
          ...INPUT,
          registry: { chainId: 11155111n, address: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" },
        },
        { ...INPUT, withdrawal: { method: "Ask the city's data desk." } },
        { ...INPUT, notice: { url: "https://city.example/consent/transport-v1", language: "en" } },
        { ...INPUT, recordId: "9b2f8e1c-2d0a-4c5e-8f3b-1a2b3c4d5e6f" },
      ];
      const hashes = variants.map((variant) => hashConsentReceipt(createConsentReceipt(variant)));
      for (const hash of hashes) expect(hash).to.not.equal(base);
      expect(new Set(hashes).size).to.equal(variants.length);
    });

    it("differs for two otherwise equal receipts with different salts", function () {
      const other = createConsentReceipt({ ...INPUT, salt: "0x" + "cd".repeat(32) });
      const { salt: _a, ...withoutSaltA } = receipt;
      const { salt: _b, ...withoutSaltB } = other;
      expect(withoutSaltA).to.deep.equal(withoutSaltB);
      expect(hashConsentReceipt(other)).to.not.equal(hashConsentReceipt(receipt));
    });
  });

  describe("parseConsentReceipt", function () {
    it("returns a valid receipt unchanged", function () {
      expect(parseConsentReceipt(JSON.parse(JSON.stringify(receipt)))).to.deep.equal(receipt);
    });

    it("refuses a bad address, saying which field and what is wrong", function () {
      const error = refusal(edited(receipt, ["subject", "address"], "0x1234"));
      expect(error.message).to.contain(
        'subject.address must be an account address (0x and 40 hex digits), got "0x1234"',
      );
      const lower = refusal(edited(receipt, ["controller", "address"], GRANTEE.toLowerCase()));
      expect(lower.message).to.contain(
        `controller.address must be written in checksummed form (EIP-55): ${getAddress(GRANTEE)}`,
      );
    });

    it("refuses an unknown purpose with a suggestion", function () {
      const error = refusal(
        edited(receipt, ["purposes"], ["https://w3id.org/dpv#ImproveTransportMobilty"]),
      );
      expect(error.message).to.contain("purposes[0] is not a known term");
      expect(error.message).to.contain('"https://w3id.org/dpv#ImproveTransportMobilty"');
      expect(error.message).to.contain('Did you mean "ImproveTransportMobility"?');
    });

    it("refuses a short name where a full IRI is needed", function () {
      const error = refusal(edited(receipt, ["purposes"], ["ImproveTransportMobility"]));
      expect(error.message).to.contain(
        'purposes[0] must be a full IRI: write "https://w3id.org/dpv#ImproveTransportMobility"',
      );
    });

    it("refuses several purposes", function () {
      const error = refusal(
        edited(
          receipt,
          ["purposes"],
          [...receipt.purposes, "https://w3id.org/dpv#ImprovePublicServices"],
        ),
      );
      expect(error.message).to.contain("purposes must list exactly one purpose");
      expect(error.message).to.contain("(got 2)");
    });

    it("refuses a receipt without salt, or with a zero salt", function () {
      const missing = refusal(edited(receipt, ["salt"], undefined));
      expect(missing.problems).to.deep.equal(["salt is missing"]);
      const zero = refusal(edited(receipt, ["salt"], "0x" + "00".repeat(32)));
      expect(zero.message).to.contain("salt must be random, not zero");
    });

    it("refuses validity in the wrong format", function () {
      const number = refusal(edited(receipt, ["validity", "validUntil"], 1798761600));
      expect(number.message).to.contain(
        "validity.validUntil must be a string, got number 1798761600",
      );
      const iso = refusal(edited(receipt, ["validity", "validUntilIso"], "2027-01-01"));
      expect(iso.message).to.contain(
        'validity.validUntilIso must be an ISO 8601 UTC date-time such as "2030-01-01T00:00:00.000Z", got string "2027-01-01"',
      );
      const mismatch = refusal(
        edited(receipt, ["validity", "validUntilIso"], "2027-01-02T00:00:00.000Z"),
      );
      expect(mismatch.message).to.contain(
        "validity.validUntilIso must be the same instant as validity.validUntil (1798761600 is 2027-01-01T00:00:00.000Z)",
      );
      const padded = refusal(edited(receipt, ["validity", "validUntil"], "01798761600"));
      expect(padded.message).to.contain(
        "validity.validUntil must be unix seconds written as a decimal string without leading zeros",
      );
    });

    it("refuses a validity or an event time that is not a number or a date at all", function () {
      const soon = refusal(edited(receipt, ["validity", "validUntil"], "soon"));
      expect(soon.problems).to.deep.equal([
        'validity.validUntil must be unix seconds written as a decimal string without leading zeros, e.g. "1893456000", got string "soon"',
      ]);
      const time = refusal(edited(receipt, ["event", "time"], "yesterday"));
      expect(time.problems).to.deep.equal([
        'event.time must be an ISO 8601 UTC date-time such as "2030-01-01T00:00:00.000Z", got string "yesterday"',
      ]);
    });

    it("refuses categories out of order or repeated", function () {
      const reversed = refusal(
        edited(receipt, ["personalDataCategories"], [...receipt.personalDataCategories].reverse()),
      );
      expect(reversed.message).to.contain("personalDataCategories[1] is out of order");
      const repeated = refusal(
        edited(
          receipt,
          ["personalDataCategories"],
          [receipt.personalDataCategories[0], ...receipt.personalDataCategories],
        ),
      );
      expect(repeated.message).to.contain("personalDataCategories[1] repeats");
    });

    it("refuses unknown fields, since the whole receipt is hashed", function () {
      const error = refusal(edited(receipt, ["subject", "email"], "jan@example.org"));
      expect(error.message).to.contain('subject has unknown field "email"');
    });

    it("lists every problem at once", function () {
      const error = refusal(
        edited(
          edited(edited(receipt, ["recordId"], "not-a-uuid"), ["event", "type"], "granted"),
          ["legalBasis"],
          "https://w3id.org/dpv#LegitimateInterest",
        ),
      );
      expect(error.problems).to.have.length(3);
      expect(error.message).to.contain("3 problems");
      expect(error.message).to.contain("recordId must be a UUID");
      expect(error.message).to.contain(
        'event.type must be "given" or "withdrawn", got string "granted"',
      );
      expect(error.message).to.contain("legalBasis must be one of https://w3id.org/dpv#Consent");
    });

    it("refuses text that is not JSON, and values that are not receipts", function () {
      expect(refusal("{not json").message).to.contain("is not valid JSON");
      expect(refusal(42).problems).to.deep.equal(["the receipt must be an object, got number 42"]);
    });
  });

  describe("receiptConsentTerms", function () {
    it("gives what the chain must match, with sorted category ids matching dpv.ts", function () {
      const terms = receiptConsentTerms(receipt);
      expect(terms.subject).to.equal(SUBJECT);
      expect(terms.grantee).to.equal(GRANTEE);
      expect(terms.purposeId).to.equal(purposeId("ImproveTransportMobility"));
      expect(terms.categoryIds).to.deep.equal(
        categoryIds(["VehicleUsage", "TravelHistory", "Location"]),
      );
      for (let i = 1; i < terms.categoryIds.length; i++) {
        expect(
          BigInt(terms.categoryIds[i] ?? "0x0") > BigInt(terms.categoryIds[i - 1] ?? "0x0"),
        ).to.equal(true);
      }
      expect(terms.validUntil).to.equal(1_798_761_600n);
      expect(terms.receiptHash).to.equal(hashConsentReceipt(receipt));
    });

    it("gives terms the ConsentRegistry accepts, recording the receipt's hash", async function () {
      const { ethers } = await network.create();
      const [citizen, authority] = await ethers.getSigners();
      if (!citizen || !authority) throw new Error("expected two test accounts");
      const registry = await ethers.deployContract("ConsentRegistry");
      const chain = await ethers.provider.getNetwork();
      const onChainReceipt = createConsentReceipt({
        ...INPUT,
        subject: citizen.address,
        controller: { address: authority.address, name: "City Transport Authority" },
        event: undefined,
        validUntil: BigInt((await ethers.provider.getBlock("latest"))?.timestamp ?? 0) + 86_400n,
        registry: { chainId: chain.chainId, address: await registry.getAddress() },
      });
      const t = receiptConsentTerms(onChainReceipt);
      await registry
        .connect(citizen)
        .grant(t.grantee, t.purposeId, [...t.categoryIds], t.validUntil, t.receiptHash);
      const [granted] = await registry.queryFilter(registry.filters.ConsentGranted());
      expect(granted?.args.subject).to.equal(t.subject);
      expect(granted?.args.receiptHash).to.equal(t.receiptHash);
      expect(granted?.args.categories).to.deep.equal([...t.categoryIds]);
      const location = categoryIds(["Location"])[0] ?? "0x";
      expect(await registry.isValid(t.subject, t.grantee, t.purposeId, location)).to.equal(true);
      expect(
        await registry.isValid(t.subject, t.grantee, t.purposeId, categoryIds(["Age"])[0] ?? "0x"),
      ).to.equal(false);
    });

    it("refuses an invalid receipt", function () {
      const broken = edited(receipt, ["purposes"], []) as ConsentReceipt;
      const error = thrown(() => receiptConsentTerms(broken));
      expect(error).to.be.instanceOf(InvalidReceiptError);
      expect(error.message).to.contain("purposes must list exactly one purpose");
    });
  });
});
