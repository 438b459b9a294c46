import { expect } from "chai";
import { network } from "hardhat";
import {
  ZeroAddress,
  id,
  resolveAddress,
  type Addressable,
  type ContractTransactionResponse,
} from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { DataLicensing } from "../../typechain-types/index.js";

// DataLicensing against tokens and accounts that misbehave: tokens that return nothing, return false, keep a
// fee, or call back into the contract; contract accounts that refuse native coin or call back on receipt.
// Each refusal is checked with its exact error, then that nothing was credited or moved, then that the
// normal path still works.

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

type Hex = `0x${string}`;
type Sale = [bigint, bigint, bigint, bigint, bigint];

const PURPOSE = id("https://w3id.org/dpv#ResearchAndDevelopment") as Hex;
const TERMS_HASH = id("licence terms v1") as Hex;
const METADATA_URI = "ipfs://bafy-product";
const BPS = 10_000n;
const FEE_BPS = 250n;
const CITY_BPS = 2_000n;
const PROVIDER_BPS = 3_000n;
const PRICE = 1_000_003n; // odd, so the split rounds
const PERIOD = 30n * 24n * 60n * 60n;
const TOKEN_FEE_BPS = 100n;
const EXCESS = 12_345n;
const INITIAL_BALANCE = 100n * PRICE;
const Role = { Platform: 0, City: 1, Provider: 2, Contributors: 3 } as const;
const Model = { Purchase: 0, Renewal: 1 } as const;

/** How `DataLicensing._credit` divides `price` when the product's running net total was `netBefore`. */
function saleOf(price: bigint, netBefore = 0n): Sale {
  const platformFee = (price * FEE_BPS) / BPS;
  const net = price - platformFee;
  const netAfter = netBefore + net;
  const increase = (bps: bigint) => (netAfter * bps) / BPS - (netBefore * bps) / BPS;
  return [
    price,
    platformFee,
    increase(CITY_BPS),
    increase(PROVIDER_BPS),
    increase(BPS - CITY_BPS - PROVIDER_BPS),
  ];
}

/** What one sale leaves owed to [platform, city, provider, contributors]. */
function owedAfter(sale: Sale): bigint[] {
  return sale.slice(1);
}

async function deployFixture() {
  const signers = await ethers.getSigners();
  if (signers.length < 7) throw new Error("the adversarial token tests need 7 accounts");
  type S = HardhatEthersSigner;
  const [owner, treasury, provider, city, contributors, buyer, other] = signers as [
    S,
    S,
    S,
    S,
    S,
    S,
    S,
  ];
  const licensing = await ethers.deployContract("DataLicensing", [
    owner.address,
    treasury.address,
    FEE_BPS,
  ]);
  await licensing.connect(provider).registerParties(city.address, contributors.address);

  const noReturn = await ethers.deployContract("NoReturnERC20");
  const falseReturn = await ethers.deployContract("FalseReturnERC20");
  const feeToken = await ethers.deployContract("FeeOnTransferERC20", [0n]);
  const reentrant = await ethers.deployContract("ReentrantERC20");
  const plain = await ethers.deployContract("MockERC20", ["Euro Coin", "EURx"]);
  const rejecting = await ethers.deployContract("RejectingReceiver");
  const reentrantReceiver = await ethers.deployContract("ReentrantReceiver");

  const publish = async (token: string, partiesId = 1n): Promise<bigint> => {
    await licensing.connect(provider).publish({
      partiesId,
      token,
      price: PRICE,
      period: PERIOD,
      renewable: true,
      cityBps: CITY_BPS,
      providerBps: PROVIDER_BPS,
      purposes: [PURPOSE],
      consentGrantee: provider.address,
      metadataURI: METADATA_URI,
      termsHash: TERMS_HASH,
      poolId: 0n,
    });
    return licensing.productCount();
  };
  const ids = {
    noReturn: await publish(await noReturn.getAddress()),
    falseReturn: await publish(await falseReturn.getAddress()),
    fee: await publish(await feeToken.getAddress()),
    reentrant: await publish(await reentrant.getAddress()),
    plain: await publish(await plain.getAddress()),
    native: await publish(ZeroAddress),
  };

  const spender = await licensing.getAddress();
  for (const account of [buyer, other]) {
    await noReturn.mint(account.address, INITIAL_BALANCE);
    await noReturn.connect(account).approve(spender, ethers.MaxUint256);
    for (const token of [falseReturn, feeToken, reentrant, plain]) {
      await token.mint(account.address, INITIAL_BALANCE);
      await token.connect(account).approve(spender, ethers.MaxUint256);
    }
  }
  return {
    licensing,
    owner,
    treasury,
    provider,
    city,
    contributors,
    buyer,
    other,
    noReturn,
    falseReturn,
    feeToken,
    reentrant,
    plain,
    rejecting,
    reentrantReceiver,
    ids,
    publish,
  };
}

