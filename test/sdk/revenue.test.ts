import { expect } from "chai";
import { network } from "hardhat";
import { id, parseEther, verifyTypedData } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { RevenuePool__factory } from "../../typechain-types/index.js";
import {
  CitizenDataError,
  ConsentClient,
  ContractRevertError,
  InvalidInputError,
  LicensingClient,
  REVENUE_ERROR_EXPLANATIONS,
  RevenueClient,
  UnknownTermError,
  categoryIds,
  purposeId,
  revenueTypedData,
  type ClaimRequest,
  type PoolActivity,
} from "../../sdk/index.js";
import { expectRejection } from "../helpers/expect.js";
import { deployRevenueWorld, expectedSplit } from "../helpers/revenue.js";
import { expectEveryErrorExplained } from "../helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

type Hex = `0x${string}`;
type S = HardhatEthersSigner;
const FAR_FUTURE = 2n ** 40n - 1n;
const RECEIPT = id("pool consent receipt") as Hex;
const TERMS = id("pool product terms") as Hex;
const PRICE = parseEther("1000");
const R_AND_D = "ResearchAndDevelopment";
const CATEGORIES = ["Location", "Age"] as const;
const SHARES = { platformBps: 500, cityBps: 1_500, providerBps: 2_000, contributorsBps: 6_000 };

async function revenueFixture() {
  const signers = await ethers.getSigners();
  if (signers.length < 14) throw new Error("the revenue SDK tests need 14 accounts");
  const [
    owner,
    treasury,
    provider,
    city,
    grantee,
    alice,
    bob,
    carol,
    dave,
    relayer,
    stranger,
    operator,
    ngo,
    buyer,
  ] = signers as [S, S, S, S, S, S, S, S, S, S, S, S, S, S];
  const world = await deployRevenueWorld(ethers, owner, treasury);
  const { registry, licensing, token, poolAddress } = world;
  const tokenAddress = (await token.getAddress()) as Hex;
  const registryAddress = await registry.getAddress();
  const licensingAddress = await licensing.getAddress();

  const revenue = RevenueClient.connect(poolAddress, provider);
  const as = (signer: S): RevenueClient => revenue.withRunner(signer);
  const consent = (signer: S): ConsentClient => ConsentClient.connect(registryAddress, signer);
  const terms = {
    token: tokenAddress,
    city: city.address,
    shares: SHARES,
    consentGrantee: grantee.address,
    purpose: R_AND_D,
    categories: CATEGORIES,
  };
  await revenue.createPool(terms); // pool 1: ERC-20
  await revenue.createPool({ ...terms, token: "native" }); // pool 2: native coin
  for (const citizen of [alice, bob, carol, dave]) {
    await consent(citizen).grant({
      grantee: grantee.address,
      purpose: R_AND_D,
      categories: CATEGORIES,
      validUntil: FAR_FUTURE,
      receiptHash: RECEIPT,
    });
  }
  for (const payer of [stranger, buyer]) await token.mint(payer.address, parseEther("1000000"));
  return {
    ...world,
    tokenAddress,
    registryAddress,
    licensingAddress,
    revenue,
    as,
    consent,
    terms,
    owner,
    treasury,
    provider,
    city,
    grantee,
    alice,
    bob,
    carol,
    dave,
    relayer,
    stranger,
    operator,
    ngo,
    buyer,
  };
}

/** Pool 1 with alice (weight 1) and bob (weight 3). */
async function membersFixture() {
  const f = await revenueFixture();
  await f.as(f.alice).join({ poolId: 1n });
  await f.as(f.bob).join({ poolId: 1n });
  await f.revenue.setWeight({ poolId: 1n, member: f.bob.address, weight: 3 });
  return f;
}

/** Pool 1 with alice (1) and bob (3) after a deposit of 1,000 tokens: alice can claim 150, bob 450. */
async function fundedFixture() {
  const f = await membersFixture();
  await f.as(f.stranger).deposit({ poolId: 1n, amount: PRICE, approve: true });
  return f;
}

async function nonceOf(account: { address: string }): Promise<number> {
  return ethers.provider.getTransactionCount(account.address);
}

