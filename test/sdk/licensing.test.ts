import { expect } from "chai";
import { network } from "hardhat";
import { TypedDataEncoder, Wallet, id, keccak256, toBeHex } from "ethers";
import { privateKeyToAccount } from "viem/accounts";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { DataLicensing__factory } from "../../typechain-types/index.js";
import {
  ContractRevertError,
  InvalidInputError,
  LICENSING_ERROR_EXPLANATIONS,
  LicensingClient,
  OFFER_TYPES,
  PERPETUAL,
  UnknownTermError,
  computeLicenceId,
  offerTypedData,
  purposeId,
  type Offer,
  type Sale,
} from "../../sdk/index.js";
import { expectRejection } from "../helpers/expect.js";
import { expectEveryErrorExplained } from "../helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const now = async (): Promise<bigint> => BigInt(await time.latest());

type Hex = `0x${string}`;
const UNIT = 10n ** 18n;
const DAY = 86_400n;
const PLATFORM_FEE_BPS = 250n;
const TERMS = id("terms v1") as Hex;
const TERMS_2 = id("terms v2") as Hex;
const EVIDENCE = id("audit report") as Hex;
const SUBSCRIPTION_PRICE = 1_000n * UNIT;
const ONE_PERIOD_PRICE = 500n * UNIT;
const NATIVE_PRICE = UNIT / 10n;
const R_AND_D = "ResearchAndDevelopment";
const MOBILITY = "ImproveTransportMobility";

async function licensingFixture() {
  const signers = await ethers.getSigners();
  if (signers.length < 9) throw new Error("the licensing SDK tests need 9 accounts");
  type S = HardhatEthersSigner;
  const [owner, treasury, provider, city, pool, buyer, buyer2, arbiter, stranger] = signers as [
    S,
    S,
    S,
    S,
    S,
    S,
    S,
    S,
    S,
  ];
  const contract = await ethers.deployContract("DataLicensing", [
    owner.address,
    treasury.address,
    PLATFORM_FEE_BPS,
  ]);
  const token = await ethers.deployContract("MockERC20", ["Euro Coin", "EURC"]);
  const address = await contract.getAddress();
  const tokenAddress = (await token.getAddress()) as Hex;
  for (const holder of [buyer, buyer2, provider]) await token.mint(holder.address, 10_000n * UNIT);

  const licensing = LicensingClient.connect(address, provider);
  const as = (signer: S): LicensingClient => licensing.withRunner(signer);
  const partiesId = await licensing.registerParties({
    city: city.address,
    contributors: pool.address,
  });
  const common = {
    partiesId,
    cityBps: 2_000,
    providerBps: 3_000,
    consentGrantee: provider.address,
    termsHash: TERMS,
  };
  const subscription = await licensing.publish({
    ...common,
    token: tokenAddress,
    price: SUBSCRIPTION_PRICE,
    period: 30n * DAY,
    renewable: true,
    purposes: [R_AND_D, `dpv:${MOBILITY}`],
    metadataURI: "ipfs://subscription",
  });
  const onePeriod = await licensing.publish({
    ...common,
    token: tokenAddress,
    price: ONE_PERIOD_PRICE,
    period: 90n * DAY,
    renewable: false,
    purposes: [R_AND_D],
    metadataURI: "ipfs://one-period",
  });
  const perpetual = await licensing.publish({
    ...common,
    token: "native",
    price: NATIVE_PRICE,
    period: 0n,
    renewable: false,
    purposes: [purposeId("AcademicResearch"), "https://w3id.org/dpv#ResearchAndDevelopment"],
    metadataURI: "ipfs://perpetual",
  });
  return {
    contract,
    token,
    tokenAddress,
    address,
    licensing,
    as,
    partiesId,
    subscriptionId: subscription.productId,
    onePeriodId: onePeriod.productId,
    perpetualId: perpetual.productId,
    owner,
    treasury,
    provider,
    city,
    pool,
    buyer,
    buyer2,
    arbiter,
    stranger,
  };
}

/** The sale split as the contract computes it for a first sale of a product (running totals start at 0). */
function expectedSale(price: bigint, feeBps: bigint, cityBps = 2_000n, providerBps = 3_000n): Sale {
  const platformFee = (price * feeBps) / 10_000n;
  const net = price - platformFee;
  return {
    price,
    platformFee,
    cityShare: (net * cityBps) / 10_000n,
    providerShare: (net * providerBps) / 10_000n,
    contributorsShare: (net * (10_000n - cityBps - providerBps)) / 10_000n,
  };
}

function sumSales(sales: readonly Sale[]): Sale {
  const total: Sale = {
    price: 0n,
    platformFee: 0n,
    cityShare: 0n,
    providerShare: 0n,
    contributorsShare: 0n,
  };
  for (const s of sales) {
    total.price += s.price;
    total.platformFee += s.platformFee;
    total.cityShare += s.cityShare;
    total.providerShare += s.providerShare;
    total.contributorsShare += s.contributorsShare;
  }
  return total;
}

async function nonceOf(account: { address: string }): Promise<number> {
  return ethers.provider.getTransactionCount(account.address);
}

async function feeOf(transactionHash: string): Promise<bigint> {
  const receipt = await ethers.provider.getTransactionReceipt(transactionHash);
  if (!receipt) throw new Error("no receipt");
  return receipt.fee;
}