type Fixture = Awaited<ReturnType<typeof deployFixture>>;

async function owedOf(licensing: DataLicensing, productId: bigint): Promise<bigint[]> {
  return [...(await licensing.owed(productId))];
}

interface BalanceOf {
  balanceOf(account: string): Promise<bigint>;
}

/** Everything a refused call must leave as it was: what the product owes, and what the contract holds. */
async function snapshot(licensing: DataLicensing, productId: bigint, token: BalanceOf | null) {
  const holder = await licensing.getAddress();
  return {
    owed: await owedOf(licensing, productId),
    held: token === null ? await ethers.provider.getBalance(holder) : await token.balanceOf(holder),
  };
}

/** Fixes the next block's timestamp, so a licence's expiry is known exactly. */
async function nextTimestamp(): Promise<bigint> {
  const at = BigInt(await time.latest()) + 10n;
  await time.setNextBlockTimestamp(at);
  return at;
}

function buyCalldata(licensing: DataLicensing, productId: bigint): string {
  return licensing.interface.encodeFunctionData("buy", [productId, PURPOSE, PRICE]);
}

function withdrawCalldata(licensing: DataLicensing, productId: bigint, role: number): string {
  return licensing.interface.encodeFunctionData("withdraw", [productId, role]);
}

async function expectLicensed(
  f: Fixture,
  productId: bigint,
  licensee: Addressable,
  licensed: boolean,
) {
  const address = await resolveAddress(licensee);
  expect(await f.licensing.isLicensed(productId, address, PURPOSE)).to.equal(licensed);
}

/** Buys `productId` at PRICE (sending it as value when `native`), checking the event and the licence. */
async function buyAndCheck(
  f: Fixture,
  productId: bigint,
  buyer: HardhatEthersSigner,
  sale: Sale,
  native = false,
): Promise<ContractTransactionResponse> {
  const at = await nextTimestamp();
  const tx = await f.licensing
    .connect(buyer)
    .buy(productId, PURPOSE, PRICE, { value: native ? PRICE : 0n });
  await expect(tx)
    .to.emit(f.licensing, "LicenceIssued")
    .withArgs(productId, buyer.address, PURPOSE, Model.Purchase, 1n, at + PERIOD, sale);
  await expectLicensed(f, productId, buyer, true);
  return tx;
}

