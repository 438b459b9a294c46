import { expect } from "chai";
import { network } from "hardhat";
import { parseEther } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { CAT_A, CAT_C, OTHER_PURPOSE, PURPOSE } from "../helpers/consent.js";
import { DAY, TERMS } from "../helpers/licensing.js";
import {
  CHANGE,
  LICENSING_FEE_BPS,
  MISMATCH,
  POOL_CATEGORIES,
  ROLE,
  SHARES,
  consentTo,
  deployRevenueWorld,
  expectedSplit,
  poolParams,
  signRevenue,
} from "../helpers/revenue.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const now = async (): Promise<bigint> => BigInt(await time.latest());

type S = HardhatEthersSigner;
const PRICE = parseEther("1000");
const MAX = 2n ** 256n - 1n;

async function deployFixture() {
  const signers = await ethers.getSigners();
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
  const { registry, licensing, pool, token, poolAddress, categorySetId } = world;
  const tokenAddress = await token.getAddress();
  const params = poolParams(tokenAddress, city.address, grantee.address, categorySetId);
  await pool.connect(provider).createPool(params); // pool 1: ERC-20
  await pool.connect(provider).createPool({ ...params, token: ethers.ZeroAddress }); // pool 2: native coin
  await licensing.connect(provider).registerParties(city.address, poolAddress); // parties 1
  const product = {
    partiesId: 1n,
    token: tokenAddress,
    price: PRICE,
    period: 30n * DAY,
    renewable: true,
    cityBps: 0n,
    providerBps: 0n,
    purposes: [PURPOSE],
    consentGrantee: grantee.address,
    metadataURI: "ipfs://mobility",
    termsHash: TERMS,
    poolId: 1n,
  };
  await licensing.connect(provider).publish(product); // product 1 pays pool 1
  await licensing.connect(provider).publish({ ...product, token: ethers.ZeroAddress, poolId: 2n }); // product 2 → pool 2
  for (const payer of [buyer, stranger]) {
    await token.mint(payer.address, parseEther("1000000"));
    await token.connect(payer).approve(await licensing.getAddress(), MAX);
    await token.connect(payer).approve(poolAddress, MAX);
  }
  for (const citizen of [alice, bob, carol, dave])
    await consentTo(registry, citizen, grantee.address);
  return {
    ...world,
    tokenAddress,
    params,
    product,
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
  const f = await deployFixture();
  await f.pool.connect(f.alice).join(1n);
  await f.pool.connect(f.bob).join(1n);
  await f.pool.connect(f.provider).setWeight(1n, f.bob.address, 3n);
  return f;
}

/** Pool 1 with alice (1) and bob (3) after a deposit of 1,000 tokens: they share 600. */
async function fundedFixture() {
  const f = await membersFixture();
  await f.pool.connect(f.stranger).deposit(1n, PRICE);
  return f;
}

describe("RevenuePool", () => {
  describe("pools", () => {
    it("creates a pool with its shares and consent basis, and emits everything needed to rebuild it", async () => {
      const { pool, provider, params, tokenAddress, city, grantee, categorySetId } =
        await loadFixture(deployFixture);
      await expect(pool.connect(provider).createPool(params))
        .to.emit(pool, "PoolCreated")
        .withArgs(3n, provider.address, tokenAddress, [
          tokenAddress,
          city.address,
          SHARES.platform,
          SHARES.city,
          SHARES.provider,
          SHARES.contributors,
          grantee.address,
          PURPOSE,
          categorySetId,
          1n,
        ]);
      const stored = await pool.getPool(3n);
      expect(stored.provider).to.equal(provider.address);
      expect(stored.token).to.equal(tokenAddress);
      expect(stored.city).to.equal(city.address);
      expect([
        stored.platformBps,
        stored.cityBps,
        stored.providerBps,
        stored.contributorsBps,
      ]).to.deep.equal([SHARES.platform, SHARES.city, SHARES.provider, SHARES.contributors]);
      expect(stored.consentGrantee).to.equal(grantee.address);
      expect(stored.purpose).to.equal(PURPOSE);
      expect(stored.categorySetId).to.equal(categorySetId);
      expect(stored.defaultWeight).to.equal(1n);
      expect(stored.totalWeight).to.equal(0n);
      expect(await pool.poolCount()).to.equal(3n);
      expect(await pool.version()).to.equal("0.1.0");
    });

    it("refuses shares that do not add up to 100%, or give the platform less than its fee", async () => {
      const { pool, provider, params } = await loadFixture(deployFixture);
      await expect(pool.connect(provider).createPool({ ...params, contributorsBps: 5_999n }))
        .to.be.revertedWithCustomError(pool, "RevenuePoolInvalidShares")
        .withArgs(9_999n);
      await expect(pool.connect(provider).createPool({ ...params, contributorsBps: 6_001n }))
        .to.be.revertedWithCustomError(pool, "RevenuePoolInvalidShares")
        .withArgs(10_001n);
      await expect(
        pool
          .connect(provider)
          .createPool({ ...params, platformBps: 249n, contributorsBps: 6_251n }),
      )
        .to.be.revertedWithCustomError(pool, "RevenuePoolPlatformShareTooLow")
        .withArgs(249n, LICENSING_FEE_BPS);
      // Exactly the fee is enough.
      await expect(
        pool
          .connect(provider)
          .createPool({ ...params, platformBps: 250n, contributorsBps: 6_250n }),
      ).to.emit(pool, "PoolCreated");
    });

    it("refuses a zero city or grantee, a zero purpose, an unregistered category set and a zero weight", async () => {
      const { pool, provider, params } = await loadFixture(deployFixture);
      for (const bad of [{ city: ethers.ZeroAddress }, { consentGrantee: ethers.ZeroAddress }]) {
        await expect(
          pool.connect(provider).createPool({ ...params, ...bad }),
        ).to.be.revertedWithCustomError(pool, "RevenuePoolZeroAddress");
      }
      for (const bad of [
        { purpose: ethers.ZeroHash },
        { categorySetId: 0n },
        { categorySetId: 99n },
      ]) {
        await expect(
          pool.connect(provider).createPool({ ...params, ...bad }),
        ).to.be.revertedWithCustomError(pool, "RevenuePoolInvalidConsentBasis");
      }
      await expect(pool.connect(provider).createPool({ ...params, defaultWeight: 0n }))
        .to.be.revertedWithCustomError(pool, "RevenuePoolInvalidWeight")
        .withArgs(0n);
    });

    it("refuses a deployment without its registry or licensing contract", async () => {
      const { registry } = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("RevenuePool");
      await expect(
        factory.deploy(await registry.getAddress(), ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(factory, "RevenuePoolZeroAddress");
      await expect(
        factory.deploy(ethers.ZeroAddress, await registry.getAddress()),
      ).to.be.revertedWithCustomError(factory, "RevenuePoolZeroAddress");
    });

    it("reports unknown pools as such", async () => {
      const { pool, alice } = await loadFixture(deployFixture);
      for (const call of [
        pool.getPool(9n),
        pool.accountsOf(9n),
        pool.memberOf(9n, alice.address),
        pool.owed(9n),
        pool.connect(alice).join(9n),
        pool.connect(alice).deposit(9n, 1n),
        pool.connect(alice).payout(9n, [alice.address]),
        pool.connect(alice).withdraw(9n, ROLE.City),
      ]) {
        await expect(call)
          .to.be.revertedWithCustomError(pool, "RevenuePoolUnknownPool")
          .withArgs(9n);
      }
      await expect(pool.connect(alice).claim(9n, alice.address))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNothingToClaim")
        .withArgs(9n, alice.address);
    });

    it("lets only the provider register beneficiaries, never the zero address", async () => {
      const { pool, provider, stranger, ngo, city } = await loadFixture(deployFixture);
      expect(await pool.isBeneficiary(1n, city.address)).to.equal(true);
      expect(await pool.isBeneficiary(1n, ngo.address)).to.equal(false);
      await expect(pool.connect(provider).setBeneficiary(1n, ngo.address, true))
        .to.emit(pool, "BeneficiarySet")
        .withArgs(1n, ngo.address, true);
      expect(await pool.isBeneficiary(1n, ngo.address)).to.equal(true);
      expect(await pool.isBeneficiary(2n, ngo.address)).to.equal(false);
      await expect(pool.connect(stranger).setBeneficiary(1n, ngo.address, false))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNotProvider")
        .withArgs(stranger.address, provider.address);
      await expect(
        pool.connect(provider).setBeneficiary(1n, ethers.ZeroAddress, true),
      ).to.be.revertedWithCustomError(pool, "RevenuePoolZeroAddress");
    });
  });

  describe("membership", () => {
    it("lets a citizen with valid consent join with the default weight", async () => {
      const { pool, alice } = await loadFixture(deployFixture);
      await expect(pool.connect(alice).join(1n))
        .to.emit(pool, "WeightChanged")
        .withArgs(1n, alice.address, 0n, 1n, CHANGE.Joined);
      expect((await pool.memberOf(1n, alice.address)).weight).to.equal(1n);
      expect((await pool.getPool(1n)).totalWeight).to.equal(1n);
    });

    it("accepts a consent covering more categories than the pool needs", async () => {
      const { pool, registry, grantee, stranger } = await loadFixture(deployFixture);
      await consentTo(registry, stranger, grantee.address, [...POOL_CATEGORIES, CAT_C].sort());
      await expect(pool.connect(stranger).join(1n)).to.emit(pool, "WeightChanged");
    });

    it("refuses a join without a consent that covers the pool's grantee, purpose, categories and time", async () => {
      const { pool, registry, grantee, stranger, alice, operator } =
        await loadFixture(deployFixture);
      const refuse = async (who: S) =>
        expect(pool.connect(who).join(1n))
          .to.be.revertedWithCustomError(pool, "RevenuePoolNoValidConsent")
          .withArgs(1n, who.address);
      await refuse(stranger); // no consent at all
      await consentTo(registry, stranger, grantee.address, [CAT_A]); // one category short
      await refuse(stranger);
      await registry
        .connect(operator)
        .grant(grantee.address, OTHER_PURPOSE, POOL_CATEGORIES, 2n ** 40n, TERMS);
      await refuse(operator); // another purpose
      await registry.connect(alice).withdraw(alice.address, grantee.address, PURPOSE);
      await refuse(alice); // withdrawn
      await consentTo(registry, stranger, grantee.address, POOL_CATEGORIES, (await now()) + 100n);
      await time.increase(200);
      await refuse(stranger); // expired
    });

    it("refuses to join twice, or a zero weight", async () => {
      const { pool, provider, alice, carol } = await loadFixture(membersFixture);
      await expect(pool.connect(alice).join(1n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolAlreadyMember")
        .withArgs(1n, alice.address);
      const request = {
        poolId: 1n,
        member: carol.address as `0x${string}`,
        weight: 0,
        nonce: 0n,
        deadline: (await now()) + 3_600n,
      };
      await expect(
        pool
          .connect(provider)
          .joinBySig(request, await signRevenue(carol, pool, "JoinRequest", request)),
      )
        .to.be.revertedWithCustomError(pool, "RevenuePoolInvalidWeight")
        .withArgs(0n);
    });

    it("joins by the citizen's signature, relayed by the provider with any weight", async () => {
      const { pool, provider, carol } = await loadFixture(deployFixture);
      const request = {
        poolId: 1n,
        member: carol.address as `0x${string}`,
        weight: 7,
        nonce: 0n,
        deadline: (await now()) + 3_600n,
      };
      const signature = await signRevenue(carol, pool, "JoinRequest", request);
      await expect(pool.connect(provider).joinBySig(request, signature))
        .to.emit(pool, "WeightChanged")
        .withArgs(1n, carol.address, 0n, 7n, CHANGE.Joined);
      expect(await pool.nonces(carol.address)).to.equal(1n);
      // The same signature cannot be used again.
      await pool.connect(carol).leave(1n);
      await expect(pool.connect(provider).joinBySig(request, signature))
        .to.be.revertedWithCustomError(pool, "InvalidAccountNonce")
        .withArgs(carol.address, 1n);
    });

    it("joins by signature relayed by the citizen's operator, with the default weight only", async () => {
      const { pool, registry, operator, carol } = await loadFixture(deployFixture);
      await registry.connect(carol).setOperator(operator.address);
      const base = {
        poolId: 1n,
        member: carol.address as `0x${string}`,
        nonce: 0n,
        deadline: (await now()) + 3_600n,
      };
      const heavy = { ...base, weight: 5 };
      await expect(
        pool
          .connect(operator)
          .joinBySig(heavy, await signRevenue(carol, pool, "JoinRequest", heavy)),
      )
        .to.be.revertedWithCustomError(pool, "RevenuePoolWeightNeedsProvider")
        .withArgs(5n, 1n);
      const request = { ...base, weight: 1 };
      await expect(
        pool
          .connect(operator)
          .joinBySig(request, await signRevenue(carol, pool, "JoinRequest", request)),
      )
        .to.emit(pool, "WeightChanged")
        .withArgs(1n, carol.address, 0n, 1n, CHANGE.Joined);
    });

    it("refuses a signed join from another relayer, past its deadline, for another contract or by another signer", async () => {
      const { pool, provider, carol, stranger } = await loadFixture(deployFixture);
      const request = {
        poolId: 1n,
        member: carol.address as `0x${string}`,
        weight: 1,
        nonce: 0n,
        deadline: (await now()) + 3_600n,
      };
      const signature = await signRevenue(carol, pool, "JoinRequest", request);
      await expect(pool.connect(stranger).joinBySig(request, signature))
        .to.be.revertedWithCustomError(pool, "RevenuePoolUnauthorizedRelayer")
        .withArgs(stranger.address);
      const late = { ...request, deadline: (await now()) - 1n };
      await expect(
        pool.connect(provider).joinBySig(late, await signRevenue(carol, pool, "JoinRequest", late)),
      )
        .to.be.revertedWithCustomError(pool, "RevenuePoolExpiredSignature")
        .withArgs(late.deadline);
      const otherChain = await signRevenue(carol, pool, "JoinRequest", request, { chainId: 1n });
      const otherContract = await signRevenue(carol, pool, "JoinRequest", request, {
        verifyingContract: stranger.address,
      });
      const otherSigner = await signRevenue(stranger, pool, "JoinRequest", request);
      for (const bad of [otherChain, otherContract, otherSigner]) {
        await expect(pool.connect(provider).joinBySig(request, bad))
          .to.be.revertedWithCustomError(pool, "RevenuePoolInvalidSignature")
          .withArgs(carol.address);
      }
    });

    it("joins a smart-contract wallet by its ERC-1271 signature, and refuses it once the wallet says no", async () => {
      const { pool, registry, provider, grantee, carol } = await loadFixture(deployFixture);
      const wallet = await ethers.deployContract("MockSmartWallet", [carol.address]);
      const walletAddress = (await wallet.getAddress()) as `0x${string}`;
      await wallet
        .connect(carol)
        .execute(
          await registry.getAddress(),
          registry.interface.encodeFunctionData("grant", [
            grantee.address,
            PURPOSE,
            POOL_CATEGORIES,
            2n ** 40n,
            TERMS,
          ]),
        );
      const request = {
        poolId: 1n,
        member: walletAddress,
        weight: 1,
        nonce: 0n,
        deadline: (await now()) + 3_600n,
      };
      const signature = await signRevenue(carol, pool, "JoinRequest", request);
      await wallet.connect(carol).setAccepting(false);
      await expect(pool.connect(provider).joinBySig(request, signature))
        .to.be.revertedWithCustomError(pool, "RevenuePoolInvalidSignature")
        .withArgs(walletAddress);
      await wallet.connect(carol).setAccepting(true);
      await expect(pool.connect(provider).joinBySig(request, signature)).to.emit(
        pool,
        "WeightChanged",
      );
    });

    it("lets a member leave and keep what it earned", async () => {
      const { pool, alice, stranger } = await loadFixture(fundedFixture);
      await expect(pool.connect(alice).leave(1n))
        .to.emit(pool, "WeightChanged")
        .withArgs(1n, alice.address, 1n, 0n, CHANGE.Left);
      expect(await pool.claimableOf(1n, alice.address)).to.equal(parseEther("150"));
      await pool.connect(stranger).deposit(1n, PRICE);
      expect(await pool.claimableOf(1n, alice.address)).to.equal(parseEther("150"));
      await expect(pool.connect(alice).leave(1n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNotMember")
        .withArgs(1n, alice.address);
    });

    it("lets the provider change weights, settling what was earned at the old weight first", async () => {
      const { pool, provider, alice, bob, stranger } = await loadFixture(fundedFixture);
      // alice 1, bob 3 shared 600: 150 and 450. Now alice gets 3 and bob 1.
      await expect(pool.connect(provider).setWeights(1n, [alice.address, bob.address], [3n, 1n]))
        .to.emit(pool, "WeightChanged")
        .withArgs(1n, alice.address, 1n, 3n, CHANGE.Set);
      await pool.connect(stranger).deposit(1n, PRICE);
      expect(await pool.claimableOf(1n, alice.address)).to.equal(parseEther("600"));
      expect(await pool.claimableOf(1n, bob.address)).to.equal(parseEther("600"));
      // Weight zero removes a member; the balance stays.
      await pool.connect(provider).setWeight(1n, bob.address, 0n);
      expect((await pool.getPool(1n)).totalWeight).to.equal(3n);
      expect(await pool.claimableOf(1n, bob.address)).to.equal(parseEther("600"));
    });

    it("refuses weight changes by others, for non-members, without consent, or with lists of different lengths", async () => {
      const { pool, registry, provider, grantee, alice, bob, stranger } =
        await loadFixture(membersFixture);
      await expect(pool.connect(stranger).setWeight(1n, alice.address, 2n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNotProvider")
        .withArgs(stranger.address, provider.address);
      await expect(pool.connect(provider).setWeight(1n, stranger.address, 2n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNotMember")
        .withArgs(1n, stranger.address);
      await registry.connect(alice).withdraw(alice.address, grantee.address, PURPOSE);
      await expect(pool.connect(provider).setWeight(1n, alice.address, 2n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNoValidConsent")
        .withArgs(1n, alice.address);
      await expect(pool.connect(provider).setWeights(1n, [alice.address, bob.address], [1n]))
        .to.be.revertedWithCustomError(pool, "RevenuePoolLengthMismatch")
        .withArgs(2n, 1n);
    });

    it("refuses a total weight beyond 2^40 - 1", async () => {
      const { pool, registry, provider, grantee } = await loadFixture(deployFixture);
      const crowd = await ethers.deployContract("PoolCrowd");
      const crowdAddress = await crowd.getAddress();
      const enrol = (count: bigint) =>
        crowd.enrol(
          registry,
          pool,
          1n,
          grantee.address,
          PURPOSE,
          POOL_CATEGORIES,
          2n ** 40n,
          count,
        );
      await enrol(129n);
      await enrol(128n);
      // A contract's first CREATE uses nonce 1.
      const members = Array.from({ length: 257 }, (_, i) =>
        ethers.getCreateAddress({ from: crowdAddress, nonce: i + 1 }),
      );
      const maxWeight = 2n ** 32n - 1n;
      await pool.connect(provider).setWeights(
        1n,
        members.slice(0, 256),
        members.slice(0, 256).map(() => maxWeight),
      );
      expect((await pool.getPool(1n)).totalWeight).to.equal(256n * maxWeight + 1n);
      await expect(
        pool.connect(provider).setWeight(1n, members[256]!, maxWeight),
      ).to.be.revertedWithCustomError(pool, "RevenuePoolTotalWeightOverflow");
    });
  });

  describe("payments", () => {
    it("splits a deposit by the pool's shares and spreads the contributors' part over the weights", async () => {
      const { pool, token, stranger, alice, bob, poolAddress } = await loadFixture(membersFixture);
      const split = expectedSplit(PRICE);
      await expect(pool.connect(stranger).deposit(1n, PRICE))
        .to.emit(pool, "Deposited")
        .withArgs(1n, stranger.address, PRICE, [
          split.platform,
          split.city,
          split.provider,
          split.contributors,
        ]);
      expect(await token.balanceOf(poolAddress)).to.equal(PRICE);
      expect(await pool.owed(1n)).to.deep.equal([split.platform, split.city, split.provider]);
      expect(await pool.claimableOf(1n, alice.address)).to.equal(split.contributors / 4n);
      expect(await pool.claimableOf(1n, bob.address)).to.equal((split.contributors * 3n) / 4n);
      const accounts = await pool.accountsOf(1n);
      expect(accounts.received).to.equal(PRICE);
      expect(accounts.accumulatedPerWeight).to.equal(split.contributors / 4n);
      expect(accounts.carried).to.equal(0n);
    });

    it("credits a licence sale to the pool in the same transaction, with one transfer from the buyer", async () => {
      const { pool, licensing, token, buyer, alice, bob, poolAddress } =
        await loadFixture(membersFixture);
      const split = expectedSplit(PRICE);
      const licensingAddress = await licensing.getAddress();
      const tx = licensing.connect(buyer).buy(1n, PURPOSE, PRICE);
      await expect(tx).to.emit(licensing, "LicenceIssued");
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [buyer, poolAddress, licensingAddress],
        [-PRICE, PRICE, 0n],
      );
      // The licence's event reports the pool's split; the product itself holds nothing.
      const receipt = await (await tx).wait();
      const issued = receipt!.logs
        .map((log) => licensing.interface.parseLog(log))
        .find((log) => log?.name === "LicenceIssued");
      expect([...issued!.args.sale]).to.deep.equal([
        PRICE,
        split.platform,
        split.city,
        split.provider,
        split.contributors,
      ]);
      expect(await licensing.owed(1n)).to.deep.equal([0n, 0n, 0n, 0n]);
      expect(await pool.claimableOf(1n, alice.address)).to.equal(split.contributors / 4n);
      expect(await pool.claimableOf(1n, bob.address)).to.equal((split.contributors * 3n) / 4n);
    });

    it("credits renewals and native-coin sales, refunding any excess coin to the buyer", async () => {
      const { pool, licensing, buyer, alice, poolAddress } = await loadFixture(deployFixture);
      await pool.connect(alice).join(2n);
      await licensing.connect(buyer).buy(1n, PURPOSE, PRICE);
      await licensing.connect(buyer).renew(1n, PURPOSE, PRICE);
      expect((await pool.accountsOf(1n)).received).to.equal(2n * PRICE);
      const tx = licensing.connect(buyer).buy(2n, PURPOSE, PRICE, { value: PRICE + 5n });
      await expect(tx).to.changeEtherBalances(ethers, [buyer, poolAddress], [-PRICE, PRICE]);
      expect(await pool.claimableOf(2n, alice.address)).to.equal(expectedSplit(PRICE).contributors);
    });

    it("carries the remainder of the division to the next payment, losing nothing", async () => {
      const { pool, provider, stranger, alice, bob, carol } = await loadFixture(membersFixture);
      await pool.connect(carol).join(1n);
      await pool.connect(provider).setWeight(1n, carol.address, 3n); // total weight 7
      await pool.connect(stranger).deposit(1n, 100n); // contributors get 60: 8 per weight, 4 carried
      let accounts = await pool.accountsOf(1n);
      expect(accounts.accumulatedPerWeight).to.equal(8n);
      expect(accounts.carried).to.equal(4n);
      await pool.connect(stranger).deposit(1n, 100n); // 60 + 4 = 64: 9 per weight, 1 carried
      accounts = await pool.accountsOf(1n);
      expect(accounts.accumulatedPerWeight).to.equal(17n);
      expect(accounts.carried).to.equal(1n);
      const members =
        (await pool.claimableOf(1n, alice.address)) +
        (await pool.claimableOf(1n, bob.address)) +
        (await pool.claimableOf(1n, carol.address));
      expect(members + accounts.carried).to.equal(120n);
    });

    it("keeps the contributors' part received while the pool has no members for the next payment", async () => {
      const { pool, stranger, alice } = await loadFixture(deployFixture);
      await pool.connect(stranger).deposit(1n, PRICE);
      const split = expectedSplit(PRICE);
      expect((await pool.accountsOf(1n)).unassigned).to.equal(split.contributors);
      await pool.connect(alice).join(1n);
      expect(await pool.claimableOf(1n, alice.address)).to.equal(0n); // joining alone earns nothing
      await pool.connect(stranger).deposit(1n, PRICE);
      expect(await pool.claimableOf(1n, alice.address)).to.equal(2n * split.contributors);
      expect((await pool.accountsOf(1n)).unassigned).to.equal(0n);
    });

    it("takes native coin deposits, and refuses a deposit of nothing, of a wrong value, or of short-changing tokens", async () => {
      const { pool, provider, params, stranger, alice } = await loadFixture(deployFixture);
      await pool.connect(alice).join(2n);
      await expect(
        pool.connect(stranger).deposit(2n, 1_000n, { value: 1_000n }),
      ).to.changeEtherBalance(ethers, stranger, -1_000n);
      expect(await pool.claimableOf(2n, alice.address)).to.equal(600n);
      await expect(pool.connect(stranger).deposit(2n, 1_000n, { value: 999n }))
        .to.be.revertedWithCustomError(pool, "RevenuePoolValueMismatch")
        .withArgs(999n, 1_000n);
      await expect(pool.connect(stranger).deposit(1n, 1_000n, { value: 1n }))
        .to.be.revertedWithCustomError(pool, "RevenuePoolValueMismatch")
        .withArgs(1n, 0n);
      await expect(pool.connect(stranger).deposit(1n, 0n)).to.be.revertedWithCustomError(
        pool,
        "RevenuePoolZeroAmount",
      );
      const feeToken = await ethers.deployContract("FeeOnTransferERC20", [100n]);
      await feeToken.mint(stranger.address, 10_000n);
      await feeToken.connect(stranger).approve(await pool.getAddress(), MAX);
      await pool.connect(provider).createPool({ ...params, token: await feeToken.getAddress() });
      await expect(pool.connect(stranger).deposit(3n, 10_000n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolTransferShortfall")
        .withArgs(10_000n, 9_900n);
    });

    it("accepts sale credits only from the DataLicensing contract", async () => {
      const { pool, stranger } = await loadFixture(deployFixture);
      await expect(pool.connect(stranger).creditSale(1n, 1_000n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNotLicensing")
        .withArgs(stranger.address);
    });
  });

  describe("settling out", () => {
    it("stops a member whose consent was withdrawn from earning, and keeps what it earned", async () => {
      const { pool, registry, grantee, alice, bob, stranger } = await loadFixture(fundedFixture);
      await registry.connect(alice).withdraw(alice.address, grantee.address, PURPOSE);
      await expect(pool.connect(stranger).settleOut(1n, alice.address))
        .to.emit(pool, "WeightChanged")
        .withArgs(1n, alice.address, 1n, 0n, CHANGE.SettledOut);
      await pool.connect(stranger).deposit(1n, PRICE);
      expect(await pool.claimableOf(1n, alice.address)).to.equal(parseEther("150"));
      expect(await pool.claimableOf(1n, bob.address)).to.equal(
        parseEther("450") + parseEther("600"),
      );
    });

    it("settles out members whose consent expired or was withdrawn all at once, in a batch that skips the rest", async () => {
      const { pool, registry, grantee, alice, bob, carol, dave, stranger } =
        await loadFixture(membersFixture);
      await pool.connect(carol).join(1n);
      await registry.connect(bob).withdrawAll(bob.address);
      await consentTo(registry, dave, grantee.address, POOL_CATEGORIES, (await now()) + 100n);
      await pool.connect(dave).join(1n);
      await time.increase(200);
      expect(await pool.hasValidConsent(1n, dave.address)).to.equal(false);
      const settled = await pool
        .connect(stranger)
        .settleOutBatch.staticCall(1n, [
          alice.address,
          bob.address,
          carol.address,
          dave.address,
          stranger.address,
        ]);
      expect(settled).to.equal(2n);
      await pool
        .connect(stranger)
        .settleOutBatch(1n, [
          alice.address,
          bob.address,
          carol.address,
          dave.address,
          stranger.address,
        ]);
      expect((await pool.memberOf(1n, bob.address)).weight).to.equal(0n);
      expect((await pool.memberOf(1n, dave.address)).weight).to.equal(0n);
      expect((await pool.getPool(1n)).totalWeight).to.equal(2n); // alice and carol
    });

    it("refuses to settle out a member whose consent holds, or a non-member", async () => {
      const { pool, alice, stranger } = await loadFixture(membersFixture);
      await expect(pool.connect(stranger).settleOut(1n, alice.address))
        .to.be.revertedWithCustomError(pool, "RevenuePoolConsentStillValid")
        .withArgs(1n, alice.address);
      await expect(pool.connect(stranger).settleOut(1n, stranger.address))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNotMember")
        .withArgs(1n, stranger.address);
    });
  });

  describe("claims", () => {
    it("pays a member everything it earned, to any address", async () => {
      const { pool, token, alice, carol } = await loadFixture(fundedFixture);
      const amount = parseEther("150");
      await expect(pool.connect(alice).claim(1n, carol.address))
        .to.emit(pool, "Claimed")
        .withArgs(1n, alice.address, carol.address, amount, 0n);
      expect(await token.balanceOf(carol.address)).to.equal(amount);
      expect(await pool.claimableOf(1n, alice.address)).to.equal(0n);
      await expect(pool.connect(alice).claim(1n, carol.address))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNothingToClaim")
        .withArgs(1n, alice.address);
      await expect(pool.connect(alice).claim(1n, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        pool,
        "RevenuePoolZeroAddress",
      );
    });

    it("claims by signature, paying the relayer exactly the signed fee", async () => {
      const { pool, token, alice, carol, relayer } = await loadFixture(fundedFixture);
      const fee = parseEther("1");
      const request = {
        poolId: 1n,
        member: alice.address as `0x${string}`,
        to: carol.address as `0x${string}`,
        fee,
        nonce: 0n,
        deadline: (await now()) + 3_600n,
      };
      const signature = await signRevenue(alice, pool, "ClaimRequest", request);
      await expect(pool.connect(relayer).claimBySig(request, signature))
        .to.emit(pool, "Claimed")
        .withArgs(1n, alice.address, carol.address, parseEther("149"), fee);
      expect(await token.balanceOf(relayer.address)).to.equal(fee);
      expect(await token.balanceOf(carol.address)).to.equal(parseEther("149"));
      await expect(pool.connect(relayer).claimBySig(request, signature))
        .to.be.revertedWithCustomError(pool, "InvalidAccountNonce")
        .withArgs(alice.address, 1n);
    });

    it("refuses a signed claim whose fee exceeds it, past its deadline, altered, or signed by another", async () => {
      const { pool, alice, carol, relayer, stranger } = await loadFixture(fundedFixture);
      const request = {
        poolId: 1n,
        member: alice.address as `0x${string}`,
        to: carol.address as `0x${string}`,
        fee: parseEther("151"),
        nonce: 0n,
        deadline: (await now()) + 3_600n,
      };
      await expect(
        pool
          .connect(relayer)
          .claimBySig(request, await signRevenue(alice, pool, "ClaimRequest", request)),
      )
        .to.be.revertedWithCustomError(pool, "RevenuePoolFeeExceedsClaim")
        .withArgs(parseEther("151"), parseEther("150"));
      const fair = { ...request, fee: 1n };
      const signature = await signRevenue(alice, pool, "ClaimRequest", fair);
      // A relayer cannot raise its fee or redirect the claim: the signature no longer matches.
      for (const altered of [
        { ...fair, fee: 2n },
        { ...fair, to: relayer.address as `0x${string}` },
      ]) {
        await expect(pool.connect(relayer).claimBySig(altered, signature))
          .to.be.revertedWithCustomError(pool, "RevenuePoolInvalidSignature")
          .withArgs(alice.address);
      }
      await expect(
        pool
          .connect(relayer)
          .claimBySig(fair, await signRevenue(stranger, pool, "ClaimRequest", fair)),
      )
        .to.be.revertedWithCustomError(pool, "RevenuePoolInvalidSignature")
        .withArgs(alice.address);
      const late = { ...fair, deadline: (await now()) - 1n };
      await expect(
        pool
          .connect(relayer)
          .claimBySig(late, await signRevenue(alice, pool, "ClaimRequest", late)),
      )
        .to.be.revertedWithCustomError(pool, "RevenuePoolExpiredSignature")
        .withArgs(late.deadline);
    });

    it("pays native coin, and reports a recipient that refuses it", async () => {
      const { pool, alice, stranger } = await loadFixture(deployFixture);
      await pool.connect(alice).join(2n);
      await pool.connect(stranger).deposit(2n, 1_000n, { value: 1_000n });
      const refusing = await ethers.deployContract("RejectingReceiver");
      await expect(pool.connect(alice).claim(2n, await refusing.getAddress()))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNativeTransferFailed")
        .withArgs(await refusing.getAddress(), 600n);
      await expect(pool.connect(alice).claim(2n, alice.address)).to.changeEtherBalance(
        ethers,
        alice,
        600n,
      );
    });
  });

  describe("donations", () => {
    it("lets a member donate part of its balance to the city, which withdraws it", async () => {
      const { pool, token, alice, city, stranger } = await loadFixture(fundedFixture);
      await expect(pool.connect(alice).donate(1n, city.address, parseEther("50")))
        .to.emit(pool, "Donated")
        .withArgs(1n, alice.address, city.address, parseEther("50"));
      expect(await pool.claimableOf(1n, alice.address)).to.equal(parseEther("100"));
      expect(await pool.donationsOf(1n, city.address)).to.equal(parseEther("50"));
      await expect(pool.connect(stranger).withdrawDonations(1n, city.address))
        .to.emit(pool, "DonationsWithdrawn")
        .withArgs(1n, city.address, parseEther("50"));
      expect(await token.balanceOf(city.address)).to.equal(parseEther("50"));
      await expect(pool.connect(stranger).withdrawDonations(1n, city.address))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNothingToClaim")
        .withArgs(1n, city.address);
    });

    it("lets a member donate all to a registered beneficiary, and refuses anyone else", async () => {
      const { pool, provider, alice, ngo, stranger } = await loadFixture(fundedFixture);
      await expect(pool.connect(alice).donate(1n, ngo.address, 1n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNotBeneficiary")
        .withArgs(1n, ngo.address);
      await pool.connect(provider).setBeneficiary(1n, ngo.address, true);
      await pool.connect(alice).donate(1n, ngo.address, parseEther("150"));
      expect(await pool.donationsOf(1n, ngo.address)).to.equal(parseEther("150"));
      expect(await pool.claimableOf(1n, alice.address)).to.equal(0n);
      await expect(pool.connect(alice).donate(1n, ngo.address, 1n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolInsufficientBalance")
        .withArgs(1n, 0n);
      await expect(pool.connect(alice).donate(1n, ngo.address, 0n)).to.be.revertedWithCustomError(
        pool,
        "RevenuePoolZeroAmount",
      );
      await expect(
        pool.connect(alice).donate(1n, ethers.ZeroAddress, 1n),
      ).to.be.revertedWithCustomError(pool, "RevenuePoolZeroAddress");
      await expect(pool.connect(alice).donate(1n, stranger.address, 1n))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNotBeneficiary")
        .withArgs(1n, stranger.address);
    });

    it("applies a standing auto-donation to claims and payouts", async () => {
      const { pool, provider, token, alice, bob, ngo, city, stranger } =
        await loadFixture(fundedFixture);
      await pool.connect(provider).setBeneficiary(1n, ngo.address, true);
      await expect(pool.connect(alice).setAutoDonate(1n, ngo.address, 2_000))
        .to.emit(pool, "AutoDonateSet")
        .withArgs(1n, alice.address, ngo.address, 2_000n);
      const member = await pool.memberOf(1n, alice.address);
      expect([member.autoDonateBps, member.autoDonateTo]).to.deep.equal([2_000n, ngo.address]);
      const claim = pool.connect(alice).claim(1n, alice.address);
      await expect(claim)
        .to.emit(pool, "Claimed")
        .withArgs(1n, alice.address, alice.address, parseEther("120"), 0n);
      await expect(claim)
        .to.emit(pool, "Donated")
        .withArgs(1n, alice.address, ngo.address, parseEther("30"));
      expect(await pool.donationsOf(1n, ngo.address)).to.equal(parseEther("30"));
      // Zero beneficiary means the city; the whole balance can be given.
      await pool.connect(bob).setAutoDonate(1n, ethers.ZeroAddress, 10_000);
      expect((await pool.memberOf(1n, bob.address)).autoDonateTo).to.equal(city.address);
      await pool.connect(stranger).payout(1n, [bob.address]);
      expect(await pool.donationsOf(1n, city.address)).to.equal(parseEther("450"));
      expect(await token.balanceOf(bob.address)).to.equal(0n);
      // A beneficiary the provider later removes no longer receives: the city does.
      await pool.connect(provider).setBeneficiary(1n, ngo.address, false);
      expect((await pool.memberOf(1n, alice.address)).autoDonateTo).to.equal(city.address);
      await pool.connect(stranger).deposit(1n, PRICE);
      await pool.connect(alice).claim(1n, alice.address);
      expect(await pool.donationsOf(1n, ngo.address)).to.equal(parseEther("30"));
      expect(await pool.donationsOf(1n, city.address)).to.equal(parseEther("480"));
    });

    it("refuses an auto-donation above 100% or to an unregistered beneficiary", async () => {
      const { pool, alice, stranger } = await loadFixture(fundedFixture);
      await expect(pool.connect(alice).setAutoDonate(1n, ethers.ZeroAddress, 10_001))
        .to.be.revertedWithCustomError(pool, "RevenuePoolInvalidBps")
        .withArgs(10_001n);
      await expect(pool.connect(alice).setAutoDonate(1n, stranger.address, 100))
        .to.be.revertedWithCustomError(pool, "RevenuePoolNotBeneficiary")
        .withArgs(1n, stranger.address);
    });
  });

  describe("batch payout", () => {
    it("pays each listed member to its payout address, and pays nobody twice", async () => {
      const { pool, token, alice, bob, carol, dave, stranger } = await loadFixture(fundedFixture);
      await expect(pool.connect(bob).setPayoutAddress(1n, dave.address))
        .to.emit(pool, "PayoutAddressSet")
        .withArgs(1n, bob.address, dave.address);
      expect(await pool.payoutAddressOf(1n, bob.address)).to.equal(dave.address);
      expect(await pool.payoutAddressOf(2n, bob.address)).to.equal(bob.address);
      expect(await pool.payoutAddressOf(1n, alice.address)).to.equal(alice.address);
      const batch = [alice.address, bob.address, carol.address];
      const [paid, total] = await pool.connect(stranger).payout.staticCall(1n, batch);
      expect([paid, total]).to.deep.equal([2n, parseEther("600")]);
      await expect(pool.connect(stranger).payout(1n, batch))
        .to.emit(pool, "PaidOut")
        .withArgs(1n, bob.address, dave.address, parseEther("450"));
      expect(await token.balanceOf(alice.address)).to.equal(parseEther("150"));
      expect(await token.balanceOf(dave.address)).to.equal(parseEther("450"));
      const [paidAgain, totalAgain] = await pool.connect(stranger).payout.staticCall(1n, batch);
      expect([paidAgain, totalAgain]).to.deep.equal([0n, 0n]);
      await expect(pool.connect(stranger).payout(1n, batch)).to.not.emit(pool, "PaidOut");
      expect(await token.balanceOf(dave.address)).to.equal(parseEther("450"));
    });

    it("goes on past a recipient that refuses, which keeps its balance claimable", async () => {
      const { pool, alice, bob, stranger } = await loadFixture(deployFixture);
      const refusing = await ethers.deployContract("RejectingReceiver");
      await pool.connect(alice).join(2n);
      await pool.connect(bob).join(2n);
      await pool.connect(alice).setPayoutAddress(2n, await refusing.getAddress());
      await pool.connect(stranger).deposit(2n, 1_000n, { value: 1_000n });
      const tx = pool.connect(stranger).payout(2n, [alice.address, bob.address]);
      await expect(tx)
        .to.emit(pool, "PayoutFailed")
        .withArgs(2n, alice.address, await refusing.getAddress(), 300n);
      await expect(tx).to.changeEtherBalance(ethers, bob, 300n);
      expect(await pool.claimableOf(2n, alice.address)).to.equal(300n);
      await refusing.setAccepting(true);
      await pool.connect(stranger).payout(2n, [alice.address]);
      expect(await ethers.provider.getBalance(await refusing.getAddress())).to.equal(300n);
    });

    it("goes on past a token that refuses a recipient, and past a recipient that re-enters", async () => {
      const { pool, provider, params, alice, bob, carol, stranger } =
        await loadFixture(deployFixture);
      const blocklist = await ethers.deployContract("BlocklistERC20");
      await blocklist.mint(stranger.address, 1_000n);
      await blocklist.connect(stranger).approve(await pool.getAddress(), MAX);
      await pool.connect(provider).createPool({ ...params, token: await blocklist.getAddress() }); // pool 3
      for (const m of [alice, bob]) await pool.connect(m).join(3n);
      await blocklist.setBlocked(alice.address, true);
      await pool.connect(stranger).deposit(3n, 1_000n);
      await expect(pool.connect(stranger).payout(3n, [alice.address, bob.address]))
        .to.emit(pool, "PayoutFailed")
        .withArgs(3n, alice.address, alice.address, 300n);
      expect(await blocklist.balanceOf(bob.address)).to.equal(300n);
      expect(await pool.claimableOf(3n, alice.address)).to.equal(300n);

      // A native recipient that re-enters claim() is stopped by the guard: its payout fails, the batch goes on.
      const reentrant = await ethers.deployContract("ReentrantReceiver");
      await pool.connect(carol).join(2n);
      await pool.connect(carol).setPayoutAddress(2n, await reentrant.getAddress());
      await reentrant.setReentry(
        await pool.getAddress(),
        pool.interface.encodeFunctionData("claim", [2n, carol.address]),
      );
      await pool.connect(alice).join(2n);
      await pool.connect(stranger).deposit(2n, 1_000n, { value: 1_000n });
      const tx = pool.connect(stranger).payout(2n, [carol.address, alice.address]);
      await expect(tx)
        .to.emit(pool, "PayoutFailed")
        .withArgs(2n, carol.address, await reentrant.getAddress(), 300n);
      await expect(tx).to.changeEtherBalance(ethers, alice, 300n);
      expect(await pool.claimableOf(2n, carol.address)).to.equal(300n);
    });
  });

  describe("parties", () => {
    it("pays the platform, the city and the provider what they are owed, to their accounts", async () => {
      const { pool, token, licensing, owner, treasury, city, provider, stranger, ngo } =
        await loadFixture(fundedFixture);
      const split = expectedSplit(PRICE);
      await licensing.connect(owner).setPlatformTreasury(ngo.address);
      for (const [role, account, amount] of [
        [ROLE.Platform, ngo, split.platform],
        [ROLE.City, city, split.city],
        [ROLE.Provider, provider, split.provider],
      ] as const) {
        await expect(pool.connect(stranger).withdraw(1n, role))
          .to.emit(pool, "RevenueWithdrawn")
          .withArgs(1n, role, account.address, amount);
        expect(await token.balanceOf(account.address)).to.equal(amount);
        await expect(pool.connect(stranger).withdraw(1n, role))
          .to.be.revertedWithCustomError(pool, "RevenuePoolNothingToClaim")
          .withArgs(1n, account.address);
      }
      expect(await token.balanceOf(treasury.address)).to.equal(0n);
      expect(await pool.owed(1n)).to.deep.equal([0n, 0n, 0n]);
    });

    it("accounts for every wei: parties, members, donations and remainders add up to what was received", async () => {
      const { pool, provider, token, poolAddress, alice, bob, carol, dave, city, stranger } =
        await loadFixture(membersFixture);
      await pool.connect(carol).join(1n);
      await pool.connect(provider).setWeight(1n, carol.address, 5n);
      const amounts = [101n, 9_999n, 7n, 123_457n, 1n, 3n];
      for (const [i, amount] of amounts.entries()) {
        await pool.connect(stranger).deposit(1n, amount);
        if (i === 1) await pool.connect(alice).claim(1n, dave.address);
        if (i === 2) await pool.connect(bob).donate(1n, city.address, 10n);
        if (i === 3) await pool.connect(stranger).withdraw(1n, ROLE.City);
      }
      const received = amounts.reduce((a, b) => a + b, 0n);
      const accounts = await pool.accountsOf(1n);
      expect(accounts.received).to.equal(received);
      const [platform, cityOwed, providerOwed] = await pool.owed(1n);
      let members = 0n;
      for (const m of [alice, bob, carol]) members += await pool.claimableOf(1n, m.address);
      const held =
        platform +
        cityOwed +
        providerOwed +
        members +
        (await pool.donationsOf(1n, city.address)) +
        accounts.carried +
        accounts.unassigned +
        (await pool.splitRemainder(1n));
      expect(await token.balanceOf(poolAddress)).to.equal(held);
      const paidOut = (await token.balanceOf(dave.address)) + (await token.balanceOf(city.address));
      expect(held + paidOut).to.equal(received);
    });
  });

  describe("pool products in DataLicensing", () => {
    it("refuses a pool product that does not match its pool, saying why", async () => {
      const { licensing, pool, provider, product, params, stranger, owner, city, poolAddress } =
        await loadFixture(deployFixture);
      await pool.connect(stranger).createPool(params); // pool 3 belongs to someone else
      const mismatch = async (override: object, reason: bigint, poolId = 1n) =>
        expect(licensing.connect(provider).publish({ ...product, ...override, poolId }))
          .to.be.revertedWithCustomError(licensing, "DataLicensingPoolMismatch")
          .withArgs(poolId, reason);
      await mismatch({}, MISMATCH.Provider, 3n);
      await mismatch({ token: ethers.ZeroAddress }, MISMATCH.Token);
      await licensing.connect(provider).registerParties(owner.address, poolAddress); // parties 2: wrong city
      await mismatch({ partiesId: 2n }, MISMATCH.City);
      await licensing.connect(provider).registerParties(city.address, stranger.address); // parties 3: not the pool
      await mismatch({ partiesId: 3n }, MISMATCH.Contributors);
      await mismatch({ cityBps: 100n }, MISMATCH.Split);
      await expect(licensing.connect(provider).publish({ ...product, poolId: 9n }))
        .to.be.revertedWithCustomError(pool, "RevenuePoolUnknownPool")
        .withArgs(9n);
    });

    it("names the RevenuePool contract once, by the owner only", async () => {
      const { licensing, owner, stranger, poolAddress, treasury, product } =
        await loadFixture(deployFixture);
      await expect(licensing.connect(owner).setRevenuePool(stranger.address))
        .to.be.revertedWithCustomError(licensing, "DataLicensingRevenuePoolAlreadySet")
        .withArgs(poolAddress);
      expect(await licensing.revenuePool()).to.equal(poolAddress);
      const fresh = await ethers.deployContract("DataLicensing", [
        owner.address,
        treasury.address,
        0n,
      ]);
      await expect(
        fresh.connect(stranger).setRevenuePool(poolAddress),
      ).to.be.revertedWithCustomError(fresh, "OwnableUnauthorizedAccount");
      await expect(
        fresh.connect(owner).setRevenuePool(ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(fresh, "DataLicensingZeroAddress");
      await fresh.connect(owner).registerParties(owner.address, poolAddress);
      await expect(
        fresh.connect(owner).publish({ ...product, poolId: 1n }),
      ).to.be.revertedWithCustomError(fresh, "DataLicensingNoRevenuePool");
      await expect(fresh.connect(owner).setRevenuePool(poolAddress))
        .to.emit(fresh, "RevenuePoolSet")
        .withArgs(poolAddress);
    });

    it("sells a pool product priced at zero without touching the pool", async () => {
      const { licensing, pool, provider, buyer, product, token, poolAddress } =
        await loadFixture(deployFixture);
      await licensing.connect(provider).publish({ ...product, price: 0n }); // product 3, pool 1
      await expect(licensing.connect(buyer).buy(3n, PURPOSE, 0n)).to.emit(
        licensing,
        "LicenceIssued",
      );
      expect(await licensing.isLicensed(3n, buyer.address, PURPOSE)).to.equal(true);
      expect((await pool.accountsOf(1n)).received).to.equal(0n);
      expect(await token.balanceOf(poolAddress)).to.equal(0n);
    });

    it("refuses a pool product bought with short-changing tokens", async () => {
      const { licensing, pool, provider, params, grantee, city, buyer, product } =
        await loadFixture(deployFixture);
      const feeToken = await ethers.deployContract("FeeOnTransferERC20", [100n]);
      const feeTokenAddress = await feeToken.getAddress();
      await feeToken.mint(buyer.address, PRICE);
      await feeToken.connect(buyer).approve(await licensing.getAddress(), MAX);
      await pool.connect(provider).createPool({
        ...params,
        token: feeTokenAddress,
        city: city.address,
        consentGrantee: grantee.address,
      });
      await licensing.connect(provider).publish({ ...product, token: feeTokenAddress, poolId: 3n });
      await expect(licensing.connect(buyer).buy(3n, PURPOSE, PRICE))
        .to.be.revertedWithCustomError(licensing, "DataLicensingTransferShortfall")
        .withArgs(PRICE, PRICE - PRICE / 100n);
    });
  });
});
