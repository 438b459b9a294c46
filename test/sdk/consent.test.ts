import { expect } from "chai";
import { network } from "hardhat";
import { Wallet, id, keccak256, toBeHex } from "ethers";
import { privateKeyToAccount } from "viem/accounts";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ConsentRegistry__factory } from "../../typechain-types/index.js";
import {
  CONSENT_ERROR_EXPLANATIONS,
  ConsentClient,
  ContractRevertError,
  InvalidInputError,
  UnknownTermError,
  consentTypedData,
  createConsentReceipt,
  dpvId,
  hashConsentReceipt,
  purposeId,
  categoryIds,
} from "../../sdk/index.js";
import { expectRejection } from "../helpers/expect.js";
import { expectEveryErrorExplained } from "../helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const now = async (): Promise<bigint> => BigInt(await time.latest());

type Hex = `0x${string}`;
const FAR_FUTURE = 2n ** 40n - 1n;
const RECEIPT = id("receipt") as Hex;
const UNTIL_2030 = 1_893_456_000n; // 2030-01-01T00:00:00Z

async function clientFixture() {
  const signers = await ethers.getSigners();
  if (signers.length < 5) throw new Error("the SDK tests need 5 accounts");
  type S = HardhatEthersSigner;
  const [citizen, city, operator, relayer, stranger] = signers as [S, S, S, S, S];
  const registry = await ethers.deployContract("ConsentRegistry");
  const address = await registry.getAddress();
  const consent = ConsentClient.connect(address, citizen);
  return { consent, registry, address, citizen, city, operator, relayer, stranger };
}

