import { expect } from "chai";
import { network } from "hardhat";
import { Wallet, id } from "ethers";
import {
  ConsentClient,
  InvalidInputError,
  parseSignedRequest,
  recoverRequestSigner,
  signedRequestToJson,
} from "../../sdk/index.js";
import { thrown } from "../helpers/expect.js";

const { ethers, networkHelpers } = await network.create();

type Hex = `0x${string}`;
const RECEIPT = id("receipt") as Hex;

async function fixture() {
  const [relayer, grantee] = await ethers.getSigners();
  const registry = await ethers.deployContract("ConsentRegistry", []);
  const consent = ConsentClient.connect(await registry.getAddress(), relayer!);
  const citizen = Wallet.createRandom();
  const domain = await consent.domain();
  const validUntil = BigInt(await networkHelpers.time.latest()) + 86_400n;
  const grant = await consent.signGrant(citizen, {
    grantee: grantee!.address,
    purpose: "ResearchAndDevelopment",
    categories: ["Location", "Age"],
    validUntil,
    receiptHash: RECEIPT,
  });
  return { consent, citizen, domain, grantee: grantee!, grant };
}

/** The JSON object of a signed grant, to alter in a test. */
async function grantObject(): Promise<Record<string, Record<string, unknown> | unknown>> {
  const { domain, grant } = await networkHelpers.loadFixture(fixture);
  return JSON.parse(signedRequestToJson(domain, "GrantRequest", grant)) as Record<string, unknown>;
}

