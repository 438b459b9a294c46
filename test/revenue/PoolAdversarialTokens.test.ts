import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ROLE, consentTo, deployRevenueWorld, poolParams } from "../helpers/revenue.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;
type S = HardhatEthersSigner;
const MAX = 2n ** 256n - 1n;

async function fixture() {
  const [owner, treasury, provider, city, grantee, alice, bob, payer] =
    (await ethers.getSigners()) as S[] as [S, S, S, S, S, S, S, S];
  const world = await deployRevenueWorld(ethers, owner, treasury);
  const { pool, registry, poolAddress, categorySetId } = world;
  const reentrant = await ethers.deployContract("ReentrantERC20");
  const noReturn = await ethers.deployContract("NoReturnERC20");
  const falseReturn = await ethers.deployContract("FalseReturnERC20");
  // Pools 1, 2, 3 are paid in those tokens.
  for (const token of [reentrant, noReturn, falseReturn]) {
    const address = await token.getAddress();
    await pool
      .connect(provider)
      .createPool(poolParams(address, city.address, grantee.address, categorySetId));
    await token.mint(payer.address, 1_000_000n);
    await token.connect(payer).approve(poolAddress, MAX);
  }
  for (const member of [alice, bob]) {
    await consentTo(registry, member, grantee.address);
    for (const poolId of [1n, 2n, 3n]) await pool.connect(member).join(poolId);
  }
  return { ...world, reentrant, noReturn, falseReturn, alice, bob, payer };
}

describe("RevenuePool with adversarial tokens", () => {
  it("refuses a token that re-enters a deposit or a withdrawal, and works once it stops", async () => {
    const { pool, reentrant, payer } = await loadFixture(fixture);
    const poolAddress = await pool.getAddress();
    await reentrant.arm(
      poolAddress,
      pool.interface.encodeFunctionData("deposit", [1n, 1n]),
      true,
      false,
    );
    await expect(pool.connect(payer).deposit(1n, 1_000n)).to.be.revertedWithCustomError(
      pool,
      "ReentrancyGuardReentrantCall",
    );
    await reentrant.disarm();
    await pool.connect(payer).deposit(1n, 1_000n);
    await reentrant.arm(
      poolAddress,
      pool.interface.encodeFunctionData("withdraw", [1n, ROLE.City]),
      false,
      true,
    );
    await expect(pool.withdraw(1n, ROLE.City)).to.be.revertedWithCustomError(
      pool,
      "ReentrancyGuardReentrantCall",
    );
    expect((await pool.owed(1n))[1]).to.equal(150n);
    await reentrant.disarm();
    await pool.withdraw(1n, ROLE.City);
    expect((await pool.owed(1n))[1]).to.equal(0n);
  });

  it("lets a re-entering token neither double a claim nor stop a payout batch", async () => {
    const { pool, reentrant, payer, alice, bob } = await loadFixture(fixture);
    const poolAddress = await pool.getAddress();
    await pool.connect(payer).deposit(1n, 1_000n); // alice and bob: 300 each
    // During alice's claim the token asks for the same claim again (as itself): nothing is left to claim.
    await reentrant.arm(
      poolAddress,
      pool.interface.encodeFunctionData("claim", [1n, alice.address]),
      false,
      true,
    );
    await expect(pool.connect(alice).claim(1n, alice.address))
      .to.be.revertedWithCustomError(pool, "RevenuePoolNothingToClaim")
      .withArgs(1n, await reentrant.getAddress());
    expect(await pool.claimableOf(1n, alice.address)).to.equal(300n);
    // In a payout, every transfer that re-enters fails on its own (the token stays armed, since its failed
    // transfer undoes its own disarming): the batch completes and both keep their balances.
    await reentrant.arm(
      poolAddress,
      pool.interface.encodeFunctionData("payout", [1n, [alice.address]]),
      false,
      true,
    );
    const batch = pool.payout(1n, [alice.address, bob.address]);
    await expect(batch)
      .to.emit(pool, "PayoutFailed")
      .withArgs(1n, alice.address, alice.address, 300n);
    await expect(batch).to.emit(pool, "PayoutFailed").withArgs(1n, bob.address, bob.address, 300n);
    expect(await pool.claimableOf(1n, alice.address)).to.equal(300n);
    expect(await pool.claimableOf(1n, bob.address)).to.equal(300n);
    await reentrant.disarm();
    await pool.payout(1n, [alice.address, bob.address]);
    expect(await reentrant.balanceOf(alice.address)).to.equal(300n);
    expect(await reentrant.balanceOf(bob.address)).to.equal(300n);
  });

  it("works with a token that returns nothing from its transfers", async () => {
    const { pool, noReturn, payer, alice, bob } = await loadFixture(fixture);
    await pool.connect(payer).deposit(2n, 1_000n);
    await pool.connect(alice).claim(2n, alice.address);
    await pool.payout(2n, [bob.address]);
    expect(await noReturn.balanceOf(alice.address)).to.equal(300n);
    expect(await noReturn.balanceOf(bob.address)).to.equal(300n);
  });

  it("refuses a token that returns false: no deposit is credited, claims fail whole, payouts fail alone", async () => {
    const { pool, falseReturn, payer, alice, bob } = await loadFixture(fixture);
    await falseReturn.setFailing(false);
    await pool.connect(payer).deposit(3n, 1_000n);
    await falseReturn.setFailing(true);
    await expect(pool.connect(payer).deposit(3n, 1_000n)).to.be.revertedWithCustomError(
      pool,
      "SafeERC20FailedOperation",
    );
    expect((await pool.accountsOf(3n)).received).to.equal(1_000n);
    await expect(pool.connect(alice).claim(3n, alice.address)).to.be.revertedWithCustomError(
      pool,
      "SafeERC20FailedOperation",
    );
    expect(await pool.claimableOf(3n, alice.address)).to.equal(300n);
    const batch = pool.payout(3n, [alice.address, bob.address]);
    await expect(batch)
      .to.emit(pool, "PayoutFailed")
      .withArgs(3n, alice.address, alice.address, 300n);
    await expect(batch).to.emit(pool, "PayoutFailed").withArgs(3n, bob.address, bob.address, 300n);
    expect(await pool.claimableOf(3n, bob.address)).to.equal(300n);
    await falseReturn.setFailing(false);
    await pool.payout(3n, [alice.address, bob.address]);
    expect(await falseReturn.balanceOf(bob.address)).to.equal(300n);
  });
});