describe("ConsentClient", () => {
  describe("grant", () => {
    it("resolves DPV names and returns the decoded consent after the receipt", async () => {
      const { consent, registry, citizen, city } = await loadFixture(clientFixture);
      const granted = await consent.grant({
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["TravelHistory", "Location"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      });
      expect(granted.consentId).to.equal(
        await registry.consentIdOf(
          citizen.address,
          city.address,
          dpvId("https://w3id.org/dpv#ResearchAndDevelopment"),
        ),
      );
      expect(granted.purpose).to.equal(id("https://w3id.org/dpv#ResearchAndDevelopment"));
      expect(granted.categories).to.deep.equal(categoryIds(["Location", "TravelHistory"]));
      expect(granted).to.include({
        subject: citizen.address,
        via: "subject",
        nonce: 1n,
        receiptHash: RECEIPT,
      });
      expect(granted.gasUsed).to.be.greaterThan(0n);
      expect(granted.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("accepts bytes32 ids and IRIs as well as names", async () => {
      const { consent, city, citizen } = await loadFixture(clientFixture);
      await consent.grant({
        grantee: city.address,
        purpose: purposeId("ResearchAndDevelopment"),
        categories: ["https://w3id.org/dpv/pd#Location"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      });
      expect(
        await consent.isValid({
          subject: citizen.address,
          grantee: city.address,
          purpose: "dpv:ResearchAndDevelopment",
          category: "pd:Location",
        }),
      ).to.equal(true);
    });

    it("refuses an unknown purpose before sending anything", async () => {
      const { consent, city, citizen } = await loadFixture(clientFixture);
      const before = await ethers.provider.getTransactionCount(citizen.address);
      let caught: unknown;
      try {
        await consent.grant({
          grantee: city.address,
          purpose: "ResearchAndDevelopmnt",
          categories: ["Location"],
          validUntil: FAR_FUTURE,
          receiptHash: RECEIPT,
        });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(UnknownTermError);
      expect((caught as Error).message)
        .to.contain("ResearchAndDevelopmnt")
        .and.to.contain("ResearchAndDevelopment");
      expect(await ethers.provider.getTransactionCount(citizen.address)).to.equal(before);
    });

    it("refuses a category listed twice under two spellings", async () => {
      const { consent, city } = await loadFixture(clientFixture);
      await expectRejection(
        consent.grant({
          grantee: city.address,
          purpose: "ResearchAndDevelopment",
          categories: ["Location", "pd:Location"],
          validUntil: FAR_FUTURE,
          receiptHash: RECEIPT,
        }),
        InvalidInputError,
        "listed twice",
      );
    });

    it("refuses a malformed grantee, receipt hash or expiry with a message naming the field", async () => {
      const { consent, city } = await loadFixture(clientFixture);
      const base = {
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["Location"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      };
      await expectRejection(
        consent.grant({ ...base, grantee: "0x1234" }),
        InvalidInputError,
        "grantee",
      );
      await expectRejection(
        consent.grant({ ...base, receiptHash: "0xabc" }),
        InvalidInputError,
        "receiptHash",
      );
      await expectRejection(
        consent.grant({ ...base, validUntil: 2n ** 64n }),
        InvalidInputError,
        "validUntil",
      );
      await expectRejection(
        consent.grant({ ...base, categories: [] }),
        InvalidInputError,
        "at least one",
      );
    });

    it("turns a contract refusal into a ContractRevertError with the error's name, arguments and an explanation", async () => {
      const { consent, city } = await loadFixture(clientFixture);
      const error = await expectRejection(
        consent.grant({
          grantee: city.address,
          purpose: "ResearchAndDevelopment",
          categories: ["Location"],
          validUntil: 1n,
          receiptHash: RECEIPT,
        }),
        ContractRevertError,
        "ConsentRegistryExpiryInPast",
      );
      expect(error.errorName).to.equal("ConsentRegistryExpiryInPast");
      expect(error.args.validUntil).to.equal(1n);
      expect(error.contractName).to.equal("ConsentRegistry");
      expect(error.shortMessage).to.contain("validUntil must not be before the current block time");
    });

    it("explains every error the registry can raise", () => {
      const errors = expectEveryErrorExplained(
        ConsentRegistry__factory.abi,
        CONSENT_ERROR_EXPLANATIONS,
      );
      expect(errors.length).to.be.greaterThan(15);
    });
  });

  describe("signed requests", () => {
    it("signs a grant with the citizen's key and lets the operator relay it", async () => {
      const { consent, citizen, city, operator } = await loadFixture(clientFixture);
      const signed = await consent.signGrant(citizen, {
        grantee: city.address,
        purpose: "PublicBenefit",
        categories: ["Location"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      });
      const granted = await consent.withRunner(operator).grantBySig(signed);
      expect(granted).to.include({
        subject: citizen.address,
        actor: operator.address,
        via: "signature",
      });
      const error = await expectRejection(
        consent.withRunner(operator).grantBySig(signed),
        ContractRevertError,
        "InvalidNonce",
      );
      expect(error.args).to.include({ expected: 1n, given: 0n });
    });

    it("accepts a request signed with viem's signTypedData", async () => {
      const { consent, city, relayer } = await loadFixture(clientFixture);
      const key = keccak256(toBeHex(42, 32)) as Hex;
      const account = privateKeyToAccount(key);
      const typed = consentTypedData(await consent.domain(), "GrantRequest", {
        subject: account.address,
        grantee: city.address as Hex,
        purpose: purposeId("ResearchAndDevelopment"),
        categories: categoryIds(["Age", "Location"]),
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
        nonce: 0n,
        epoch: 0,
        deadline: (await now()) + 600n,
      });
      const signature = await account.signTypedData(typed);
      const granted = await consent
        .withRunner(relayer)
        .grantBySig({ request: typed.message, signature });
      expect(granted.subject).to.equal(account.address);
      expect(
        await consent.isValid({
          subject: account.address,
          grantee: city.address,
          purpose: "ResearchAndDevelopment",
          category: "Age",
        }),
      ).to.equal(true);
    });

    it("withdraws, withdraws all and appoints an operator by signature", async () => {
      const { consent, citizen, city, operator, relayer } = await loadFixture(clientFixture);
      await consent.grant({
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["Location"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      });
      const relay = consent.withRunner(relayer);
      const withdrawn = await relay.withdrawBySig(
        await consent.signWithdraw(citizen, {
          grantee: city.address,
          purpose: "ResearchAndDevelopment",
        }),
      );
      expect(withdrawn).to.include({ via: "signature", nonce: 2n, actor: relayer.address });
      const all = await relay.withdrawAllBySig(await consent.signWithdrawAll(citizen));
      expect(all).to.include({ subject: citizen.address, epoch: 1, via: "signature" });
      const appointed = await relay.setOperatorBySig(
        await consent.signSetOperator(citizen, { operator: operator.address }),
      );
      expect(appointed).to.include({ operator: operator.address, via: "signature" });
      expect((await consent.getSubject({ subject: citizen.address })).operator).to.equal(
        operator.address,
      );
    });

    it("signs grants in the subject's current epoch: one signed before a withdraw-all is refused, a new one works", async () => {
      const { consent, citizen, city, relayer } = await loadFixture(clientFixture);
      const params = {
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["Location"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      };
      const early = await consent.signGrant(citizen, params);
      await consent.withdrawAll({ subject: citizen.address });
      const error = await expectRejection(
        consent.withRunner(relayer).grantBySig(early),
        ContractRevertError,
        "StaleEpoch",
      );
      expect(error.shortMessage).to.contain("withdrew all its consents after signing");
      const fresh = await consent.signGrant(citizen, params);
      expect(fresh.request.epoch).to.equal(1);
      expect(await consent.withRunner(relayer).grantBySig(fresh)).to.include({ via: "signature" });
    });

    it("refuses a deadline that is not a positive unix time", async () => {
      const { consent, citizen } = await loadFixture(clientFixture);
      await expectRejection(
        consent.signWithdrawAll(citizen, { deadline: 0n }),
        InvalidInputError,
        "deadline must be a unix time in seconds, in the future",
      );
      for (const deadline of [-1n, 1.5, 2n ** 256n]) {
        await expectRejection(
          consent.signWithdrawAll(citizen, { deadline }),
          InvalidInputError,
          "deadline must be a unix time in seconds below 2^256",
        );
      }
    });

    it("reports an expired signature as ContractRevertError naming the deadline", async () => {
      const { consent, citizen, relayer } = await loadFixture(clientFixture);
      const deadline = (await now()) + 5n;
      const signed = await consent.signWithdrawAll(citizen, { deadline });
      await time.increaseTo(deadline + 1n);
      const error = await expectRejection(
        consent.withRunner(relayer).withdrawAllBySig(signed),
        ContractRevertError,
        "ExpiredSignature",
      );
      expect(error.args.deadline).to.equal(deadline);
    });
  });

  describe("operators and withdrawals", () => {
    it("lets an appointed operator withdraw, and reports who acted", async () => {
      const { consent, citizen, city, operator } = await loadFixture(clientFixture);
      await consent.setOperator({ operator: operator.address });
      await consent.grant({
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["Location"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      });
      const withdrawn = await consent.withRunner(operator).withdraw({
        subject: citizen.address,
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
      });
      expect(withdrawn).to.include({ via: "operator", actor: operator.address });
      const state = await consent.getConsent({
        subject: citizen.address,
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
      });
      expect(state).to.include({ active: false, inForce: false, nonce: 2n });
    });

    it("removes the operator with null, after which it is refused", async () => {
      const { consent, citizen, city, operator } = await loadFixture(clientFixture);
      await consent.setOperator({ operator: operator.address });
      const removed = await consent.setOperator({ operator: null });
      expect(removed).to.include({
        previousOperator: operator.address,
        operator: ethers.ZeroAddress,
      });
      await consent.grant({
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["Location"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      });
      const error = await expectRejection(
        consent.withRunner(operator).withdraw({
          subject: citizen.address,
          grantee: city.address,
          purpose: "ResearchAndDevelopment",
        }),
        ContractRevertError,
        "Unauthorized",
      );
      expect(error.args).to.include({ caller: operator.address, subject: citizen.address });
    });

    it("reports nothing to withdraw with the consent's id", async () => {
      const { consent, registry, citizen, city } = await loadFixture(clientFixture);
      const error = await expectRejection(
        consent.withdraw({
          subject: citizen.address,
          grantee: city.address,
          purpose: "ResearchAndDevelopment",
        }),
        ContractRevertError,
        "NothingToWithdraw",
      );
      expect(error.args.consentId).to.equal(
        await registry.consentIdOf(
          citizen.address,
          city.address,
          purposeId("ResearchAndDevelopment"),
        ),
      );
    });

    it("voids everything with withdrawAll and reports the new epoch", async () => {
      const { consent, citizen, city } = await loadFixture(clientFixture);
      for (const purpose of ["ResearchAndDevelopment", "PublicBenefit"]) {
        await consent.grant({
          grantee: city.address,
          purpose,
          categories: ["Location"],
          validUntil: FAR_FUTURE,
          receiptHash: RECEIPT,
        });
      }
      const { epoch } = await consent.withdrawAll({ subject: citizen.address });
      expect(epoch).to.equal(1);
      const state = await consent.getConsent({
        subject: citizen.address,
        grantee: city.address,
        purpose: "PublicBenefit",
      });
      expect(state).to.include({ active: true, inForce: false, epoch: 0 });
    });
  });

  describe("reads", () => {
    it("returns a consent's categories and whether it is in force", async () => {
      const { consent, citizen, city } = await loadFixture(clientFixture);
      const validUntil = (await now()) + 100n;
      await consent.grant({
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["Location", "Age"],
        validUntil,
        receiptHash: RECEIPT,
      });
      const state = await consent.getConsent({
        subject: citizen.address,
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
      });
      expect(state.categories).to.deep.equal(categoryIds(["Age", "Location"]));
      expect(state.inForce).to.equal(true);
      await time.increaseTo(validUntil + 1n);
      expect(
        (
          await consent.getConsent({
            subject: citizen.address,
            grantee: city.address,
            purpose: "ResearchAndDevelopment",
          })
        ).inForce,
      ).to.equal(false);
    });

    it("checks a cohort in chunks and agrees with single checks", async () => {
      const { consent, city, relayer } = await loadFixture(clientFixture);
      const wallets = Array.from(
        { length: 23 },
        (_, i) => new Wallet(keccak256(toBeHex(1_000 + i, 32))),
      );
      for (const [i, wallet] of wallets.entries()) {
        if (i % 3 === 0) continue;
        const signed = await consent.signGrant(wallet, {
          grantee: city.address,
          purpose: "ResearchAndDevelopment",
          categories: ["Location"],
          validUntil: FAR_FUTURE,
          receiptHash: RECEIPT,
        });
        await consent.withRunner(relayer).grantBySig(signed);
      }
      const subjects = wallets.map((w) => w.address);
      const query = {
        subjects,
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        category: "Location",
      };
      const chunked = await consent.isValidBatch({ ...query, chunkSize: 5 });
      expect(chunked).to.deep.equal(await consent.isValidBatch(query));
      expect(chunked).to.deep.equal(wallets.map((_, i) => i % 3 !== 0));
      await expectRejection(
        consent.isValidBatch({ ...query, chunkSize: 0 }),
        InvalidInputError,
        "chunkSize",
      );
      await expectRejection(
        consent.isValidBatch({ ...query, subjects: ["nope"] }),
        InvalidInputError,
        "subjects[0]",
      );
    });

    it("checks a whole category set in one call, by category names", async () => {
      const { consent, city, relayer } = await loadFixture(clientFixture);
      const wallet = new Wallet(keccak256(toBeHex(2_000, 32)));
      const signed = await consent.signGrant(wallet, {
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["Location", "Age"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      });
      await consent.withRunner(relayer).grantBySig(signed);
      const query = {
        subject: wallet.address,
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
      };
      // An unregistered set is covered by nothing, even when the consent holds each of its categories.
      expect(await consent.isValidForSet({ ...query, categories: ["Location"] })).to.equal(false);
      await consent.withRunner(relayer).registerCategorySet({ categories: ["Location"] });
      expect(await consent.isValidForSet({ ...query, categories: ["Location"] })).to.equal(true);
      expect(await consent.isValidForSet({ ...query, categories: ["Age", "Location"] })).to.equal(
        true,
      );
      await consent
        .withRunner(relayer)
        .registerCategorySet({ categories: ["Location", "TravelHistory"] });
      expect(
        await consent.isValidForSet({ ...query, categories: ["Location", "TravelHistory"] }),
      ).to.equal(false);
      await expectRejection(
        consent.isValidForSet({ ...query, categories: ["Locaton"] }),
        InvalidInputError,
        "Location",
      );
    });

    it("relays a batch of signed grants in one transaction, all or nothing", async () => {
      const { consent, city, relayer } = await loadFixture(clientFixture);
      const wallets = [1, 2, 3].map((i) => new Wallet(keccak256(toBeHex(3_000 + i, 32))));
      const sign = (wallet: Wallet) =>
        consent.signGrant(wallet, {
          grantee: city.address,
          purpose: "ResearchAndDevelopment",
          categories: ["Location"],
          validUntil: FAR_FUTURE,
          receiptHash: RECEIPT,
        });
      const batch = await Promise.all(wallets.slice(0, 2).map(sign));
      const granted = await consent.withRunner(relayer).grantBatchBySig(batch);
      expect(granted.map((g) => g.subject)).to.deep.equal(
        wallets.slice(0, 2).map((w) => w.address),
      );
      expect(new Set(granted.map((g) => g.transactionHash)).size).to.equal(1);
      // A request already relayed makes the whole batch revert with its error: the third citizen is not granted.
      const refused = await expectRejection(
        consent.withRunner(relayer).grantBatchBySig([await sign(wallets[2]!), batch[0]!]),
        ContractRevertError,
        "ConsentRegistryInvalidNonce",
      );
      expect(refused.contractName).to.equal("ConsentRegistry");
      const query = {
        grantee: city.address,
        purpose: "ResearchAndDevelopment",
        category: "Location",
      };
      expect(await consent.isValid({ ...query, subject: wallets[2]!.address })).to.equal(false);
      await expectRejection(consent.grantBatchBySig([]), InvalidInputError, "at least one");
    });

    it("registers a category set once and returns the existing id after", async () => {
      const { consent } = await loadFixture(clientFixture);
      const first = await consent.registerCategorySet({ categories: ["Location", "Age"] });
      expect(await consent.registerCategorySet({ categories: ["Age", "Location"] })).to.equal(
        first,
      );
      expect(first).to.equal(1);
    });

    it("refuses to connect to something that is not an address", () => {
      expect(() => ConsentClient.connect("registry", ethers.provider)).to.throw(
        InvalidInputError,
        "registry address",
      );
    });
  });

  describe("verifyReceipt", () => {
    async function receiptFixture() {
      const f = await clientFixture();
      const { chainId } = await ethers.provider.getNetwork();
      const receipt = createConsentReceipt({
        subject: f.citizen.address,
        controller: { address: f.city.address, name: "City Mobility Department" },
        purpose: "ResearchAndDevelopment",
        personalDataCategories: ["Location", "TravelHistory"],
        validUntil: UNTIL_2030,
        registry: { chainId, address: f.address },
      });
      return { ...f, receipt };
    }

    async function grantFromReceipt(f: Awaited<ReturnType<typeof receiptFixture>>) {
      await f.consent.grant({
        grantee: f.city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["TravelHistory", "Location"],
        validUntil: UNTIL_2030,
        receiptHash: hashConsentReceipt(f.receipt),
      });
    }

    it("confirms a receipt whose consent is on chain and in force", async () => {
      const f = await loadFixture(receiptFixture);
      await grantFromReceipt(f);
      const check = await f.consent.verifyReceipt(f.receipt);
      expect(check).to.deep.include({ valid: true, problems: [] });
      expect(check.receiptHash).to.equal(hashConsentReceipt(f.receipt));
    });

    it("reports a receipt with no grant on chain", async () => {
      const f = await loadFixture(receiptFixture);
      const check = await f.consent.verifyReceipt(f.receipt);
      expect(check.valid).to.equal(false);
      expect(check.problems).to.deep.equal(["No grant of this consent is recorded on chain."]);
    });

    it("reports an altered receipt", async () => {
      const f = await loadFixture(receiptFixture);
      await grantFromReceipt(f);
      const altered = {
        ...f.receipt,
        controller: { ...f.receipt.controller, name: "Someone Else" },
      };
      const check = await f.consent.verifyReceipt(altered);
      expect(check.valid).to.equal(false);
      expect(check.problems.join(" ")).to.contain("another receipt hash");
    });

    it("reports a withdrawn consent", async () => {
      const f = await loadFixture(receiptFixture);
      await grantFromReceipt(f);
      await f.consent.withdraw({
        subject: f.citizen.address,
        grantee: f.city.address,
        purpose: "ResearchAndDevelopment",
      });
      const check = await f.consent.verifyReceipt(f.receipt);
      expect(check.problems).to.deep.equal(["The consent has been withdrawn."]);
    });

    it("reports a consent voided by withdraw-all", async () => {
      const f = await loadFixture(receiptFixture);
      await grantFromReceipt(f);
      await f.consent.withdrawAll({ subject: f.citizen.address });
      const check = await f.consent.verifyReceipt(f.receipt);
      expect(check.problems).to.deep.equal([
        "The subject has withdrawn all its consents since this grant.",
      ]);
    });

    it("reports a receipt replaced by a later grant", async () => {
      const f = await loadFixture(receiptFixture);
      await grantFromReceipt(f);
      await f.consent.grant({
        grantee: f.city.address,
        purpose: "ResearchAndDevelopment",
        categories: ["Location"],
        validUntil: FAR_FUTURE,
        receiptHash: RECEIPT,
      });
      const check = await f.consent.verifyReceipt(f.receipt);
      expect(check.problems.join(" ")).to.contain("earlier grant that a later grant replaced");
    });

    it("reports a receipt that names another registry", async () => {
      const f = await loadFixture(receiptFixture);
      await grantFromReceipt(f);
      const other = await ethers.deployContract("ConsentRegistry");
      const check = await ConsentClient.connect(await other.getAddress(), f.citizen).verifyReceipt(
        f.receipt,
      );
      expect(check.valid).to.equal(false);
      expect(check.problems[0]).to.contain("names registry");
    });
  });
});