describe("SDK signed requests as JSON", () => {
  it("writes numbers as decimal strings and names the domain it was signed for", async () => {
    const { domain, grant } = await networkHelpers.loadFixture(fixture);
    const json = JSON.parse(signedRequestToJson(domain, "GrantRequest", grant)) as {
      type: string;
      domain: { chainId: string; verifyingContract: string };
      request: { validUntil: string; deadline: string; epoch: number };
    };
    expect(json.type).to.equal("GrantRequest");
    expect(json.domain.chainId).to.equal(domain.chainId.toString());
    expect(json.domain.verifyingContract).to.equal(domain.verifyingContract);
    expect(json.request.validUntil).to.equal(grant.request.validUntil.toString());
    expect(json.request.deadline).to.equal(grant.request.deadline.toString());
    expect(json.request.epoch).to.equal(0);
  });

  it("reads a grant back as the SDK produced it, and the registry accepts it", async () => {
    const { consent, citizen, domain, grant, grantee } = await networkHelpers.loadFixture(fixture);
    const parsed = parseSignedRequest(signedRequestToJson(domain, "GrantRequest", grant));
    expect(parsed.primaryType).to.equal("GrantRequest");
    expect(parsed.domain).to.deep.equal(domain);
    expect(parsed.signed).to.deep.equal({ ...grant, request: { ...grant.request } });
    expect(recoverRequestSigner(parsed)).to.equal(citizen.address);
    if (parsed.primaryType !== "GrantRequest") throw new Error("unreachable");
    const granted = await consent.grantBySig(parsed.signed);
    expect(granted.subject).to.equal(citizen.address);
    expect(granted.grantee).to.equal(grantee.address);
    expect(granted.via).to.equal("signature");
  });

  it("reads withdraw, withdraw-all and operator requests back, each relayed by the registry", async () => {
    const { consent, citizen, domain, grant, grantee } = await networkHelpers.loadFixture(fixture);
    await consent.grantBySig(grant);
    const withdraw = parseSignedRequest(
      signedRequestToJson(
        domain,
        "WithdrawRequest",
        await consent.signWithdraw(citizen, {
          grantee: grantee.address,
          purpose: "ResearchAndDevelopment",
        }),
      ),
    );
    if (withdraw.primaryType !== "WithdrawRequest") throw new Error("expected a WithdrawRequest");
    expect(recoverRequestSigner(withdraw)).to.equal(citizen.address);
    expect((await consent.withdrawBySig(withdraw.signed)).subject).to.equal(citizen.address);

    const operator = parseSignedRequest(
      signedRequestToJson(
        domain,
        "SetOperatorRequest",
        await consent.signSetOperator(citizen, { operator: grantee.address }),
      ),
    );
    if (operator.primaryType !== "SetOperatorRequest")
      throw new Error("expected an operator request");
    expect(recoverRequestSigner(operator)).to.equal(citizen.address);
    expect((await consent.setOperatorBySig(operator.signed)).operator).to.equal(grantee.address);

    const all = parseSignedRequest(
      signedRequestToJson(domain, "WithdrawAllRequest", await consent.signWithdrawAll(citizen)),
    );
    if (all.primaryType !== "WithdrawAllRequest") throw new Error("expected a WithdrawAllRequest");
    expect(recoverRequestSigner(all)).to.equal(citizen.address);
    expect((await consent.withdrawAllBySig(all.signed)).epoch).to.equal(1);
  });

  it("recovers another signer when someone else signed for the subject", async () => {
    const { consent, citizen, domain, grantee } = await networkHelpers.loadFixture(fixture);
    const impostor = Wallet.createRandom();
    const forged = await consent.signWithdraw(impostor, {
      subject: citizen.address,
      grantee: grantee.address,
      purpose: "ResearchAndDevelopment",
    });
    const parsed = parseSignedRequest(signedRequestToJson(domain, "WithdrawRequest", forged));
    expect(recoverRequestSigner(parsed)).to.equal(impostor.address);
  });

  describe("refusals, each naming the field", () => {
    it("text that is not JSON", () => {
      const error = thrown(() => parseSignedRequest("{", "grant.json"));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain("grant.json is not valid JSON");
    });

    it("an unknown request type", async () => {
      const json = { ...(await grantObject()), type: "GrantAll" };
      const error = thrown(() => parseSignedRequest(json));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain(
        'type must be one of "GrantRequest", "WithdrawRequest", "WithdrawAllRequest", "SetOperatorRequest", got "GrantAll"',
      );
    });

    it("numbers that are not whole decimal strings, or out of range", async () => {
      const json = await grantObject();
      const request = json.request as Record<string, unknown>;
      request.validUntil = "1.5";
      request.nonce = "-1";
      request.deadline = (2n ** 256n).toString();
      const error = thrown(() => parseSignedRequest(json, "grant.json"));
      expect(error.message).to.contain("Problems in grant.json");
      expect(error.message).to.contain(
        "request.validUntil must be a non-negative whole number below 2^64",
      );
      expect(error.message).to.contain("request.nonce must be");
      expect(error.message).to.contain(
        "request.deadline must be a non-negative whole number below 2^256",
      );
    });

    it("a missing field, an extra field, a wrong checksum and a short signature", async () => {
      const json = await grantObject();
      const request = json.request as Record<string, unknown>;
      delete request.receiptHash;
      request.colour = "blue";
      request.grantee = (request.grantee as string).replace(/[a-f]/, (c) => c.toUpperCase());
      json.signature = "0x1234";
      const error = thrown(() => parseSignedRequest(json));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain("request.receiptHash is missing");
      expect(error.message).to.contain('request has unknown field "colour"');
      expect(error.message).to.contain("has a wrong EIP-55 checksum");
      expect(error.message).to.contain("signature must be a 65-byte signature");
    });

    it("a grant without categories and a zero registry address", async () => {
      const json = await grantObject();
      (json.request as Record<string, unknown>).categories = [];
      (json.domain as Record<string, unknown>).verifyingContract =
        "0x0000000000000000000000000000000000000000";
      const error = thrown(() => parseSignedRequest(json));
      expect(error.message).to.contain("request.categories must list at least one category");
      expect(error.message).to.contain("domain.verifyingContract must not be the zero address");
    });
  });
});