describe("LicensingClient", () => {
  describe("provider side", () => {
    it("registers parties once: the same parties again return the id without a transaction", async () => {
      const { licensing, contract, provider, city, pool, stranger, partiesId } =
        await loadFixture(licensingFixture);
      expect(partiesId).to.equal(1);
      const before = await nonceOf(provider);
      expect(
        await licensing.registerParties({ city: city.address, contributors: pool.address }),
      ).to.equal(1);
      expect(await nonceOf(provider)).to.equal(before);
      const other = await licensing.registerParties({
        city: stranger.address,
        contributors: pool.address,
      });
      expect(other).to.equal(2);
      expect(await nonceOf(provider)).to.equal(before + 1);
      expect((await contract.getParties(2)).city).to.equal(stranger.address);
    });

    it("publishes a product and returns the decoded ProductPublished event", async () => {
      const { licensing, provider, partiesId, tokenAddress } = await loadFixture(licensingFixture);
      const published = await licensing.publish({
        partiesId,
        token: tokenAddress,
        price: 42n,
        period: 7n * DAY,
        renewable: true,
        cityBps: 1_000,
        providerBps: 500,
        purposes: ["PublicBenefit", "dpv:AcademicResearch"],
        consentGrantee: provider.address,
        metadataURI: "ipfs://new",
        termsHash: TERMS,
      });
      expect(published).to.deep.include({
        productId: 4n,
        provider: provider.address,
        partiesId,
        token: tokenAddress,
        price: 42n,
        period: 7n * DAY,
        termsVersion: 1,
        cityBps: 1_000,
        providerBps: 500,
        renewable: true,
        paused: false,
        consentGrantee: provider.address,
        metadataURI: "ipfs://new",
        termsHash: TERMS,
      });
      expect(published.purposes).to.deep.equal([
        purposeId("PublicBenefit"),
        purposeId("AcademicResearch"),
      ]);
      expect(published.gasUsed).to.be.greaterThan(0n);
      expect(published.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("reads a product with its parties and the terms its events record", async () => {
      const { licensing, perpetualId, provider, city, pool, partiesId } =
        await loadFixture(licensingFixture);
      const product = await licensing.getProduct(perpetualId);
      expect(product).to.deep.include({
        productId: perpetualId,
        token: "native",
        price: NATIVE_PRICE,
        period: 0n,
        renewable: false,
        paused: false,
        termsVersion: 1,
        partiesId,
        consentGrantee: provider.address,
        metadataURI: "ipfs://perpetual",
        termsHash: TERMS,
        arbiter: null,
      });
      expect(product.parties).to.deep.equal({
        provider: provider.address,
        city: city.address,
        contributors: pool.address,
      });
      expect(product.purposes).to.deep.equal([purposeId("AcademicResearch"), purposeId(R_AND_D)]);
    });

    it("updates only the terms given; licences sold before keep their version", async () => {
      const { licensing, as, contract, buyer, subscriptionId } =
        await loadFixture(licensingFixture);
      await as(buyer).buy({
        productId: subscriptionId,
        purpose: R_AND_D,
        maxPrice: SUBSCRIPTION_PRICE,
        approve: true,
      });
      const updated = await licensing.updateTerms({
        productId: subscriptionId,
        price: 1_200n * UNIT,
        allowPurposes: ["AcademicResearch"],
        disallowPurposes: [MOBILITY],
        termsHash: TERMS_2,
      });
      expect(updated).to.deep.include({
        productId: subscriptionId,
        termsVersion: 2,
        price: 1_200n * UNIT,
        period: 30n * DAY,
        renewable: true,
        metadataURI: "ipfs://subscription",
        termsHash: TERMS_2,
        allowedPurposes: [purposeId("AcademicResearch")],
        disallowedPurposes: [purposeId(MOBILITY)],
      });
      const product = await licensing.getProduct(subscriptionId);
      expect(product).to.deep.include({
        termsVersion: 2,
        price: 1_200n * UNIT,
        termsHash: TERMS_2,
      });
      expect(product.purposes).to.have.members([purposeId(R_AND_D), purposeId("AcademicResearch")]);
      expect(await contract.isPurposeAllowed(subscriptionId, purposeId(MOBILITY))).to.equal(false);
      const licence = await licensing.getLicence({
        productId: subscriptionId,
        licensee: buyer.address,
        purpose: R_AND_D,
      });
      expect(licence).to.include({ termsVersion: 1, status: "active", inForce: true });
    });

    it("refuses a terms update that is ambiguous or would leave no purpose, before sending", async () => {
      const { licensing, provider, onePeriodId } = await loadFixture(licensingFixture);
      const before = await nonceOf(provider);
      await expectRejection(
        licensing.updateTerms({
          productId: onePeriodId,
          allowPurposes: [MOBILITY],
          disallowPurposes: [`dpv:${MOBILITY}`],
          termsHash: TERMS_2,
        }),
        InvalidInputError,
        "both allowPurposes and disallowPurposes",
      );
      await expectRejection(
        licensing.updateTerms({
          productId: onePeriodId,
          disallowPurposes: [R_AND_D],
          termsHash: TERMS_2,
        }),
        InvalidInputError,
        "no allowed purpose",
      );
      await expectRejection(
        licensing.updateTerms({ productId: onePeriodId, termsHash: ethers.ZeroHash }),
        InvalidInputError,
        "termsHash",
      );
      expect(await nonceOf(provider)).to.equal(before);
    });

    it("pauses and resumes sales", async () => {
      const { licensing, as, buyer, perpetualId } = await loadFixture(licensingFixture);
      expect(await licensing.setPaused({ productId: perpetualId, paused: true })).to.include({
        productId: perpetualId,
        paused: true,
      });
      const error = await expectRejection(
        as(buyer).buy({ productId: perpetualId, purpose: R_AND_D, maxPrice: NATIVE_PRICE }),
        ContractRevertError,
        "DataLicensingProductPaused",
      );
      expect(error.args.productId).to.equal(perpetualId);
      expect(error.shortMessage).to.contain("paused sales");
      await licensing.setPaused({ productId: perpetualId, paused: false });
      const issued = await as(buyer).buy({
        productId: perpetualId,
        purpose: R_AND_D,
        maxPrice: NATIVE_PRICE,
      });
      expect(issued.model).to.equal("purchase");
    });

    it("refuses provider actions from anyone else with DataLicensingNotProvider", async () => {
      const { as, stranger, provider, subscriptionId } = await loadFixture(licensingFixture);
      const error = await expectRejection(
        as(stranger).setPaused({ productId: subscriptionId, paused: true }),
        ContractRevertError,
        "DataLicensingNotProvider",
      );
      expect(error.args).to.include({ caller: stranger.address, provider: provider.address });
    });
  });

  describe("business models", () => {
    it("subscription: buys with an approval, then renews from the current expiry", async () => {
      const { as, buyer, token, address, subscriptionId } = await loadFixture(licensingFixture);
      const client = as(buyer);
      const bought = await client.buy({
        productId: subscriptionId,
        purpose: R_AND_D,
        maxPrice: SUBSCRIPTION_PRICE,
        approve: true,
      });
      const boughtAt = await now();
      expect(bought).to.deep.include({
        productId: subscriptionId,
        licensee: buyer.address,
        purpose: purposeId(R_AND_D),
        model: "purchase",
        termsVersion: 1,
        expiresAt: boughtAt + 30n * DAY,
        sale: expectedSale(SUBSCRIPTION_PRICE, PLATFORM_FEE_BPS),
      });
      expect(bought.licenceId).to.equal(
        await client.licenceIdOf({
          productId: subscriptionId,
          licensee: buyer.address,
          purpose: R_AND_D,
        }),
      );
      expect(await token.allowance(buyer.address, address)).to.equal(0n);

      await time.increase(10n * DAY);
      const renewed = await client.renew({
        productId: subscriptionId,
        purpose: R_AND_D,
        maxPrice: SUBSCRIPTION_PRICE,
        approve: true,
      });
      expect(renewed.model).to.equal("renewal");
      expect(renewed.expiresAt).to.equal(bought.expiresAt + 30n * DAY);
      expect(renewed.licenceId).to.equal(bought.licenceId);
      expect(await token.balanceOf(address)).to.equal(2n * SUBSCRIPTION_PRICE);
      expect(
        await client.isLicensed({
          productId: subscriptionId,
          licensee: buyer.address,
          purpose: R_AND_D,
        }),
      ).to.equal(true);
    });

    it("prescribed, one period: expires after its period, cannot be renewed, can be bought again", async () => {
      const { as, buyer, onePeriodId } = await loadFixture(licensingFixture);
      const client = as(buyer);
      const query = { productId: onePeriodId, licensee: buyer.address, purpose: R_AND_D };
      const bought = await client.buy({
        productId: onePeriodId,
        purpose: R_AND_D,
        maxPrice: ONE_PERIOD_PRICE,
        approve: true,
      });
      expect(bought.expiresAt).to.equal((await now()) + 90n * DAY);
      const refused = await expectRejection(
        client.renew({
          productId: onePeriodId,
          purpose: R_AND_D,
          maxPrice: ONE_PERIOD_PRICE,
          approve: true,
        }),
        ContractRevertError,
        "DataLicensingNotRenewable",
      );
      expect(refused.args.productId).to.equal(onePeriodId);
      await expectRejection(
        client.buy({
          productId: onePeriodId,
          purpose: R_AND_D,
          maxPrice: ONE_PERIOD_PRICE,
          approve: true,
        }),
        ContractRevertError,
        "DataLicensingAlreadyLicensed",
      );
      await time.increaseTo(bought.expiresAt);
      expect(await client.getLicence(query)).to.include({ status: "active", inForce: true });
      await time.increase(1);
      expect(await client.getLicence(query)).to.include({ status: "active", inForce: false });
      const again = await client.buy({
        productId: onePeriodId,
        purpose: R_AND_D,
        maxPrice: ONE_PERIOD_PRICE,
        approve: true,
      });
      expect(again.expiresAt).to.equal((await now()) + 90n * DAY);
    });

    it("prescribed, perpetual, in the native coin: sends exactly the price and never expires", async () => {
      const { as, buyer, address, perpetualId } = await loadFixture(licensingFixture);
      const client = as(buyer);
      const before = await ethers.provider.getBalance(buyer.address);
      const issued = await client.buy({
        productId: perpetualId,
        purpose: "AcademicResearch",
        maxPrice: 10n * NATIVE_PRICE,
      });
      const tx = await ethers.provider.getTransaction(issued.transactionHash);
      expect(tx?.value).to.equal(NATIVE_PRICE);
      const after = await ethers.provider.getBalance(buyer.address);
      expect(before - after).to.equal(NATIVE_PRICE + (await feeOf(issued.transactionHash)));
      expect(await ethers.provider.getBalance(address)).to.equal(NATIVE_PRICE);
      expect(issued.expiresAt).to.equal(PERPETUAL);
      const licence = await client.getLicence({
        productId: perpetualId,
        licensee: buyer.address,
        purpose: "AcademicResearch",
      });
      expect(licence).to.include({ perpetual: true, inForce: true, status: "active" });
      await expectRejection(
        client.renew({
          productId: perpetualId,
          purpose: "AcademicResearch",
          maxPrice: NATIVE_PRICE,
        }),
        InvalidInputError,
        "perpetual",
      );
    });

    it("negotiated: the provider signs an offer with ethers, the buyer accepts it once", async () => {
      const { licensing, as, provider, buyer, contract, subscriptionId } =
        await loadFixture(licensingFixture);
      const signed = await licensing.signOffer(provider, {
        productId: subscriptionId,
        buyer: buyer.address,
        purpose: MOBILITY,
        price: 700n * UNIT,
        period: 365n * DAY,
      });
      expect(signed.offer.deadline).to.equal((await now()) + DAY);
      expect(signed.offer.nonce).to.be.greaterThan(2n ** 128n); // 256 random bits
      const typed = offerTypedData(await licensing.domain(), signed.offer);
      expect(await contract.offerHash(signed.offer)).to.equal(
        TypedDataEncoder.hash(typed.domain, { Offer: [...OFFER_TYPES.Offer] }, typed.message),
      );

      const client = as(buyer);
      const issued = await client.acceptOffer({ ...signed, approve: true });
      expect(issued).to.deep.include({
        model: "offer",
        purpose: purposeId(MOBILITY),
        expiresAt: (await now()) + 365n * DAY,
        sale: expectedSale(700n * UNIT, PLATFORM_FEE_BPS),
      });
      expect(await client.isOfferUsed(signed.offer)).to.equal(true);
      const replay = await expectRejection(
        client.acceptOffer({ ...signed, approve: true }),
        ContractRevertError,
        "DataLicensingOfferUsed",
      );
      expect(replay.args.offerHash).to.equal(await client.offerHash(signed.offer));
    });

    it("negotiated: accepts an offer signed with viem's signTypedData", async () => {
      const { licensing, owner, city, pool, buyer, contract } = await loadFixture(licensingFixture);
      const key = keccak256(toBeHex(7, 32)) as Hex;
      const account = privateKeyToAccount(key);
      const wallet = new Wallet(key, ethers.provider);
      await owner.sendTransaction({ to: account.address, value: UNIT });
      const viemProvider = licensing.withRunner(wallet);
      const partiesId = await viemProvider.registerParties({
        city: city.address,
        contributors: pool.address,
      });
      const { productId } = await viemProvider.publish({
        partiesId,
        token: "native",
        price: NATIVE_PRICE,
        period: 0n,
        renewable: false,
        cityBps: 0,
        providerBps: 10_000,
        purposes: [R_AND_D],
        consentGrantee: account.address,
        metadataURI: "",
        termsHash: TERMS,
      });
      const offer: Offer = {
        productId,
        buyer: buyer.address as Hex,
        purpose: purposeId(R_AND_D),
        price: NATIVE_PRICE / 2n,
        period: 30n * DAY,
        termsVersion: 1,
        nonce: 1n,
        deadline: (await now()) + 600n,
      };
      const signature = await account.signTypedData(
        offerTypedData(await licensing.domain(), offer),
      );
      const issued = await licensing.withRunner(buyer).acceptOffer({ offer, signature });
      expect(issued.sale).to.deep.equal(
        expectedSale(NATIVE_PRICE / 2n, PLATFORM_FEE_BPS, 0n, 10_000n),
      );
      const tx = await ethers.provider.getTransaction(issued.transactionHash);
      expect(tx?.value).to.equal(NATIVE_PRICE / 2n);
      expect(await ethers.provider.getBalance(await contract.getAddress())).to.equal(
        NATIVE_PRICE / 2n,
      );
    });

    it("negotiated: refuses an expired offer, a wrong buyer, a cancelled offer and a forged signature", async () => {
      const { licensing, as, provider, buyer, buyer2, stranger, perpetualId } =
        await loadFixture(licensingFixture);
      const params = {
        productId: perpetualId,
        buyer: buyer.address,
        purpose: R_AND_D,
        price: NATIVE_PRICE / 4n,
        period: 0n,
      };
      const wrongBuyer = await expectRejection(
        as(buyer2).acceptOffer(await licensing.signOffer(provider, params)),
        ContractRevertError,
        "DataLicensingWrongBuyer",
      );
      expect(wrongBuyer.args).to.include({ buyer: buyer.address, caller: buyer2.address });

      const deadline = (await now()) + 10n;
      const short = await licensing.signOffer(provider, { ...params, deadline });
      await time.increaseTo(deadline + 1n);
      const expired = await expectRejection(
        as(buyer).acceptOffer(short),
        ContractRevertError,
        "DataLicensingOfferExpired",
      );
      expect(expired.args.deadline).to.equal(deadline);

      const cancelled = await licensing.signOffer(provider, params);
      const { offerHash } = await licensing.cancelOffer(cancelled.offer);
      expect(offerHash).to.equal(await licensing.offerHash(cancelled.offer));
      await expectRejection(
        as(buyer).acceptOffer(cancelled),
        ContractRevertError,
        "DataLicensingOfferUsed",
      );

      const forged = await licensing.signOffer(stranger, params).catch((error: unknown) => error);
      expect(forged).to.be.instanceOf(InvalidInputError);
      expect((forged as Error).message).to.contain("not the provider");
      const good = await licensing.signOffer(provider, params);
      const tampered = { ...good, offer: { ...good.offer, price: 1n } };
      await expectRejection(
        as(buyer).acceptOffer(tampered),
        ContractRevertError,
        "DataLicensingInvalidOfferSignature",
      );
    });

    it("public interest: an eligible seeker claims a free licence; others are refused", async () => {
      const { licensing, as, buyer2, stranger, subscriptionId } =
        await loadFixture(licensingFixture);
      const eligibility = await licensing.setEligibility({
        productId: subscriptionId,
        seeker: buyer2.address,
        purpose: MOBILITY,
        eligible: true,
      });
      expect(eligibility).to.include({
        seeker: buyer2.address,
        eligible: true,
        purpose: purposeId(MOBILITY),
      });
      expect(
        await licensing.isEligible({
          productId: subscriptionId,
          seeker: buyer2.address,
          purpose: MOBILITY,
        }),
      ).to.equal(true);
      const issued = await as(buyer2).claimPublicInterest({
        productId: subscriptionId,
        purpose: MOBILITY,
      });
      expect(issued).to.deep.include({
        model: "publicInterest",
        expiresAt: (await now()) + 30n * DAY,
        sale: {
          price: 0n,
          platformFee: 0n,
          cityShare: 0n,
          providerShare: 0n,
          contributorsShare: 0n,
        },
      });
      expect(await licensing.owed(subscriptionId)).to.deep.equal({
        platform: 0n,
        city: 0n,
        provider: 0n,
        contributors: 0n,
      });
      const error = await expectRejection(
        as(stranger).claimPublicInterest({ productId: subscriptionId, purpose: MOBILITY }),
        ContractRevertError,
        "DataLicensingNotEligible",
      );
      expect(error.args.seeker).to.equal(stranger.address);
    });

    it("cancels a licence; a cancelled licence can be bought again", async () => {
      const { as, buyer, perpetualId } = await loadFixture(licensingFixture);
      const client = as(buyer);
      const query = { productId: perpetualId, licensee: buyer.address, purpose: R_AND_D };
      await client.buy({ productId: perpetualId, purpose: R_AND_D, maxPrice: NATIVE_PRICE });
      const cancelled = await client.cancel({ productId: perpetualId, purpose: R_AND_D });
      expect(cancelled.licenceId).to.equal(
        computeLicenceId(perpetualId, buyer.address, purposeId(R_AND_D)),
      );
      expect(await client.getLicence(query)).to.include({ status: "cancelled", inForce: false });
      await expectRejection(
        client.cancel({ productId: perpetualId, purpose: R_AND_D }),
        ContractRevertError,
        "DataLicensingNoActiveLicence",
      );
      await client.buy({ productId: perpetualId, purpose: R_AND_D, maxPrice: NATIVE_PRICE });
      expect(await client.getLicence(query)).to.include({ status: "active", inForce: true });
    });
  });

  describe("payments", () => {
    it("buys with an EIP-2612 permit signed by the connected signer, with no approval transaction", async () => {
      const { as, buyer, token, address, subscriptionId } = await loadFixture(licensingFixture);
      const before = await nonceOf(buyer);
      const maxPrice = SUBSCRIPTION_PRICE + 5n * UNIT;
      const issued = await as(buyer).buyWithPermit({
        productId: subscriptionId,
        purpose: R_AND_D,
        maxPrice,
      });
      expect(await nonceOf(buyer)).to.equal(before + 1); // one transaction: the purchase
      expect(issued.sale.price).to.equal(SUBSCRIPTION_PRICE);
      expect(await token.nonces(buyer.address)).to.equal(1n);
      expect(await token.allowance(buyer.address, address)).to.equal(maxPrice - SUBSCRIPTION_PRICE);
      expect(await token.balanceOf(address)).to.equal(SUBSCRIPTION_PRICE);
    });

    it("refuses a permit purchase of a native-coin product before signing", async () => {
      const { as, buyer, perpetualId } = await loadFixture(licensingFixture);
      await expectRejection(
        as(buyer).buyWithPermit({
          productId: perpetualId,
          purpose: R_AND_D,
          maxPrice: NATIVE_PRICE,
        }),
        InvalidInputError,
        "no permit",
      );
    });

    it("refuses an ERC-20 purchase without allowance unless approve is set, sending nothing", async () => {
      const { as, buyer, address, subscriptionId } = await loadFixture(licensingFixture);
      const before = await nonceOf(buyer);
      await expectRejection(
        as(buyer).buy({
          productId: subscriptionId,
          purpose: R_AND_D,
          maxPrice: SUBSCRIPTION_PRICE,
        }),
        InvalidInputError,
        `allowance: the licensing contract (${address}) may transfer 0 of your tokens, ` +
          `less than the ${SUBSCRIPTION_PRICE} to pay: approve it first, or pass approve: true`,
      );
      expect(await nonceOf(buyer)).to.equal(before);
    });

    it("reports the contract's refusal instead of sending an approval for nothing", async () => {
      const { licensing, as, buyer, token, address, subscriptionId } =
        await loadFixture(licensingFixture);
      await licensing.setPaused({ productId: subscriptionId, paused: true });
      const before = await nonceOf(buyer);
      await expectRejection(
        as(buyer).buy({
          productId: subscriptionId,
          purpose: R_AND_D,
          maxPrice: SUBSCRIPTION_PRICE,
          approve: true,
        }),
        ContractRevertError,
        "DataLicensingProductPaused",
      );
      expect(await nonceOf(buyer)).to.equal(before);
      expect(await token.allowance(buyer.address, address)).to.equal(0n);
    });

    it("decodes the token's own errors: an insufficient balance", async () => {
      const { as, stranger, token, address, subscriptionId } = await loadFixture(licensingFixture);
      await token.connect(stranger).approve(address, SUBSCRIPTION_PRICE);
      const error = await expectRejection(
        as(stranger).buy({
          productId: subscriptionId,
          purpose: R_AND_D,
          maxPrice: SUBSCRIPTION_PRICE,
        }),
        ContractRevertError,
        "ERC20InsufficientBalance",
      );
      expect(error.contractName).to.equal("The payment token");
      expect(error.args).to.include({
        sender: stranger.address,
        balance: 0n,
        needed: SUBSCRIPTION_PRICE,
      });
      expect(error.shortMessage).to.contain("balance is below");
    });

    it("withdraws each role's revenue, matching the sales' breakdowns to the wei", async () => {
      const f = await loadFixture(licensingFixture);
      const { licensing, as, token, owner, subscriptionId } = f;
      const sales: Sale[] = [];
      sales.push(
        (
          await as(f.buyer).buy({
            productId: subscriptionId,
            purpose: R_AND_D,
            maxPrice: SUBSCRIPTION_PRICE,
            approve: true,
          })
        ).sale,
      );
      // An odd price and a new fee rate, so that rounding is exercised.
      await licensing.withRunner(owner).setPlatformFee({ feeBps: 333 });
      await licensing.updateTerms({
        productId: subscriptionId,
        price: 777n * UNIT + 13n,
        termsHash: TERMS_2,
      });
      sales.push(
        (
          await as(f.buyer2).buy({
            productId: subscriptionId,
            purpose: MOBILITY,
            maxPrice: 800n * UNIT,
            approve: true,
          })
        ).sale,
      );
      sales.push(
        (
          await as(f.buyer).renew({
            productId: subscriptionId,
            purpose: R_AND_D,
            maxPrice: 800n * UNIT,
            approve: true,
          })
        ).sale,
      );
      // Each sale's shares are the increase of each party's entitlement: they match its price give or take the
      // at most 2 wei of rounding remainder carried between sales, and over all sales they match exactly.
      const total = sumSales(sales);
      for (const sale of sales) {
        const shares =
          sale.platformFee + sale.cityShare + sale.providerShare + sale.contributorsShare;
        expect(shares - sale.price).to.be.within(-2n, 2n);
      }
      const carried = await licensing.carriedRemainder(subscriptionId);
      expect(
        total.platformFee +
          total.cityShare +
          total.providerShare +
          total.contributorsShare +
          carried,
      ).to.equal(total.price);
      expect(await licensing.owed(subscriptionId)).to.deep.equal({
        platform: total.platformFee,
        city: total.cityShare,
        provider: total.providerShare,
        contributors: total.contributorsShare,
      });
      const expected = [
        ["platform", f.treasury.address, total.platformFee],
        ["city", f.city.address, total.cityShare],
        ["provider", f.provider.address, total.providerShare],
        ["contributors", f.pool.address, total.contributorsShare],
      ] as const;
      for (const [role, to, amount] of expected) {
        const before = await token.balanceOf(to);
        const withdrawal = await as(f.stranger).withdraw({ productId: subscriptionId, role });
        expect(withdrawal).to.include({ productId: subscriptionId, role, to, amount });
        expect((await token.balanceOf(to)) - before).to.equal(amount);
      }
      // Everything is paid out but the carried rounding remainder, which stays for the next sale.
      expect(await token.balanceOf(f.address)).to.equal(carried);
      const error = await expectRejection(
        licensing.withdraw({ productId: subscriptionId, role: "city" }),
        ContractRevertError,
        "DataLicensingNothingToWithdraw",
      );
      expect(error.args.role).to.equal(1n);
    });

    it("withdraws native-coin revenue to the recorded accounts", async () => {
      const { as, licensing, buyer, city, perpetualId } = await loadFixture(licensingFixture);
      const { sale } = await as(buyer).buy({
        productId: perpetualId,
        purpose: R_AND_D,
        maxPrice: NATIVE_PRICE,
      });
      const before = await ethers.provider.getBalance(city.address);
      const { amount } = await as(buyer).withdraw({ productId: perpetualId, role: "city" });
      expect(amount).to.equal(sale.cityShare);
      expect((await ethers.provider.getBalance(city.address)) - before).to.equal(sale.cityShare);
      expect((await licensing.owed(perpetualId)).city).to.equal(0n);
    });
  });

  describe("revocation", () => {
    async function boughtFixture() {
      const f = await licensingFixture();
      const erc20 = await f.as(f.buyer).buy({
        productId: f.onePeriodId,
        purpose: R_AND_D,
        maxPrice: ONE_PERIOD_PRICE,
        approve: true,
      });
      const native = await f.as(f.buyer).buy({
        productId: f.perpetualId,
        purpose: R_AND_D,
        maxPrice: NATIVE_PRICE,
      });
      return { ...f, erc20, native };
    }

    it("revokes without a refund; the licensee can neither re-buy nor renew", async () => {
      const { licensing, as, buyer, provider, onePeriodId, subscriptionId, erc20 } =
        await loadFixture(boughtFixture);
      const revoked = await licensing.revoke({
        productId: onePeriodId,
        licensee: buyer.address,
        purpose: R_AND_D,
        reason: "re-identification attempt",
        evidenceHash: EVIDENCE,
      });
      expect(revoked).to.include({
        licenceId: erc20.licenceId,
        revokedBy: provider.address,
        reason: "re-identification attempt",
        evidenceHash: EVIDENCE,
        refund: 0n,
      });
      const query = { productId: onePeriodId, licensee: buyer.address, purpose: R_AND_D };
      expect(await licensing.getLicence(query)).to.include({ status: "revoked", inForce: false });
      const rebuy = await expectRejection(
        as(buyer).buy({
          productId: onePeriodId,
          purpose: R_AND_D,
          maxPrice: ONE_PERIOD_PRICE,
          approve: true,
        }),
        ContractRevertError,
        "DataLicensingLicenceRevoked",
      );
      expect(rebuy.args.licenceId).to.equal(erc20.licenceId);
      expect(rebuy.shortMessage).to.contain("cannot obtain it again");

      // A revoked subscription cannot be renewed either.
      const client = as(buyer);
      const subscription = {
        productId: subscriptionId,
        purpose: R_AND_D,
        maxPrice: SUBSCRIPTION_PRICE,
      };
      await client.buy({ ...subscription, approve: true });
      await licensing.revoke({
        ...subscription,
        licensee: buyer.address,
        reason: "breach",
        evidenceHash: EVIDENCE,
      });
      await expectRejection(
        client.renew({ ...subscription, approve: true }),
        ContractRevertError,
        "DataLicensingLicenceRevoked",
      );
    });

    it("refunds in the product's ERC-20 only once the provider has approved it", async () => {
      const { licensing, buyer, provider, token, address, onePeriodId } =
        await loadFixture(boughtFixture);
      const params = {
        productId: onePeriodId,
        licensee: buyer.address,
        purpose: R_AND_D,
        reason: "terms breach",
        evidenceHash: EVIDENCE,
        refund: 200n * UNIT,
      };
      const before = await nonceOf(provider);
      const error = await expectRejection(licensing.revoke(params), InvalidInputError, "refund");
      expect(error.message).to.contain("approve");
      expect(await nonceOf(provider)).to.equal(before);

      await token.connect(provider).approve(address, 200n * UNIT);
      const balance = await token.balanceOf(buyer.address);
      const revoked = await licensing.revoke(params);
      expect(revoked.refund).to.equal(200n * UNIT);
      expect((await token.balanceOf(buyer.address)) - balance).to.equal(200n * UNIT);
    });

    it("refunds in the native coin by sending it with the call", async () => {
      const { licensing, buyer, perpetualId, native } = await loadFixture(boughtFixture);
      const balance = await ethers.provider.getBalance(buyer.address);
      const revoked = await licensing.revoke({
        productId: perpetualId,
        licensee: buyer.address,
        purpose: R_AND_D,
        reason: "resold the data",
        evidenceHash: EVIDENCE,
        refund: NATIVE_PRICE / 2n,
      });
      expect(revoked).to.include({ licenceId: native.licenceId, refund: NATIVE_PRICE / 2n });
      expect((await ethers.provider.getBalance(buyer.address)) - balance).to.equal(
        NATIVE_PRICE / 2n,
      );
    });

    it("lets an appointed arbiter revoke, but not refund", async () => {
      const { licensing, as, buyer, arbiter, perpetualId } = await loadFixture(boughtFixture);
      expect(
        await licensing.setArbiter({ productId: perpetualId, arbiter: arbiter.address }),
      ).to.include({
        arbiter: arbiter.address,
      });
      expect((await licensing.getProduct(perpetualId)).arbiter).to.equal(arbiter.address);
      const params = {
        productId: perpetualId,
        licensee: buyer.address,
        purpose: R_AND_D,
        reason: "complaint upheld",
        evidenceHash: EVIDENCE,
      };
      await expectRejection(
        as(arbiter).revoke({ ...params, refund: 1n }),
        ContractRevertError,
        "DataLicensingRefundByProviderOnly",
      );
      expect((await as(arbiter).revoke(params)).revokedBy).to.equal(arbiter.address);
      await licensing.setArbiter({ productId: perpetualId, arbiter: null });
      expect((await licensing.getProduct(perpetualId)).arbiter).to.equal(null);
    });
  });

  describe("refusals", () => {
    it("reports an unknown product", async () => {
      const { as, buyer } = await loadFixture(licensingFixture);
      const error = await expectRejection(
        as(buyer).buy({ productId: 99n, purpose: R_AND_D, maxPrice: 1n }),
        ContractRevertError,
        "DataLicensingUnknownProduct",
      );
      expect(error.args.productId).to.equal(99n);
      expect(error.contractName).to.equal("DataLicensing");
    });

    it("reports a purpose the product does not allow, by its DPV name", async () => {
      const { as, buyer, perpetualId, subscriptionId } = await loadFixture(licensingFixture);
      const error = await expectRejection(
        as(buyer).buy({ productId: perpetualId, purpose: "Advertising", maxPrice: NATIVE_PRICE }),
        ContractRevertError,
        "DataLicensingPurposeNotAllowed",
      );
      expect(error.args.purpose).to.equal(purposeId("Advertising"));
      // The message names the DPV purpose; the arguments keep the id.
      expect(error.shortMessage).to.contain(
        `purpose: Advertising (${purposeId("Advertising").slice(0, 6)}…`,
      );
      await expectRejection(
        as(buyer).buy({
          productId: subscriptionId,
          purpose: "Advertising",
          maxPrice: SUBSCRIPTION_PRICE,
          approve: true,
        }),
        ContractRevertError,
        "DataLicensingPurposeNotAllowed",
      );
    });

    it("refuses a price above maxPrice before sending anything", async () => {
      const { as, buyer, perpetualId, subscriptionId } = await loadFixture(licensingFixture);
      const before = await nonceOf(buyer);
      await expectRejection(
        as(buyer).buy({ productId: perpetualId, purpose: R_AND_D, maxPrice: NATIVE_PRICE - 1n }),
        InvalidInputError,
        "maxPrice",
      );
      await expectRejection(
        as(buyer).buy({ productId: subscriptionId, purpose: R_AND_D, maxPrice: 1n, approve: true }),
        InvalidInputError,
        `current price ${SUBSCRIPTION_PRICE}`,
      );
      await expectRejection(
        as(buyer).buyWithPermit({ productId: subscriptionId, purpose: R_AND_D, maxPrice: 1n }),
        InvalidInputError,
        "maxPrice",
      );
      expect(await nonceOf(buyer)).to.equal(before);
    });

    it("lets only the owner set the platform fee, and never above the cap", async () => {
      const { licensing, owner } = await loadFixture(licensingFixture);
      expect(await licensing.platformFee()).to.deep.include({ feeBps: 250, capBps: 1_000 });
      const asOwner = licensing.withRunner(owner);
      const cap = await expectRejection(
        asOwner.setPlatformFee({ feeBps: 1_001 }),
        ContractRevertError,
        "DataLicensingFeeAboveCap",
      );
      expect(cap.args).to.include({ feeBps: 1_001n, capBps: 1_000n });
      await expectRejection(
        licensing.setPlatformFee({ feeBps: 100 }),
        ContractRevertError,
        "OwnableUnauthorizedAccount",
      );
      expect(await asOwner.setPlatformFee({ feeBps: 1_000 })).to.include({
        previousFeeBps: 250,
        feeBps: 1_000,
      });
      const { treasury } = await asOwner.setPlatformTreasury({ treasury: owner.address });
      expect((await licensing.platformFee()).treasury).to.equal(treasury);
    });

    it("refuses malformed input with an InvalidInputError naming the field", async () => {
      const { licensing, as, buyer, partiesId, provider, perpetualId, city } =
        await loadFixture(licensingFixture);
      const base = {
        partiesId,
        token: "native",
        price: 1n,
        period: 0n,
        renewable: false,
        cityBps: 0,
        providerBps: 0,
        purposes: [R_AND_D],
        consentGrantee: provider.address,
        metadataURI: "",
        termsHash: TERMS,
      };
      const before = await nonceOf(provider);
      // Thunks: each call runs only when its case is checked.
      const cases: [() => Promise<unknown>, string][] = [
        [() => licensing.publish({ ...base, token: "0x1234" }), "token"],
        [() => licensing.publish({ ...base, consentGrantee: "city hall" }), "consentGrantee"],
        [
          () => licensing.publish({ ...base, consentGrantee: ethers.ZeroAddress }),
          "consentGrantee",
        ],
        [() => licensing.publish({ ...base, price: -1n }), "price"],
        [
          () => licensing.publish({ ...base, price: 2n ** 96n }),
          "price must be a non-negative whole number below 2^96",
        ],
        [() => licensing.publish({ ...base, period: 1.5 }), "period"],
        [() => licensing.publish({ ...base, cityBps: 10_001 }), "cityBps"],
        [
          () => licensing.publish({ ...base, cityBps: 6_000, providerBps: 5_000 }),
          "cityBps + providerBps",
        ],
        [
          () => licensing.publish({ ...base, cityBps: undefined }),
          "cityBps and providerBps are required for a product without a revenue pool",
        ],
        [
          () => licensing.publish({ ...base, poolId: 1n, cityBps: 100 }),
          "a product that pays into a revenue pool is split by the pool's shares: leave cityBps and providerBps out",
        ],
        [() => licensing.publish({ ...base, purposes: [] }), "purposes"],
        [
          () => licensing.publish({ ...base, purposes: R_AND_D as unknown as string[] }),
          "purposes must be a list of purposes",
        ],
        [
          () => licensing.publish({ ...base, purposes: [ethers.ZeroHash] }),
          "purposes[0] must not be the zero id",
        ],
        [
          () => licensing.publish({ ...base, renewable: "yes" as unknown as boolean }),
          "renewable must be true or false",
        ],
        [
          () => licensing.publish({ ...base, metadataURI: 7 as unknown as string }),
          "metadataURI must be a string",
        ],
        [() => licensing.publish({ ...base, termsHash: "0x12" }), "termsHash"],
        [
          () => licensing.publish({ ...base, termsHash: ethers.ZeroHash }),
          "termsHash must not be zero",
        ],
        [() => licensing.registerParties({ city: "0xnope", contributors: city.address }), "city"],
        [
          () => licensing.registerParties({ city: city.address, contributors: ethers.ZeroAddress }),
          "contributors must not be the zero address",
        ],
        [() => licensing.setArbiter({ productId: -1, arbiter: null }), "productId"],
        [() => as(buyer).withdraw({ productId: perpetualId, role: "citizens" as "city" }), "role"],
        [
          () => as(buyer).buy({ productId: perpetualId, purpose: R_AND_D, maxPrice: -5 }),
          "maxPrice",
        ],
        [
          () =>
            licensing.signOffer(provider, {
              productId: perpetualId,
              buyer: buyer.address,
              purpose: R_AND_D,
              price: 1n,
              period: 2n ** 64n,
            }),
          "period",
        ],
        [
          () =>
            licensing.signOffer(buyer, {
              productId: perpetualId,
              buyer: buyer.address,
              purpose: R_AND_D,
              price: 1n,
              period: 0n,
            }),
          `signer ${buyer.address} is not the provider ${provider.address} of product ${perpetualId}: the contract would refuse the offer`,
        ],
        [
          () => licensing.offerHash(null as unknown as Offer),
          "offer must be an offer object (as signOffer returns it)",
        ],
        [
          () =>
            licensing.revoke({
              productId: perpetualId,
              licensee: buyer.address,
              purpose: R_AND_D,
              reason: "",
              evidenceHash: "evidence",
            }),
          "evidenceHash",
        ],
      ];
      for (const [call, fragment] of cases)
        await expectRejection(call(), InvalidInputError, fragment);
      expect(await nonceOf(provider)).to.equal(before);
      expect(() => LicensingClient.connect("licensing", ethers.provider)).to.throw(
        InvalidInputError,
        "licensing address",
      );
    });

    it("refuses an unknown purpose name, suggesting the right one", async () => {
      const { as, buyer, perpetualId } = await loadFixture(licensingFixture);
      const error = await expectRejection(
        as(buyer).buy({
          productId: perpetualId,
          purpose: "ResearchAndDevelopmnt",
          maxPrice: NATIVE_PRICE,
        }),
        UnknownTermError,
        "ResearchAndDevelopment",
      );
      expect(error).to.be.instanceOf(InvalidInputError);
    });

    it("explains every error the contract and its token can raise", () => {
      const errors = expectEveryErrorExplained(
        DataLicensing__factory.abi,
        LICENSING_ERROR_EXPLANATIONS,
        [
          "ERC20InsufficientAllowance",
          "ERC20InsufficientBalance",
          "ERC2612ExpiredSignature",
          "ERC2612InvalidSigner",
        ],
      );
      expect(errors.length).to.be.greaterThan(30);
    });
  });
});