describe("RevenueClient", () => {
  describe("pools", () => {
    it("creates a pool, registering its category set only when it is new, and reads it back typed", async () => {
      const { revenue, registry, provider, city, grantee, terms, tokenAddress } =
        await loadFixture(revenueFixture);
      const categories = ["Gender", "Location"] as const;
      const before = await nonceOf(provider);
      const created = await revenue.createPool({ ...terms, categories, defaultWeight: 2 });
      expect(await nonceOf(provider)).to.equal(before + 2); // the category set, then the pool
      const setId = Number(await registry.categorySetIdOf(categoryIds([...categories])));
      expect(created).to.deep.include({
        poolId: 3n,
        provider: provider.address,
        token: tokenAddress,
        city: city.address,
        consentGrantee: grantee.address,
        purpose: purposeId(R_AND_D),
        categorySetId: setId,
        defaultWeight: 2,
      });
      expect(created.shares).to.deep.equal(SHARES);
      expect(created.transactionHash).to.match(/^0x[0-9a-f]{64}$/);

      // The same categories again (in another order, one as an IRI): the set is found, one transaction.
      const again = await revenue.createPool({
        ...terms,
        token: "native",
        categories: ["https://w3id.org/dpv/pd#Location", "Gender"],
      });
      expect(await nonceOf(provider)).to.equal(before + 3);
      expect(again).to.include({ poolId: 4n, token: "native", categorySetId: setId });
      const byId = await revenue.createPool({
        ...terms,
        categories: undefined,
        categorySetId: setId,
      });
      expect(byId.categorySetId).to.equal(setId);

      const stored = await revenue.getPool(4n);
      expect(stored).to.deep.equal({
        poolId: 4n,
        provider: provider.address,
        token: "native",
        city: city.address,
        shares: SHARES,
        consentGrantee: grantee.address,
        purpose: purposeId(R_AND_D),
        categorySetId: setId,
        defaultWeight: 1,
        totalWeight: 0,
      });
      expect(await revenue.poolCount()).to.equal(5n);
    });

    it("refuses pool terms the contract would refuse, before sending, saying what to fix", async () => {
      const { revenue, provider, terms } = await loadFixture(revenueFixture);
      const before = await nonceOf(provider);
      const shares = (s: Partial<typeof SHARES>) => ({ ...terms, shares: { ...SHARES, ...s } });
      const cases: [() => Promise<unknown>, string][] = [
        [
          () => revenue.createPool(shares({ contributorsBps: 5_999 })),
          "shares must add up to 10000 basis points",
        ],
        [
          () => revenue.createPool(shares({ contributorsBps: 10_001 })),
          "shares.contributorsBps must be between 0 and 10000",
        ],
        [() => revenue.createPool(shares({ cityBps: -1 })), "shares.cityBps"],
        [
          () => revenue.createPool(shares({ platformBps: 249, contributorsBps: 6_251 })),
          "shares.platformBps must be at least the DataLicensing platform fee, 250 basis points",
        ],
        [
          () => revenue.createPool({ ...terms, city: ethers.ZeroAddress }),
          "city must not be the zero address",
        ],
        [() => revenue.createPool({ ...terms, consentGrantee: "city hall" }), "consentGrantee"],
        [() => revenue.createPool({ ...terms, token: "0x1234" }), "token"],
        [
          () => revenue.createPool({ ...terms, defaultWeight: 0 }),
          "defaultWeight must be between 1 and 4294967295",
        ],
        [() => revenue.createPool({ ...terms, defaultWeight: 2 ** 32 }), "defaultWeight"],
        [() => revenue.createPool({ ...terms, categorySetId: 1 }), "not both or neither"],
        [() => revenue.createPool({ ...terms, categories: undefined }), "not both or neither"],
        [
          () => revenue.createPool({ ...terms, categories: undefined, categorySetId: 99 }),
          "categorySetId 99 is not a category set registered",
        ],
        [() => revenue.createPool({ ...terms, categories: [] }), "at least one"],
        [
          () => revenue.createPool({ ...terms, categories: ["Location", "pd:Location"] }),
          "listed twice",
        ],
        [
          () => revenue.createPool({ ...terms, purpose: `0x${"00".repeat(32)}` }),
          "purpose must not be the zero id",
        ],
        [
          () => revenue.createPool({ ...terms, shares: null as unknown as typeof SHARES }),
          "shares must give platformBps, cityBps, providerBps and contributorsBps",
        ],
      ];
      for (const [call, fragment] of cases)
        await expectRejection(call(), InvalidInputError, fragment);
      const unknown = await expectRejection(
        revenue.createPool({ ...terms, purpose: "ResearchAndDevelopmnt" }),
        UnknownTermError,
        "ResearchAndDevelopment",
      );
      expect(unknown).to.be.instanceOf(InvalidInputError);
      expect(await nonceOf(provider)).to.equal(before);
      await expectRejection(
        RevenueClient.connect(revenue.address, ethers.provider).createPool(terms),
        CitizenDataError,
        "needs a signer",
      );
    });

    it("lets only the provider register beneficiaries; members may donate to them and the city", async () => {
      const { revenue, as, provider, city, ngo, stranger } = await loadFixture(revenueFixture);
      expect(await revenue.isBeneficiary({ poolId: 1n, account: ngo.address })).to.equal(false);
      expect(await revenue.isBeneficiary({ poolId: 1n, account: city.address })).to.equal(true);
      const set = await revenue.setBeneficiary({
        poolId: 1n,
        beneficiary: ngo.address,
        allowed: true,
      });
      expect(set).to.include({ poolId: 1n, beneficiary: ngo.address, allowed: true });
      expect(await revenue.isBeneficiary({ poolId: 1n, account: ngo.address })).to.equal(true);
      expect(await revenue.isBeneficiary({ poolId: 2n, account: ngo.address })).to.equal(false);

      const notProvider = await expectRejection(
        as(stranger).setBeneficiary({ poolId: 1n, beneficiary: ngo.address, allowed: false }),
        ContractRevertError,
        "RevenuePoolNotProvider",
      );
      expect(notProvider.contractName).to.equal("RevenuePool");
      expect(notProvider.args).to.include({ caller: stranger.address, provider: provider.address });
      expect(notProvider.shortMessage).to.contain("Only the pool's provider");
      const unknown = await expectRejection(
        revenue.setBeneficiary({ poolId: 9n, beneficiary: ngo.address, allowed: true }),
        ContractRevertError,
        "RevenuePoolUnknownPool",
      );
      expect(unknown.args.poolId).to.equal(9n);
      await expectRejection(
        revenue.setBeneficiary({ poolId: 1n, beneficiary: ethers.ZeroAddress, allowed: true }),
        InvalidInputError,
        "beneficiary must not be the zero address",
      );
    });
  });

  describe("membership", () => {
    it("joins a citizen whose consent covers the pool, and refuses one without, twice, or an unknown pool", async () => {
      const { revenue, as, alice, stranger } = await loadFixture(revenueFixture);
      expect(await revenue.hasValidConsent({ poolId: 1n, member: alice.address })).to.equal(true);
      const joined = await as(alice).join({ poolId: 1n });
      expect(joined).to.include({
        poolId: 1n,
        member: alice.address,
        previousWeight: 0,
        weight: 1,
        change: "joined",
      });
      expect(joined.gasUsed > 0n).to.equal(true);
      expect(await revenue.memberOf({ poolId: 1n, member: alice.address })).to.deep.equal({
        weight: 1,
        autoDonateBps: 0,
        autoDonateTo: (await revenue.getPool(1n)).city,
        claimable: 0n,
      });
      expect((await revenue.getPool(1n)).totalWeight).to.equal(1);

      expect(await revenue.hasValidConsent({ poolId: 1n, member: stranger.address })).to.equal(
        false,
      );
      const noConsent = await expectRejection(
        as(stranger).join({ poolId: 1n }),
        ContractRevertError,
        "RevenuePoolNoValidConsent",
      );
      expect(noConsent.args).to.include({ poolId: 1n, member: stranger.address });
      expect(noConsent.shortMessage).to.contain("grant (or renew) it first");
      const twice = await expectRejection(
        as(alice).join({ poolId: 1n }),
        ContractRevertError,
        "RevenuePoolAlreadyMember",
      );
      expect(twice.args.member).to.equal(alice.address);
      await expectRejection(
        as(alice).join({ poolId: 7n }),
        ContractRevertError,
        "RevenuePoolUnknownPool",
      );
    });

    it("joins by signature: the provider relays any weight, the member's operator the default", async () => {
      const { revenue, as, consent, alice, carol, operator, provider } =
        await loadFixture(revenueFixture);
      expect(await revenue.nonces(alice.address)).to.equal(0n);
      const signed = await revenue.signJoin(alice, { poolId: 1n, weight: 5 });
      expect(signed.request).to.include({
        poolId: 1n,
        member: alice.address,
        weight: 5,
        nonce: 0n,
      });
      const before = await nonceOf(alice);
      const joined = await revenue.joinBySig(signed); // the client's runner is the provider
      expect(joined).to.include({ member: alice.address, weight: 5, change: "joined" });
      expect(await nonceOf(alice)).to.equal(before); // alice sent nothing
      expect(await revenue.nonces(alice.address)).to.equal(1n);

      await consent(carol).setOperator({ operator: operator.address });
      const byOperator = await revenue.signJoin(carol, { poolId: 1n });
      expect(byOperator.request.weight).to.equal(1); // the pool's default
      expect(await as(operator).joinBySig(byOperator)).to.include({
        member: carol.address,
        weight: 1,
      });
      expect((await revenue.getPool(1n)).totalWeight).to.equal(6);
      expect(provider.address).to.not.equal(operator.address);
    });

    it("relays a batch of signed joins in one transaction, all or nothing", async () => {
      const { revenue, alice, bob, carol, dave } = await loadFixture(revenueFixture);
      const batch = await Promise.all(
        [alice, bob, carol].map((m) => revenue.signJoin(m, { poolId: 1n })),
      );
      const joined = await revenue.joinBatchBySig(batch);
      expect(joined.map((j) => [j.member, j.weight, j.change])).to.deep.equal([
        [alice.address, 1, "joined"],
        [bob.address, 1, "joined"],
        [carol.address, 1, "joined"],
      ]);
      expect(new Set(joined.map((j) => j.transactionHash)).size).to.equal(1);
      expect((await revenue.getPool(1n)).totalWeight).to.equal(3);
      // One request already used: the whole batch reverts with its error, and dave does not join.
      const again = [await revenue.signJoin(dave, { poolId: 1n }), batch[0]!];
      const refused = await expectRejection(
        revenue.joinBatchBySig(again),
        ContractRevertError,
        "InvalidAccountNonce",
      );
      expect(refused.args.account).to.equal(alice.address);
      expect((await revenue.memberOf({ poolId: 1n, member: dave.address })).weight).to.equal(0);
      await expectRejection(revenue.joinBatchBySig([]), InvalidInputError, "at least one");
    });

    it("refuses a signed join relayed by a stranger, with a weight only the provider may give, replayed, expired or forged", async () => {
      const { revenue, as, consent, alice, bob, carol, operator, stranger } =
        await loadFixture(revenueFixture);
      const signed = await revenue.signJoin(alice, { poolId: 1n });
      const relayer = await expectRejection(
        as(stranger).joinBySig(signed),
        ContractRevertError,
        "RevenuePoolUnauthorizedRelayer",
      );
      expect(relayer.args.caller).to.equal(stranger.address);

      await consent(carol).setOperator({ operator: operator.address });
      const heavy = await revenue.signJoin(carol, { poolId: 1n, weight: 2 });
      const weight = await expectRejection(
        as(operator).joinBySig(heavy),
        ContractRevertError,
        "RevenuePoolWeightNeedsProvider",
      );
      expect(weight.args).to.include({ weight: 2n, defaultWeight: 1n });

      await revenue.joinBySig(signed);
      const replay = await expectRejection(
        revenue.joinBySig(signed),
        ContractRevertError,
        "InvalidAccountNonce",
      );
      expect(replay.contractName).to.equal("RevenuePool");
      expect(replay.args).to.include({ account: alice.address, currentNonce: 1n });
      expect(replay.shortMessage).to.contain("sign again");

      const late = await revenue.signJoin(bob, { poolId: 1n });
      await time.increase(3_601);
      const expired = await expectRejection(
        revenue.joinBySig(late),
        ContractRevertError,
        "RevenuePoolExpiredSignature",
      );
      expect(expired.args.deadline).to.equal(late.request.deadline);

      const forged = await revenue.signJoin(stranger, { poolId: 1n, member: bob.address });
      const invalid = await expectRejection(
        revenue.joinBySig(forged),
        ContractRevertError,
        "RevenuePoolInvalidSignature",
      );
      expect(invalid.args.member).to.equal(bob.address);
    });

    it("sets one or many weights (the provider only), and lets a member leave keeping what it earned", async () => {
      const { revenue, as, alice, bob, carol, stranger } = await loadFixture(fundedFixture);
      const set = await revenue.setWeight({ poolId: 1n, member: alice.address, weight: 2 });
      expect(set).to.include({ previousWeight: 1, weight: 2, change: "set" });
      const many = await revenue.setWeights({
        poolId: 1n,
        members: [alice.address, bob.address],
        weights: [4, 6],
      });
      expect(
        many.changes.map((c) => [c.member, c.previousWeight, c.weight, c.change]),
      ).to.deep.equal([
        [alice.address, 2, 4, "set"],
        [bob.address, 3, 6, "set"],
      ]);
      expect((await revenue.getPool(1n)).totalWeight).to.equal(10);

      await expectRejection(
        revenue.setWeights({ poolId: 1n, members: [alice.address, bob.address], weights: [1] }),
        InvalidInputError,
        "members and weights must have the same length",
      );
      await expectRejection(
        revenue.setWeights({ poolId: 1n, members: [], weights: [] }),
        InvalidInputError,
        "members must list at least one member",
      );
      await expectRejection(
        revenue.setWeight({ poolId: 1n, member: alice.address, weight: 2 ** 32 }),
        InvalidInputError,
        "weight",
      );
      const notMember = await expectRejection(
        revenue.setWeight({ poolId: 1n, member: carol.address, weight: 1 }),
        ContractRevertError,
        "RevenuePoolNotMember",
      );
      expect(notMember.args.member).to.equal(carol.address);
      await expectRejection(
        as(stranger).setWeights({ poolId: 1n, members: [alice.address], weights: [1] }),
        ContractRevertError,
        "RevenuePoolNotProvider",
      );

      const left = await as(alice).leave({ poolId: 1n });
      expect(left).to.include({
        member: alice.address,
        previousWeight: 4,
        weight: 0,
        change: "left",
      });
      expect(await revenue.claimableOf({ poolId: 1n, member: alice.address })).to.equal(
        parseEther("150"),
      );
      await expectRejection(
        as(alice).leave({ poolId: 1n }),
        ContractRevertError,
        "RevenuePoolNotMember",
      );
      // Weight 0 removes a member.
      expect(await revenue.setWeight({ poolId: 1n, member: bob.address, weight: 0 })).to.include({
        weight: 0,
        change: "set",
      });
    });

    it("settles out members whose consent lapsed, one or in a batch that skips the rest", async () => {
      const { revenue, as, consent, grantee, alice, bob, carol, dave, stranger } =
        await loadFixture(membersFixture);
      await as(dave).join({ poolId: 1n });
      for (const citizen of [bob, dave]) {
        await consent(citizen).withdraw({
          subject: citizen.address,
          grantee: grantee.address,
          purpose: R_AND_D,
        });
      }
      expect(await revenue.hasValidConsent({ poolId: 1n, member: bob.address })).to.equal(false);
      const out = await as(stranger).settleOut({ poolId: 1n, member: bob.address });
      expect(out).to.include({
        member: bob.address,
        previousWeight: 3,
        weight: 0,
        change: "settledOut",
      });
      const still = await expectRejection(
        as(stranger).settleOut({ poolId: 1n, member: alice.address }),
        ContractRevertError,
        "RevenuePoolConsentStillValid",
      );
      expect(still.args.member).to.equal(alice.address);
      await expectRejection(
        as(stranger).settleOut({ poolId: 1n, member: carol.address }),
        ContractRevertError,
        "RevenuePoolNotMember",
      );

      const batch = await as(stranger).settleOutBatch({
        poolId: 1n,
        members: [alice.address, bob.address, carol.address, dave.address],
      });
      expect(batch.settled).to.equal(1);
      expect(batch.members).to.deep.equal([dave.address]);
      expect((await revenue.getPool(1n)).totalWeight).to.equal(1);
    });
  });

  describe("money in", () => {
    it("deposits an ERC-20 only once the pool contract is approved, or approves exactly the amount when asked", async () => {
      const { revenue, as, token, stranger, alice, bob, poolAddress, tokenAddress } =
        await loadFixture(membersFixture);
      const before = await nonceOf(stranger);
      const refused = await expectRejection(
        as(stranger).deposit({ poolId: 1n, amount: PRICE }),
        InvalidInputError,
        `approve the pool contract (${poolAddress}) for ${PRICE} of the pool's token (${tokenAddress}) first`,
      );
      expect(refused.message).to.contain("approve: true");
      expect(await nonceOf(stranger)).to.equal(before);

      const deposited = await as(stranger).deposit({ poolId: 1n, amount: PRICE, approve: true });
      expect(await nonceOf(stranger)).to.equal(before + 2); // the approval, then the deposit
      expect(await token.allowance(stranger.address, poolAddress)).to.equal(0n);
      expect(deposited).to.include({ poolId: 1n, payer: stranger.address, amount: PRICE });
      expect(deposited.split).to.deep.equal(expectedSplit(PRICE));
      expect(await revenue.claimableOf({ poolId: 1n, member: alice.address })).to.equal(
        parseEther("150"),
      );
      expect(await revenue.claimableOf({ poolId: 1n, member: bob.address })).to.equal(
        parseEther("450"),
      );
      expect(await revenue.accountsOf(1n)).to.deep.equal({
        received: PRICE,
        accumulatedPerWeight: parseEther("150"),
        carried: 0n,
        unassigned: 0n,
      });
      expect(await revenue.splitRemainder(1n)).to.equal(0n);

      // With an allowance that covers it, nothing is approved.
      await token.connect(stranger).approve(poolAddress, 100n);
      await as(stranger).deposit({ poolId: 1n, amount: 100n });
      expect(await nonceOf(stranger)).to.equal(before + 4);
    });

    it("deposits the native coin with the call", async () => {
      const { revenue, as, stranger, alice, poolAddress } = await loadFixture(revenueFixture);
      await as(alice).join({ poolId: 2n });
      const deposited = await as(stranger).deposit({ poolId: 2n, amount: 1_000n });
      expect(deposited.split).to.deep.equal(expectedSplit(1_000n));
      expect(await ethers.provider.getBalance(poolAddress)).to.equal(1_000n);
      expect(await revenue.claimableOf({ poolId: 2n, member: alice.address })).to.equal(600n);
    });

    it("refuses a deposit of nothing or into an unknown pool, and decodes the token's and the pool's refusals", async () => {
      const { revenue, as, stranger, dave, terms, alice } = await loadFixture(revenueFixture);
      await expectRejection(
        as(stranger).deposit({ poolId: 1n, amount: 0n }),
        InvalidInputError,
        "amount must be more than zero",
      );
      await expectRejection(
        as(stranger).deposit({ poolId: 9n, amount: 1n, approve: true }),
        ContractRevertError,
        "RevenuePoolUnknownPool",
      );
      // dave holds no tokens: the token's own error, explained.
      const poor = await expectRejection(
        as(dave).deposit({ poolId: 1n, amount: 5n, approve: true }),
        ContractRevertError,
        "ERC20InsufficientBalance",
      );
      expect(poor.contractName).to.equal("The payment token");
      expect(poor.args).to.include({ sender: dave.address, balance: 0n, needed: 5n });
      expect(poor.shortMessage).to.contain("balance is below");

      const feeToken = await ethers.deployContract("FeeOnTransferERC20", [100n]);
      await feeToken.mint(stranger.address, 10_000n);
      const { poolId } = await revenue.createPool({
        ...terms,
        token: await feeToken.getAddress(),
      });
      await as(alice).join({ poolId });
      const shortfall = await expectRejection(
        as(stranger).deposit({ poolId, amount: 10_000n, approve: true }),
        ContractRevertError,
        "RevenuePoolTransferShortfall",
      );
      expect(shortfall.args).to.include({ expected: 10_000n, received: 9_900n });
      expect(shortfall.shortMessage).to.contain("fee-on-transfer");
    });

    it("explains a payment that would overflow the pool's running totals", async () => {
      const { as, token, alice, stranger } = await loadFixture(revenueFixture);
      await as(alice).join({ poolId: 1n }); // weight 1: one unit of weight takes 60% of each payment
      const huge = 2n ** 97n; // 60% of it is above 2^96
      await token.mint(stranger.address, huge);
      const overflow = await expectRejection(
        as(stranger).deposit({ poolId: 1n, amount: huge, approve: true }),
        ContractRevertError,
        "SafeCastOverflowedUintDowncast",
      );
      expect(overflow.args.bits).to.equal(96n);
      expect(overflow.shortMessage).to.contain("overflow the pool's running totals");
    });
  });

  describe("money out", () => {
    it("claims to the member or to another address, and refuses a claim of nothing", async () => {
      const { revenue, as, token, alice, bob, dave } = await loadFixture(fundedFixture);
      const claimed = await as(alice).claim({ poolId: 1n });
      expect(claimed).to.deep.include({
        poolId: 1n,
        member: alice.address,
        to: alice.address,
        amount: parseEther("150"),
        fee: 0n,
        autoDonation: null,
      });
      expect(await token.balanceOf(alice.address)).to.equal(parseEther("150"));
      const nothing = await expectRejection(
        as(alice).claim({ poolId: 1n }),
        ContractRevertError,
        "RevenuePoolNothingToClaim",
      );
      expect(nothing.args).to.include({ poolId: 1n, account: alice.address });

      expect(await as(bob).claim({ poolId: 1n, to: dave.address })).to.include({
        to: dave.address,
        amount: parseEther("450"),
      });
      expect(await token.balanceOf(dave.address)).to.equal(parseEther("450"));
      expect(await revenue.claimableOf({ poolId: 1n, member: bob.address })).to.equal(0n);
      await expectRejection(
        as(bob).claim({ poolId: 1n, to: ethers.ZeroAddress }),
        InvalidInputError,
        "to must not be the zero address",
      );
    });

    it("claims by signature, paying the relayer exactly the signed fee", async () => {
      const { revenue, as, token, alice, relayer } = await loadFixture(fundedFixture);
      const signed = await revenue.signClaim(alice, { poolId: 1n, fee: parseEther("1") });
      expect(signed.request).to.include({
        poolId: 1n,
        member: alice.address,
        to: alice.address,
        fee: parseEther("1"),
        nonce: 0n,
      });
      const claimed = await as(relayer).claimBySig(signed);
      expect(claimed).to.include({ amount: parseEther("149"), fee: parseEther("1") });
      expect(await token.balanceOf(relayer.address)).to.equal(parseEther("1"));
      expect(await token.balanceOf(alice.address)).to.equal(parseEther("149"));
      expect(await revenue.nonces(alice.address)).to.equal(1n);
    });

    it("refuses a signed claim whose fee exceeds it, or that was altered", async () => {
      const { revenue, as, bob, dave, relayer } = await loadFixture(fundedFixture);
      const greedy = await revenue.signClaim(bob, { poolId: 1n, fee: parseEther("451") });
      const fee = await expectRejection(
        as(relayer).claimBySig(greedy),
        ContractRevertError,
        "RevenuePoolFeeExceedsClaim",
      );
      expect(fee.args).to.include({ fee: parseEther("451"), amount: parseEther("450") });
      const signed = await revenue.signClaim(bob, { poolId: 1n, fee: 0n });
      const altered = { ...signed, request: { ...signed.request, to: dave.address as Hex } };
      await expectRejection(
        as(relayer).claimBySig(altered),
        ContractRevertError,
        "RevenuePoolInvalidSignature",
      );
      await expectRejection(
        revenue.signClaim(bob, { poolId: 1n, fee: -1n }),
        InvalidInputError,
        "fee",
      );
      await expectRejection(
        as(relayer).claimBySig({ ...signed, signature: "0xnope" as Hex }),
        InvalidInputError,
        "signature must be a hex string",
      );
    });

    it("donates to the city or a registered beneficiary, who withdraw it", async () => {
      const { revenue, as, token, alice, bob, city, ngo, stranger } =
        await loadFixture(fundedFixture);
      const gift = await as(alice).donate({
        poolId: 1n,
        beneficiary: "city",
        amount: parseEther("50"),
      });
      expect(gift).to.include({
        poolId: 1n,
        member: alice.address,
        beneficiary: city.address,
        amount: parseEther("50"),
      });
      expect(await revenue.donationsOf({ poolId: 1n, beneficiary: "city" })).to.equal(
        parseEther("50"),
      );
      const tooMuch = await expectRejection(
        as(alice).donate({ poolId: 1n, beneficiary: "city", amount: parseEther("101") }),
        ContractRevertError,
        "RevenuePoolInsufficientBalance",
      );
      expect(tooMuch.args).to.include({
        requested: parseEther("101"),
        available: parseEther("100"),
      });
      const notBeneficiary = await expectRejection(
        as(bob).donate({ poolId: 1n, beneficiary: ngo.address, amount: 1n }),
        ContractRevertError,
        "RevenuePoolNotBeneficiary",
      );
      expect(notBeneficiary.args.beneficiary).to.equal(ngo.address);
      await expectRejection(
        as(bob).donate({ poolId: 1n, beneficiary: "city", amount: 0 }),
        InvalidInputError,
        "amount must be more than zero",
      );

      await revenue.setBeneficiary({ poolId: 1n, beneficiary: ngo.address, allowed: true });
      await as(bob).donate({ poolId: 1n, beneficiary: ngo.address, amount: parseEther("450") });
      expect(await revenue.claimableOf({ poolId: 1n, member: bob.address })).to.equal(0n);

      const paid = await as(stranger).withdrawDonations({ poolId: 1n, beneficiary: "city" });
      expect(paid).to.include({ beneficiary: city.address, amount: parseEther("50") });
      expect(await token.balanceOf(city.address)).to.equal(parseEther("50"));
      expect(
        await as(stranger).withdrawDonations({ poolId: 1n, beneficiary: ngo.address }),
      ).to.include({ amount: parseEther("450") });
      await expectRejection(
        as(stranger).withdrawDonations({ poolId: 1n, beneficiary: "city" }),
        ContractRevertError,
        "RevenuePoolNothingToClaim",
      );
    });

    it("sets a standing auto-donation in percent or basis points, which claims report", async () => {
      const { revenue, as, alice, bob, city, ngo, stranger } = await loadFixture(fundedFixture);
      const set = await as(alice).setAutoDonate({ poolId: 1n, percent: 10 });
      expect(set).to.include({ member: alice.address, beneficiary: city.address, bps: 1_000 });
      expect(await revenue.memberOf({ poolId: 1n, member: alice.address })).to.include({
        autoDonateBps: 1_000,
        autoDonateTo: city.address,
      });
      const claimed = await as(alice).claim({ poolId: 1n });
      expect(claimed.amount).to.equal(parseEther("135"));
      expect(claimed.autoDonation).to.deep.equal({
        beneficiary: city.address,
        amount: parseEther("15"),
      });

      await revenue.setBeneficiary({ poolId: 1n, beneficiary: ngo.address, allowed: true });
      expect(
        await as(bob).setAutoDonate({ poolId: 1n, beneficiary: ngo.address, bps: 2_550 }),
      ).to.include({ beneficiary: ngo.address, bps: 2_550 });
      expect(await as(bob).setAutoDonate({ poolId: 1n, percent: 12.5 })).to.include({ bps: 1_250 });

      const cases: [() => Promise<unknown>, string][] = [
        [() => as(bob).setAutoDonate({ poolId: 1n }), "not both or neither"],
        [() => as(bob).setAutoDonate({ poolId: 1n, percent: 10, bps: 1_000 }), "not both"],
        [() => as(bob).setAutoDonate({ poolId: 1n, percent: 100.5 }), "from 0 to 100"],
        [() => as(bob).setAutoDonate({ poolId: 1n, percent: 12.345 }), "at most two decimals"],
        [() => as(bob).setAutoDonate({ poolId: 1n, bps: 10_001 }), "bps must be between 0 and"],
        [
          () => as(bob).setAutoDonate({ poolId: 1n, beneficiary: "the city", percent: 1 }),
          "beneficiary is not an address",
        ],
      ];
      for (const [call, fragment] of cases)
        await expectRejection(call(), InvalidInputError, fragment);
      const refused = await expectRejection(
        as(bob).setAutoDonate({ poolId: 1n, beneficiary: stranger.address, percent: 5 }),
        ContractRevertError,
        "RevenuePoolNotBeneficiary",
      );
      expect(refused.shortMessage).to.contain("registered");
    });

    it("pays members in a batch, reporting who was paid how much, who failed and who was skipped", async () => {
      const { revenue, as, alice, bob, carol, dave, stranger, city } =
        await loadFixture(revenueFixture);
      const refusing = await ethers.deployContract("RejectingReceiver");
      const refusingAddress = (await refusing.getAddress()) as Hex;
      for (const m of [alice, bob, carol]) await as(m).join({ poolId: 2n });
      const redirected = await as(alice).setPayoutAddress({
        poolId: 2n,
        payoutAddress: refusingAddress,
      });
      expect(redirected).to.include({ member: alice.address, payoutAddress: refusingAddress });
      expect(await revenue.payoutAddressOf({ poolId: 2n, member: alice.address })).to.equal(
        refusingAddress,
      );
      await as(bob).setAutoDonate({ poolId: 2n, percent: 10 });
      await as(stranger).deposit({ poolId: 2n, amount: 1_000n }); // 600 for 3 members: 200 each

      const members = [alice.address, bob.address, carol.address, dave.address];
      const result = await as(stranger).payout({ poolId: 2n, members });
      expect(result.paid).to.deep.equal([
        { member: bob.address, to: bob.address, amount: 180n, donated: 20n },
        { member: carol.address, to: carol.address, amount: 200n, donated: 0n },
      ]);
      expect(result.failed).to.deep.equal([
        { member: alice.address, to: refusingAddress, amount: 200n },
      ]);
      expect(result.skipped).to.deep.equal([dave.address]);
      expect(result.total).to.equal(380n);
      expect(await revenue.claimableOf({ poolId: 2n, member: alice.address })).to.equal(200n);
      expect(await revenue.donationsOf({ poolId: 2n, beneficiary: city.address })).to.equal(20n);

      // Again: nobody is paid twice; alice's recipient refuses again.
      const again = await as(stranger).payout({ poolId: 2n, members });
      expect(again.paid).to.deep.equal([]);
      expect(again.failed.map((f) => f.member)).to.deep.equal([alice.address]);
      expect(again.skipped).to.deep.equal([bob.address, carol.address, dave.address]);

      const reset = await as(alice).setPayoutAddress({ poolId: 2n, payoutAddress: null });
      expect(reset.payoutAddress).to.equal(null);
      expect(await revenue.payoutAddressOf({ poolId: 2n, member: alice.address })).to.equal(
        alice.address,
      );
      const third = await as(stranger).payout({ poolId: 2n, members: [alice.address] });
      expect(third.paid).to.deep.equal([
        { member: alice.address, to: alice.address, amount: 200n, donated: 0n },
      ]);
      await expectRejection(
        as(stranger).payout({ poolId: 2n, members: [] }),
        InvalidInputError,
        "members must list at least one member",
      );
      await expectRejection(
        as(stranger).payout({ poolId: 9n, members: [alice.address] }),
        ContractRevertError,
        "RevenuePoolUnknownPool",
      );
    });

    it("pays the platform, the city and the provider what the pool owes them", async () => {
      const { revenue, as, token, treasury, city, provider, stranger } =
        await loadFixture(fundedFixture);
      const split = expectedSplit(PRICE);
      expect(await revenue.owed(1n)).to.deep.equal({
        platform: split.platform,
        city: split.city,
        provider: split.provider,
      });
      const expected = [
        ["platform", treasury.address, split.platform],
        ["city", city.address, split.city],
        ["provider", provider.address, split.provider],
      ] as const;
      for (const [role, to, amount] of expected) {
        expect(await as(stranger).withdraw({ poolId: 1n, role })).to.include({
          poolId: 1n,
          role,
          to,
          amount,
        });
        expect(await token.balanceOf(to)).to.equal(amount);
      }
      expect(await revenue.owed(1n)).to.deep.equal({ platform: 0n, city: 0n, provider: 0n });
      const nothing = await expectRejection(
        as(stranger).withdraw({ poolId: 1n, role: "city" }),
        ContractRevertError,
        "RevenuePoolNothingToClaim",
      );
      expect(nothing.args.account).to.equal(city.address);
      await expectRejection(
        as(stranger).withdraw({ poolId: 1n, role: "members" as "city" }),
        InvalidInputError,
        'role must be one of "platform", "city", "provider"',
      );
    });
  });

  describe("event queries", () => {
    it("lists every member with something to claim, sorted, as of a block", async () => {
      const { revenue, as, alice, bob, carol, stranger } = await loadFixture(fundedFixture);
      await as(carol).join({ poolId: 1n }); // joins after the deposit: nothing yet
      await as(alice).claim({ poolId: 1n });
      expect(await revenue.membersWithBalance(1n)).to.deep.equal([
        { member: bob.address, claimable: parseEther("450") },
      ]);
      const before = await ethers.provider.getBlockNumber();
      await as(stranger).deposit({ poolId: 1n, amount: 500n, approve: true }); // weights 1 + 3 + 1: 60 each
      const sorted = [
        { member: alice.address, claimable: 60n },
        { member: bob.address, claimable: parseEther("450") + 180n },
        { member: carol.address, claimable: 60n },
      ].sort((a, b) => (a.member.toLowerCase() < b.member.toLowerCase() ? -1 : 1));
      expect(await revenue.membersWithBalance(1n, { concurrency: 1 })).to.deep.equal(sorted);
      expect(await revenue.membersWithBalance(1n, { toBlock: before })).to.deep.equal([
        { member: bob.address, claimable: parseEther("450") },
      ]);
      expect(await revenue.membersWithBalance(2n)).to.deep.equal([]);

      await expectRejection(
        revenue.membersWithBalance(1n, { concurrency: 0 }),
        InvalidInputError,
        "concurrency",
      );
      await expectRejection(
        revenue.membersWithBalance(1n, { fromBlock: 10, toBlock: 5 }),
        InvalidInputError,
        "toBlock must not be before fromBlock",
      );
    });

    it("reads a pool's activity as typed events in chain order; licence sales are DataLicensing's", async () => {
      const {
        revenue,
        as,
        alice,
        bob,
        ngo,
        stranger,
        buyer,
        city,
        grantee,
        provider,
        poolAddress,
        licensingAddress,
        tokenAddress,
      } = await loadFixture(revenueFixture);
      const from = await ethers.provider.getBlockNumber();
      await revenue.setBeneficiary({ poolId: 1n, beneficiary: ngo.address, allowed: true });
      await as(alice).join({ poolId: 1n });
      await as(bob).join({ poolId: 1n });
      await as(stranger).deposit({ poolId: 1n, amount: 1_000n, approve: true });
      await as(alice).setAutoDonate({ poolId: 1n, beneficiary: ngo.address, percent: 50 });
      await as(alice).claim({ poolId: 1n });
      await as(bob).setPayoutAddress({ poolId: 1n, payoutAddress: stranger.address });
      await as(stranger).payout({ poolId: 1n, members: [bob.address] });
      await as(stranger).withdraw({ poolId: 1n, role: "city" });
      await as(stranger).withdrawDonations({ poolId: 1n, beneficiary: ngo.address });
      await as(stranger).deposit({ poolId: 2n, amount: 10n }); // another pool's

      // A licence sale into pool 1: DataLicensing's event, not the pool's.
      const licensing = LicensingClient.connect(licensingAddress, provider);
      const partiesId = await licensing.registerParties({
        city: city.address,
        contributors: poolAddress,
      });
      const { productId } = await licensing.publish({
        partiesId,
        token: tokenAddress,
        price: 2_000n,
        period: 0n,
        renewable: false,
        purposes: [R_AND_D],
        consentGrantee: grantee.address,
        metadataURI: "ipfs://pool-product",
        termsHash: TERMS,
        poolId: 1n,
      });
      const sale = await licensing
        .withRunner(buyer)
        .buy({ productId, purpose: R_AND_D, maxPrice: 2_000n, approve: true });
      expect(sale.sale.contributorsShare).to.equal(1_200n);

      const activity = await revenue.poolActivity(1n, { fromBlock: from });
      expect(activity.map((e) => e.type)).to.deep.equal([
        "beneficiarySet",
        "weightChanged",
        "weightChanged",
        "deposited",
        "autoDonateSet",
        "donated",
        "claimed",
        "payoutAddressSet",
        "paidOut",
        "revenueWithdrawn",
        "donationsWithdrawn",
      ]);
      expect(activity.every((e) => e.poolId === 1n)).to.equal(true);
      const blocks = activity.map((e) => e.blockNumber);
      expect([...blocks].sort((a, b) => a - b)).to.deep.equal(blocks);
      const byType = <T extends PoolActivity["type"]>(type: T) =>
        activity.filter((e): e is Extract<PoolActivity, { type: T }> => e.type === type);
      expect(byType("deposited")[0]).to.deep.include({ payer: stranger.address, amount: 1_000n });
      expect(byType("deposited")[0]?.split).to.deep.equal(expectedSplit(1_000n));
      expect(byType("claimed")[0]).to.include({ member: alice.address, amount: 150n, fee: 0n });
      expect(byType("donated")[0]).to.include({ beneficiary: ngo.address, amount: 150n });
      expect(byType("paidOut")[0]).to.include({
        member: bob.address,
        to: stranger.address,
        amount: 300n,
      });
      expect(byType("revenueWithdrawn")[0]).to.include({
        role: "city",
        to: city.address,
        amount: 150n,
      });
      expect(byType("weightChanged").map((e) => e.change)).to.deep.equal(["joined", "joined"]);

      // The sale shows in the pool's accounts, not in its activity.
      expect((await revenue.accountsOf(1n)).received).to.equal(3_000n);
      const created = await revenue.poolActivity(1n, { types: ["poolCreated", "deposited"] });
      expect(created.map((e) => e.type)).to.deep.equal(["poolCreated", "deposited"]);
      const first = created[0];
      if (first?.type !== "poolCreated") throw new Error("expected the pool's creation first");
      expect(first.provider).to.equal(provider.address);
      expect(first.terms.shares).to.deep.equal(SHARES);
      expect(
        (await revenue.poolActivity(2n, { fromBlock: from })).map((e) => e.type),
      ).to.deep.equal(["deposited"]);
      await expectRejection(
        revenue.poolActivity(1n, { types: ["sold" as "deposited"] }),
        InvalidInputError,
        "types[0] must be one of",
      );
    });
  });

  describe("reads and errors", () => {
    it("signs joins and claims over the domain the contract reports, with the member's current nonce", async () => {
      const { revenue, as, alice, poolAddress } = await loadFixture(fundedFixture);
      const domain = await revenue.domain();
      expect(domain).to.deep.equal({
        name: "RevenuePool",
        version: "1",
        chainId: (await ethers.provider.getNetwork()).chainId,
        verifyingContract: poolAddress,
      });
      const claim = await revenue.signClaim(alice, { poolId: 1n, fee: 0n, deadline: 2n ** 40n });
      expect(claim.request.deadline).to.equal(2n ** 40n);
      const typed = revenueTypedData(domain, "ClaimRequest", claim.request);
      const types = { ClaimRequest: [...typed.types.ClaimRequest] };
      expect(verifyTypedData(domain, types, claim.request, claim.signature)).to.equal(
        alice.address,
      );
      await as(alice).claim({ poolId: 1n }); // a direct claim uses no nonce
      expect(await revenue.nonces(alice.address)).to.equal(0n);
      await revenue.setWeight({ poolId: 1n, member: alice.address, weight: 0 });
      const join = await revenue.signJoin(alice, { poolId: 1n });
      expect(join.request.nonce).to.equal(0n);
      await revenue.joinBySig(join);
      // Joins and claims share one nonce sequence: the claim signed before the join is now stale.
      const stale = await expectRejection(
        revenue.claimBySig(claim),
        ContractRevertError,
        "InvalidAccountNonce",
      );
      expect(stale.args.currentNonce).to.equal(1n);
    });

    it("reports an unknown pool from every read that needs one", async () => {
      const { revenue, alice } = await loadFixture(revenueFixture);
      const reads: (() => Promise<unknown>)[] = [
        () => revenue.getPool(9n),
        () => revenue.accountsOf(9n),
        () => revenue.owed(9n),
        () => revenue.splitRemainder(9n),
        () => revenue.memberOf({ poolId: 9n, member: alice.address }),
        () => revenue.claimableOf({ poolId: 9n, member: alice.address }),
        () => revenue.isBeneficiary({ poolId: 9n, account: alice.address }),
        () => revenue.hasValidConsent({ poolId: 9n, member: alice.address }),
        () => revenue.donationsOf({ poolId: 9n, beneficiary: "city" }),
        () => revenue.withRunner(alice).setPayoutAddress({ poolId: 9n, payoutAddress: null }),
        () => revenue.withRunner(alice).setAutoDonate({ poolId: 9n, percent: 1 }),
        () => revenue.poolActivity(9n),
        () => revenue.membersWithBalance(9n),
      ];
      for (const read of reads) {
        const error = await expectRejection(read(), ContractRevertError, "RevenuePoolUnknownPool");
        expect(error.args.poolId).to.equal(9n);
        expect(error.shortMessage).to.contain("No pool with that id");
      }
    });

    it("decodes a revert inside the pool during a licence sale, in the licensing client", async () => {
      const {
        as,
        alice,
        city,
        grantee,
        provider,
        buyer,
        stranger,
        token,
        poolAddress,
        licensingAddress,
        tokenAddress,
      } = await loadFixture(revenueFixture);
      await as(alice).join({ poolId: 1n }); // weight 1: one unit of weight takes 60% of each sale
      const licensing = LicensingClient.connect(licensingAddress, provider);
      const partiesId = await licensing.registerParties({
        city: city.address,
        contributors: poolAddress,
      });
      const price = 2n ** 96n - 1n; // the largest price; two sales overflow what one unit earned (96 bits)
      const { productId } = await licensing.publish({
        partiesId,
        token: tokenAddress,
        price,
        period: 0n,
        renewable: false,
        purposes: [R_AND_D],
        consentGrantee: grantee.address,
        metadataURI: "ipfs://pool-product",
        termsHash: TERMS,
        poolId: 1n,
      });
      for (const payer of [buyer, stranger]) await token.mint(payer.address, price);
      await licensing
        .withRunner(buyer)
        .buy({ productId, purpose: R_AND_D, maxPrice: price, approve: true });
      const overflow = await expectRejection(
        licensing
          .withRunner(stranger)
          .buy({ productId, purpose: R_AND_D, maxPrice: price, approve: true }),
        ContractRevertError,
        "SafeCastOverflowedUintDowncast",
      );
      expect(overflow.args.bits).to.equal(96n);
      expect(overflow.shortMessage).to.contain("revenue pool");
    });

    it("refuses malformed input with an InvalidInputError naming the field, sending nothing", async () => {
      const { revenue, as, alice, stranger } = await loadFixture(fundedFixture);
      const before = await nonceOf(stranger);
      const signed = await revenue.signJoin(stranger, { poolId: 1n });
      const cases: [() => Promise<unknown>, string][] = [
        [() => as(stranger).join({ poolId: -1 }), "poolId"],
        [() => as(stranger).join({ poolId: 1.5 }), "poolId"],
        [() => revenue.signJoin(stranger, { poolId: 1n, weight: 0 }), "weight must be between 1"],
        [() => revenue.signJoin(stranger, { poolId: 1n, member: "me" }), "member"],
        [() => revenue.signJoin(stranger, { poolId: 1n, deadline: 0 }), "deadline"],
        [
          () => revenue.joinBySig({ ...signed, request: { ...signed.request, weight: 0 } }),
          "request.weight",
        ],
        [
          () =>
            revenue.joinBySig({
              ...signed,
              request: { ...signed.request, member: ethers.ZeroAddress as Hex },
            }),
          "request.member",
        ],
        [
          () => revenue.joinBySig({ ...signed, request: null as unknown as typeof signed.request }),
          "request must be a join request (as signJoin returns it)",
        ],
        [
          () =>
            revenue.claimBySig({ request: "claim" as unknown as ClaimRequest, signature: "0x12" }),
          "request must be a claim request (as signClaim returns it)",
        ],
        [() => revenue.signClaim(stranger, { poolId: 1n, to: "0x0", fee: 0n }), "to"],
        [() => as(stranger).claim({ poolId: 1n, to: "nobody" }), "to"],
        [() => as(stranger).deposit({ poolId: 1n, amount: -5n }), "amount"],
        [
          () =>
            as(stranger).deposit({ poolId: 1n, amount: 1n, approve: "yes" as unknown as boolean }),
          "approve must be true or false",
        ],
        [() => as(stranger).settleOut({ poolId: 1n, member: "0x12" }), "member"],
        [() => as(stranger).settleOutBatch({ poolId: 1n, members: ["0x12"] }), "members[0]"],
        [() => as(stranger).payout({ poolId: 1n, members: [alice.address, "x"] }), "members[1]"],
        [() => as(stranger).setPayoutAddress({ poolId: 1n, payoutAddress: "x" }), "payoutAddress"],
        [
          () => as(stranger).withdrawDonations({ poolId: 1n, beneficiary: ethers.ZeroAddress }),
          "beneficiary",
        ],
        [() => revenue.memberOf({ poolId: 1n, member: "x" }), "member"],
        [() => revenue.nonces("x"), "member"],
        [() => revenue.poolActivity(1n, { fromBlock: -1 }), "fromBlock"],
        [() => revenue.poolActivity(1n, { types: [] }), "types must list at least one"],
      ];
      for (const [call, fragment] of cases)
        await expectRejection(call(), InvalidInputError, fragment);
      expect(await nonceOf(stranger)).to.equal(before);
      expect(() => RevenueClient.connect("pool", ethers.provider)).to.throw(
        InvalidInputError,
        "revenue pool address",
      );
    });

    it("explains every error the contract and its token can raise", () => {
      const errors = expectEveryErrorExplained(
        RevenuePool__factory.abi,
        REVENUE_ERROR_EXPLANATIONS,
        [
          "InvalidAccountNonce",
          "ReentrancyGuardReentrantCall",
          "SafeERC20FailedOperation",
          "SafeCastOverflowedUintDowncast",
          "ERC20InsufficientAllowance",
          "ERC20InsufficientBalance",
          "ERC20InvalidSender",
          "ERC20InvalidReceiver",
          "ERC20InvalidApprover",
          "ERC20InvalidSpender",
        ],
      );
      expect(errors.length).to.be.greaterThan(30);
    });
  });
});