describe("DataLicensing with adversarial tokens and receivers", () => {
  describe("NoReturnERC20 (USDT-style: transfer, transferFrom and approve return nothing)", () => {
    it("sells a licence: one pull of the price, the exact Sale in the event, the split owed", async () => {
      const f = await loadFixture(deployFixture);
      const sale = saleOf(PRICE);
      const tx = await buyAndCheck(f, f.ids.noReturn, f.buyer, sale);
      await expect(tx).to.changeTokenBalances(
        ethers,
        f.noReturn,
        [f.buyer, f.licensing],
        [-PRICE, PRICE],
      );
      const carried = await f.licensing.carriedRemainder(f.ids.noReturn);
      expect(sale[1] + sale[2] + sale[3] + sale[4] + carried).to.equal(PRICE);
      expect(await owedOf(f.licensing, f.ids.noReturn)).to.deep.equal(owedAfter(sale));
    });

    it("renews with a second pull, and pays every party's withdrawal in full", async () => {
      const f = await loadFixture(deployFixture);
      const first = saleOf(PRICE);
      await buyAndCheck(f, f.ids.noReturn, f.buyer, first);
      const second = saleOf(PRICE, PRICE - first[1]);
      const licence = await f.licensing.getLicence(f.ids.noReturn, f.buyer.address, PURPOSE);
      const renewal = f.licensing.connect(f.buyer).renew(f.ids.noReturn, PURPOSE, PRICE);
      await expect(renewal)
        .to.emit(f.licensing, "LicenceIssued")
        .withArgs(
          f.ids.noReturn,
          f.buyer.address,
          PURPOSE,
          Model.Renewal,
          1n,
          licence.expiresAt + PERIOD,
          second,
        );
      await expect(renewal).to.changeTokenBalances(
        ethers,
        f.noReturn,
        [f.buyer, f.licensing],
        [-PRICE, PRICE],
      );
      const owed = await owedOf(f.licensing, f.ids.noReturn);
      const carried = await f.licensing.carriedRemainder(f.ids.noReturn);
      expect(owed.reduce((a, b) => a + b, 0n) + carried).to.equal(2n * PRICE);

      const recipients = [f.treasury, f.city, f.provider, f.contributors];
      for (const [role, recipient] of recipients.entries()) {
        const amount = owed[role] ?? 0n;
        await expect(f.licensing.withdraw(f.ids.noReturn, role))
          .to.emit(f.licensing, "RevenueWithdrawn")
          .withArgs(f.ids.noReturn, role, recipient.address, amount);
      }
      expect(await owedOf(f.licensing, f.ids.noReturn)).to.deep.equal([0n, 0n, 0n, 0n]);
      // All paid out but the carried rounding remainder (at most 2 wei), kept for the next sale.
      expect(await f.noReturn.balanceOf(await f.licensing.getAddress())).to.equal(carried);
      expect(await f.noReturn.balanceOf(f.city.address)).to.equal(owed[Role.City]);
    });
  });

  describe("FalseReturnERC20 (transfer and transferFrom return false without reverting)", () => {
    it("refuses a purchase with SafeERC20FailedOperation(token); nothing credited, nothing moved", async () => {
      const f = await loadFixture(deployFixture);
      const before = await snapshot(f.licensing, f.ids.falseReturn, f.falseReturn);
      const buyerBalance = await f.falseReturn.balanceOf(f.buyer.address);

      await expect(f.licensing.connect(f.buyer).buy(f.ids.falseReturn, PURPOSE, PRICE))
        .to.be.revertedWithCustomError(f.licensing, "SafeERC20FailedOperation")
        .withArgs(await f.falseReturn.getAddress());

      expect(await snapshot(f.licensing, f.ids.falseReturn, f.falseReturn)).to.deep.equal(before);
      expect(await f.falseReturn.balanceOf(f.buyer.address)).to.equal(buyerBalance);
      await expectLicensed(f, f.ids.falseReturn, f.buyer, false);

      await f.falseReturn.setFailing(false);
      await buyAndCheck(f, f.ids.falseReturn, f.buyer, saleOf(PRICE));
    });

    it("refuses a renewal once the token starts failing; the licence keeps its expiry", async () => {
      const f = await loadFixture(deployFixture);
      await f.falseReturn.setFailing(false);
      await buyAndCheck(f, f.ids.falseReturn, f.buyer, saleOf(PRICE));
      const licence = await f.licensing.getLicence(f.ids.falseReturn, f.buyer.address, PURPOSE);
      await f.falseReturn.setFailing(true);
      const before = await snapshot(f.licensing, f.ids.falseReturn, f.falseReturn);

      await expect(f.licensing.connect(f.buyer).renew(f.ids.falseReturn, PURPOSE, PRICE))
        .to.be.revertedWithCustomError(f.licensing, "SafeERC20FailedOperation")
        .withArgs(await f.falseReturn.getAddress());

      expect(await snapshot(f.licensing, f.ids.falseReturn, f.falseReturn)).to.deep.equal(before);
      expect(
        (await f.licensing.getLicence(f.ids.falseReturn, f.buyer.address, PURPOSE)).expiresAt,
      ).to.equal(licence.expiresAt);
    });

    it("refuses a withdrawal whose transfer returns false; the amount stays owed until it works", async () => {
      const f = await loadFixture(deployFixture);
      await f.falseReturn.setFailing(false);
      const sale = saleOf(PRICE);
      await buyAndCheck(f, f.ids.falseReturn, f.buyer, sale);
      await f.falseReturn.setFailing(true);

      await expect(f.licensing.withdraw(f.ids.falseReturn, Role.City))
        .to.be.revertedWithCustomError(f.licensing, "SafeERC20FailedOperation")
        .withArgs(await f.falseReturn.getAddress());
      expect(await owedOf(f.licensing, f.ids.falseReturn)).to.deep.equal(owedAfter(sale));

      await f.falseReturn.setFailing(false);
      await expect(f.licensing.withdraw(f.ids.falseReturn, Role.City)).to.changeTokenBalances(
        ethers,
        f.falseReturn,
        [f.licensing, f.city],
        [-sale[2], sale[2]],
      );
    });
  });

  describe("FeeOnTransferERC20 (burns a share of every transfer)", () => {
    const received = PRICE - (PRICE * TOKEN_FEE_BPS) / BPS;

    it("refuses a purchase with DataLicensingTransferShortfall(price, received); nothing credited", async () => {
      const f = await loadFixture(deployFixture);
      await f.feeToken.setFeeBps(TOKEN_FEE_BPS);
      const before = await snapshot(f.licensing, f.ids.fee, f.feeToken);

      await expect(f.licensing.connect(f.buyer).buy(f.ids.fee, PURPOSE, PRICE))
        .to.be.revertedWithCustomError(f.licensing, "DataLicensingTransferShortfall")
        .withArgs(PRICE, received);

      expect(await snapshot(f.licensing, f.ids.fee, f.feeToken)).to.deep.equal(before);
      await expectLicensed(f, f.ids.fee, f.buyer, false);
    });

    it("catches a fee switched on after the product was published and sold", async () => {
      const f = await loadFixture(deployFixture);
      const sale = saleOf(PRICE);
      await buyAndCheck(f, f.ids.fee, f.buyer, sale);
      await f.feeToken.setFeeBps(TOKEN_FEE_BPS);
      const before = await snapshot(f.licensing, f.ids.fee, f.feeToken);
      expect(before.owed).to.deep.equal(owedAfter(sale));

      await expect(f.licensing.connect(f.other).buy(f.ids.fee, PURPOSE, PRICE))
        .to.be.revertedWithCustomError(f.licensing, "DataLicensingTransferShortfall")
        .withArgs(PRICE, received);
      await expect(f.licensing.connect(f.buyer).renew(f.ids.fee, PURPOSE, PRICE))
        .to.be.revertedWithCustomError(f.licensing, "DataLicensingTransferShortfall")
        .withArgs(PRICE, received);

      expect(await snapshot(f.licensing, f.ids.fee, f.feeToken)).to.deep.equal(before);
      await expectLicensed(f, f.ids.fee, f.other, false);

      await f.feeToken.setFeeBps(0n);
      await buyAndCheck(f, f.ids.fee, f.other, saleOf(PRICE, PRICE - sale[1]));
    });

    it("pays a withdrawal in full while the fee is on: the recipient bears the token's fee", async () => {
      const f = await loadFixture(deployFixture);
      const sale = saleOf(PRICE);
      await buyAndCheck(f, f.ids.fee, f.buyer, sale);
      await f.feeToken.setFeeBps(TOKEN_FEE_BPS);
      const cityShare = sale[2];
      const burnt = (cityShare * TOKEN_FEE_BPS) / BPS;

      await expect(f.licensing.withdraw(f.ids.fee, Role.City)).to.changeTokenBalances(
        ethers,
        f.feeToken,
        [f.licensing, f.city],
        [-cityShare, cityShare - burnt],
      );
      const owed = await owedOf(f.licensing, f.ids.fee);
      expect(owed[Role.City]).to.equal(0n);
      // What is left is exactly what the others are owed, plus the carried rounding remainder.
      expect(await f.feeToken.balanceOf(await f.licensing.getAddress())).to.equal(
        owed.reduce((a, b) => a + b, 0n) + (await f.licensing.carriedRemainder(f.ids.fee)),
      );
    });
  });

  describe("ReentrantERC20 (calls back into DataLicensing from inside a transfer)", () => {
    it("refuses a re-entrant buy of another product during transferFrom; the purchase reverts", async () => {
      const f = await loadFixture(deployFixture);
      const licensingAddress = await f.licensing.getAddress();
      await f.reentrant.arm(licensingAddress, buyCalldata(f.licensing, f.ids.plain), true, false);
      const before = await snapshot(f.licensing, f.ids.reentrant, f.reentrant);
      const plainBefore = await snapshot(f.licensing, f.ids.plain, f.plain);

      await expect(
        f.licensing.connect(f.buyer).buy(f.ids.reentrant, PURPOSE, PRICE),
      ).to.be.revertedWithCustomError(f.licensing, "ReentrancyGuardReentrantCall");

      expect(await snapshot(f.licensing, f.ids.reentrant, f.reentrant)).to.deep.equal(before);
      expect(await snapshot(f.licensing, f.ids.plain, f.plain)).to.deep.equal(plainBefore);
      await expectLicensed(f, f.ids.reentrant, f.buyer, false);
      await expectLicensed(f, f.ids.plain, f.reentrant, false);

      await f.reentrant.disarm();
      await buyAndCheck(f, f.ids.reentrant, f.buyer, saleOf(PRICE));
    });

    it("refuses a re-entrant withdraw during a purchase's transferFrom", async () => {
      const f = await loadFixture(deployFixture);
      const sale = saleOf(PRICE);
      await buyAndCheck(f, f.ids.reentrant, f.buyer, sale);
      await f.reentrant.arm(
        await f.licensing.getAddress(),
        withdrawCalldata(f.licensing, f.ids.reentrant, Role.City),
        true,
        false,
      );
      const before = await snapshot(f.licensing, f.ids.reentrant, f.reentrant);

      await expect(
        f.licensing.connect(f.other).buy(f.ids.reentrant, PURPOSE, PRICE),
      ).to.be.revertedWithCustomError(f.licensing, "ReentrancyGuardReentrantCall");

      expect(await snapshot(f.licensing, f.ids.reentrant, f.reentrant)).to.deep.equal(before);
      expect(await f.reentrant.balanceOf(f.city.address)).to.equal(0n);
    });

    it("refuses a re-entrant withdraw during a withdrawal's transfer; both amounts stay owed", async () => {
      const f = await loadFixture(deployFixture);
      const sale = saleOf(PRICE);
      await buyAndCheck(f, f.ids.reentrant, f.buyer, sale);
      await f.reentrant.arm(
        await f.licensing.getAddress(),
        withdrawCalldata(f.licensing, f.ids.reentrant, Role.Provider),
        false,
        true,
      );
      const before = await snapshot(f.licensing, f.ids.reentrant, f.reentrant);

      await expect(f.licensing.withdraw(f.ids.reentrant, Role.City)).to.be.revertedWithCustomError(
        f.licensing,
        "ReentrancyGuardReentrantCall",
      );

      expect(await snapshot(f.licensing, f.ids.reentrant, f.reentrant)).to.deep.equal(before);
      await f.reentrant.disarm();
      await expect(f.licensing.withdraw(f.ids.reentrant, Role.City)).to.changeTokenBalances(
        ethers,
        f.reentrant,
        [f.licensing, f.city],
        [-sale[2], sale[2]],
      );
      await expect(f.licensing.withdraw(f.ids.reentrant, Role.Provider)).to.changeTokenBalances(
        ethers,
        f.reentrant,
        [f.licensing, f.provider],
        [-sale[3], sale[3]],
      );
    });

    it("does call back: an unguarded call it makes (registerParties) goes through mid-purchase", async () => {
      const f = await loadFixture(deployFixture);
      const reentrantAddress = await f.reentrant.getAddress();
      await f.reentrant.arm(
        await f.licensing.getAddress(),
        f.licensing.interface.encodeFunctionData("registerParties", [
          f.city.address,
          f.contributors.address,
        ]),
        true,
        false,
      );

      const tx = await buyAndCheck(f, f.ids.reentrant, f.buyer, saleOf(PRICE));
      // So the refusals above come from the reentrancy guard, not from a callback that never happened.
      await expect(tx)
        .to.emit(f.licensing, "PartiesRegistered")
        .withArgs(2n, reentrantAddress, f.city.address, f.contributors.address);
      expect(await f.reentrant.onTransferFrom()).to.equal(false);
    });
  });

  describe("ReentrantReceiver (a contract account whose receive calls back into DataLicensing)", () => {
    it("a buyer whose refund re-enters withdraw: DataLicensingNativeTransferFailed(buyer, excess)", async () => {
      const f = await loadFixture(deployFixture);
      const licensingAddress = await f.licensing.getAddress();
      const buyer = await f.reentrantReceiver.getAddress();
      await buyAndCheck(f, f.ids.native, f.other, saleOf(PRICE), true); // something to withdraw
      await f.reentrantReceiver.setReentry(
        licensingAddress,
        withdrawCalldata(f.licensing, f.ids.native, Role.Platform),
      );
      const before = await snapshot(f.licensing, f.ids.native, null);
      const buyCall = buyCalldata(f.licensing, f.ids.native);

      await expect(
        f.reentrantReceiver.execute(licensingAddress, buyCall, { value: PRICE + EXCESS }),
      )
        .to.be.revertedWithCustomError(f.licensing, "DataLicensingNativeTransferFailed")
        .withArgs(buyer, EXCESS);

      expect(await snapshot(f.licensing, f.ids.native, null)).to.deep.equal(before);
      await expectLicensed(f, f.ids.native, f.reentrantReceiver, false);

      // With the exact price there is no refund, so no callback: the purchase goes through.
      await expect(
        f.reentrantReceiver.execute(licensingAddress, buyCall, { value: PRICE }),
      ).to.changeEtherBalances(ethers, [f.licensing], [PRICE]);
      await expectLicensed(f, f.ids.native, f.reentrantReceiver, true);
    });

    it("a city whose receive re-enters withdraw: its withdrawal fails and stays owed; others are paid", async () => {
      const f = await loadFixture(deployFixture);
      const cityAccount = await f.reentrantReceiver.getAddress();
      await f.licensing.connect(f.provider).registerParties(cityAccount, f.contributors.address);
      const productId = await f.publish(ZeroAddress, 2n);
      const sale = saleOf(PRICE);
      await f.licensing.connect(f.buyer).buy(productId, PURPOSE, PRICE, { value: PRICE });
      await f.reentrantReceiver.setReentry(
        await f.licensing.getAddress(),
        withdrawCalldata(f.licensing, productId, Role.Provider),
      );
      const before = await snapshot(f.licensing, productId, null);
      expect(before.owed).to.deep.equal(owedAfter(sale));

      await expect(f.licensing.withdraw(productId, Role.City))
        .to.be.revertedWithCustomError(f.licensing, "DataLicensingNativeTransferFailed")
        .withArgs(cityAccount, sale[2]);
      expect(await snapshot(f.licensing, productId, null)).to.deep.equal(before);

      await expect(f.licensing.withdraw(productId, Role.Provider)).to.changeEtherBalances(
        ethers,
        [f.licensing, f.provider],
        [-sale[3], sale[3]],
      );
      await f.reentrantReceiver.setReentry(ZeroAddress, "0x");
      await expect(f.licensing.withdraw(productId, Role.City)).to.changeEtherBalances(
        ethers,
        [f.licensing, f.reentrantReceiver],
        [-sale[2], sale[2]],
      );
    });
  });

  describe("RejectingReceiver (a contract account that refuses native coin)", () => {
    it("a buyer that cannot take its refund: DataLicensingNativeTransferFailed(buyer, excess)", async () => {
      const f = await loadFixture(deployFixture);
      const licensingAddress = await f.licensing.getAddress();
      const buyer = await f.rejecting.getAddress();
      const buyCall = buyCalldata(f.licensing, f.ids.native);
      const before = await snapshot(f.licensing, f.ids.native, null);

      await expect(f.rejecting.execute(licensingAddress, buyCall, { value: PRICE + EXCESS }))
        .to.be.revertedWithCustomError(f.licensing, "DataLicensingNativeTransferFailed")
        .withArgs(buyer, EXCESS);

      expect(await snapshot(f.licensing, f.ids.native, null)).to.deep.equal(before);
      expect(await ethers.provider.getBalance(buyer)).to.equal(0n);
      await expectLicensed(f, f.ids.native, f.rejecting, false);

      await expect(
        f.rejecting.execute(licensingAddress, buyCall, { value: PRICE }),
      ).to.changeEtherBalances(ethers, [f.licensing], [PRICE]);
      expect(await owedOf(f.licensing, f.ids.native)).to.deep.equal(owedAfter(saleOf(PRICE)));
      await expectLicensed(f, f.ids.native, f.rejecting, true);
    });

    it("a city that refuses native coin: its withdrawal reverts, its share stays owed, others are paid", async () => {
      const f = await loadFixture(deployFixture);
      const cityAccount = await f.rejecting.getAddress();
      await f.licensing.connect(f.provider).registerParties(cityAccount, f.contributors.address);
      const productId = await f.publish(ZeroAddress, 2n);
      const sale = saleOf(PRICE);
      await f.licensing.connect(f.buyer).buy(productId, PURPOSE, PRICE, { value: PRICE });
      const before = await snapshot(f.licensing, productId, null);

      await expect(f.licensing.withdraw(productId, Role.City))
        .to.be.revertedWithCustomError(f.licensing, "DataLicensingNativeTransferFailed")
        .withArgs(cityAccount, sale[2]);
      expect(await snapshot(f.licensing, productId, null)).to.deep.equal(before);

      await expect(f.licensing.withdraw(productId, Role.Platform)).to.changeEtherBalances(
        ethers,
        [f.licensing, f.treasury],
        [-sale[1], sale[1]],
      );
      await expect(f.licensing.withdraw(productId, Role.Provider)).to.changeEtherBalances(
        ethers,
        [f.licensing, f.provider],
        [-sale[3], sale[3]],
      );
      await expect(f.licensing.withdraw(productId, Role.Contributors)).to.changeEtherBalances(
        ethers,
        [f.licensing, f.contributors],
        [-sale[4], sale[4]],
      );
      expect(await owedOf(f.licensing, productId)).to.deep.equal([0n, sale[2], 0n, 0n]);
      expect(await ethers.provider.getBalance(await f.licensing.getAddress())).to.equal(
        sale[2] + (await f.licensing.carriedRemainder(productId)),
      );

      // Nothing was lost: once the account accepts native coin, the city is paid in full.
      await f.rejecting.setAccepting(true);
      await expect(f.licensing.withdraw(productId, Role.City)).to.changeEtherBalances(
        ethers,
        [f.licensing, f.rejecting],
        [-sale[2], sale[2]],
      );
    });
  });
});
