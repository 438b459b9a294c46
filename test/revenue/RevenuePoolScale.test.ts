import { expect } from "chai";
import { network } from "hardhat";
import { id, parseEther } from "ethers";
import { enrolCrowd, measureRevenuePool } from "../../scripts/gas/revenue.js";
import { PURPOSE } from "../helpers/consent.js";
import { gasOf } from "../helpers/expect.js";
import { TERMS } from "../helpers/licensing.js";
import { POOL_CATEGORIES, consentTo, deployRevenueWorld, poolParams } from "../helpers/revenue.js";

const { ethers } = await network.create();

describe("RevenuePool at scale", function () {
  this.timeout(300_000);

  it("credits a payment to a pool of 10,000 members for the same gas as to a pool of 10", async () => {
    const [owner, treasury, provider, city, grantee, buyer, alice] = await ethers.getSigners();
    const { registry, licensing, pool, token, poolAddress, categorySetId } =
      await deployRevenueWorld(ethers, owner!, treasury!);
    const tokenAddress = await token.getAddress();
    const params = poolParams(tokenAddress, city!.address, grantee!.address, categorySetId);
    await pool.connect(provider!).createPool(params);
    await pool.connect(provider!).createPool(params);
    await licensing.connect(provider!).registerParties(city!.address, poolAddress);
    const product = {
      partiesId: 1n,
      token: tokenAddress,
      price: parseEther("100"),
      period: 0n,
      renewable: false,
      cityBps: 0n,
      providerBps: 0n,
      purposes: [PURPOSE, id("https://w3id.org/dpv#PublicBenefit")],
      consentGrantee: grantee!.address,
      metadataURI: "ipfs://mobility",
      termsHash: TERMS,
    };
    await licensing.connect(provider!).publish({ ...product, poolId: 1n });
    await licensing.connect(provider!).publish({ ...product, poolId: 2n });
    const crowd = await ethers.deployContract("PoolCrowd");
    const registryAddress = await registry.getAddress();
    await enrolCrowd(crowd, registryAddress, pool, 1n, grantee!.address, 10n);
    await enrolCrowd(crowd, registryAddress, pool, 2n, grantee!.address, 10_000n);
    expect((await pool.getPool(1n)).totalWeight).to.equal(10n);
    expect((await pool.getPool(2n)).totalWeight).to.equal(10_000n);

    await token.mint(buyer!.address, parseEther("1000"));
    await token.connect(buyer!).approve(await licensing.getAddress(), parseEther("1000"));
    const gasOfSale = async (productId: bigint, purpose: string) =>
      gasOf(licensing.connect(buyer!).buy(productId, purpose, parseEther("100")));
    // Each product's first sale writes its pool's ledger for the first time; the second sale is compared.
    await gasOfSale(1n, PURPOSE);
    await gasOfSale(2n, PURPOSE);
    const public10 = await gasOfSale(1n, id("https://w3id.org/dpv#PublicBenefit"));
    const public10000 = await gasOfSale(2n, id("https://w3id.org/dpv#PublicBenefit"));
    const difference = public10000 > public10 ? public10000 - public10 : public10 - public10000;
    expect(difference <= 300n, `10 members: ${public10}, 10,000 members: ${public10000}`).to.equal(
      true,
    );

    // And the 10,000 members really were credited: a newcomer's share is exact.
    await consentTo(registry, alice!, grantee!.address, POOL_CATEGORIES);
    await pool.connect(alice!).join(2n);
    await token.mint(alice!.address, parseEther("10001"));
    await token.connect(alice!).approve(poolAddress, parseEther("10001"));
    const before = (await pool.accountsOf(2n)).accumulatedPerWeight;
    await pool.connect(alice!).deposit(2n, parseEther("10001")); // contributors' 60% over 10,001 weight
    const perWeight = (await pool.accountsOf(2n)).accumulatedPerWeight - before;
    expect(perWeight).to.equal((parseEther("10001") * 6_000n) / 10_000n / 10_001n);
    expect(await pool.claimableOf(2n, alice!.address)).to.equal(perWeight);
  });

  it("keeps every hot path within its gas budget", async () => {
    const measurements = await measureRevenuePool(ethers, 100n);
    const withTargets = measurements.filter((m) => m.target !== undefined);
    expect(withTargets.map((m) => m.key)).to.include.members([
      "RevenuePool.creditSale.onTopOfBuy",
      "RevenuePool.join",
      "RevenuePool.claim",
      "RevenuePool.donate",
      "RevenuePool.payout.perMember",
    ]);
    for (const m of withTargets) {
      expect(m.gas <= m.target!, `${m.key}: ${m.gas} > ${m.target}`).to.equal(true);
    }
  });
});
