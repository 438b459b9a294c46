import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress, parseEther } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { createConsentReceipt, hashConsentReceipt, InvalidInputError } from "../../sdk/index.js";
import { LedgerReader, type Eip1193Provider } from "../../sdk/ledger/index.js";
import { CAT_A, CAT_B, CAT_C, FAR_FUTURE, OTHER_PURPOSE, PURPOSE } from "../helpers/consent.js";
import { DAY } from "../helpers/licensing.js";
import { expectRejection } from "../helpers/expect.js";
import { deployLedgerWorld, MAX, POOL_CATEGORIES } from "../helpers/ledger.js";
import { LICENSING_FEE_BPS, SHARES, expectedSplit } from "../helpers/revenue.js";

const { ethers, networkHelpers, provider } = await network.create();
const { loadFixture, time } = networkHelpers;
const rpc = provider as unknown as Eip1193Provider;
type S = HardhatEthersSigner;
const E = (n: string) => parseEther(n);
const sorted = (ids: readonly string[]) =>
  [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

/**
 * A small city, step by step, with everything the questions ask about:
 *  t0    alice (receipt), bob (until t0 + 10 days, with C), carol ({A}) consent to `grantee` for PURPOSE;
 *        dave to `grantee` for OTHER_PURPOSE and to `otherGrantee` for PURPOSE; erin to `otherGrantee` for
 *        OTHER_PURPOSE. alice and bob join pool 1 (bob weight 3), erin pool 2.
 *  then  a deposit of 1,000 into pool 1; buyer 1 buys product 1 (100, pool 1) for PURPOSE; buyer 0 buys it for
 *        OTHER_PURPOSE; buyer 2 buys product 3 (plain split); alice claims; bob donates 100 to the city.
 *  +11 d bob's consent has expired; he is settled out. carol withdraws; dave withdraws all, then consents again
 *        to `grantee` for OTHER_PURPOSE. buyer 1 cancels; the provider revokes buyer 2's licence.
 */
async function cityFixture() {
  const w = await deployLedgerWorld(ethers);
  const [alice, bob, carol, dave, erin] = w.citizens as [S, S, S, S, S];
  const [buyer0, buyer1, buyer2] = w.buyers as [S, S, S];
  const { registry, pool, licensing } = w;
  const t0 = BigInt(await time.latest());
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const receipt = createConsentReceipt({
    subject: alice.address,
    controller: { address: w.grantee.address, name: "City mobility department" },
    purpose: "ResearchAndDevelopment",
    personalDataCategories: ["Location", "Age"],
    validUntil: t0 + 365n * DAY,
    registry: { chainId, address: w.contracts.registry },
  });
  const grant = (
    s: S,
    grantee: string,
    purpose: string,
    cats: string[],
    until: bigint,
    hash = `0x${"11".repeat(32)}`,
  ) => registry.connect(s).grant(grantee, purpose, sorted(cats), until, hash);
  await grant(
    alice,
    w.grantee.address,
    PURPOSE,
    POOL_CATEGORIES,
    t0 + 365n * DAY,
    hashConsentReceipt(receipt),
  );
  const bobUntil = t0 + 10n * DAY;
  await grant(bob, w.grantee.address, PURPOSE, [CAT_A, CAT_B, CAT_C], bobUntil);
  await grant(carol, w.grantee.address, PURPOSE, [CAT_A], FAR_FUTURE);
  await grant(dave, w.grantee.address, OTHER_PURPOSE, POOL_CATEGORIES, FAR_FUTURE);
  await grant(dave, w.otherGrantee.address, PURPOSE, [CAT_A], FAR_FUTURE);
  await grant(erin, w.otherGrantee.address, OTHER_PURPOSE, [CAT_A], FAR_FUTURE);
  await pool.connect(alice).join(1n);
  await pool.connect(bob).join(1n);
  await pool.connect(w.provider).setWeight(1n, bob.address, 3n);
  await pool.connect(erin).join(2n);
  const tBefore = await time.latest();

  await pool.connect(buyer0).deposit(1n, E("1000"));
  await licensing.connect(buyer1).buy(1n, PURPOSE, E("100"));
  await licensing.connect(buyer0).buy(1n, OTHER_PURPOSE, E("100"));
  await licensing.connect(buyer2).buy(3n, PURPOSE, MAX);
  await pool.connect(alice).claim(1n, alice.address);
  await pool.connect(bob).donate(1n, w.city.address, E("100"));
  const tSales = await time.latest();

  await time.increase(11n * DAY);
  await pool.connect(buyer0).settleOut(1n, bob.address);
  await registry.connect(carol).withdraw(carol.address, w.grantee.address, PURPOSE);
  await registry.connect(dave).withdrawAll(dave.address);
  await grant(dave, w.grantee.address, OTHER_PURPOSE, [CAT_A], FAR_FUTURE);
  await licensing.connect(buyer1).cancel(1n, PURPOSE);
  await licensing
    .connect(w.provider)
    .revoke(3n, buyer2.address, PURPOSE, "shared the data", `0x${"ee".repeat(32)}`, 0n);

  const ledger = LedgerReader.open({ database: ":memory:" });
  await ledger.sync({ provider: rpc, contracts: w.contracts });
  return {
    w,
    ledger,
    alice,
    bob,
    carol,
    dave,
    erin,
    buyer0,
    buyer1,
    buyer2,
    t0,
    bobUntil,
    tBefore,
    tSales,
    receipt,
  };
}

describe("Ledger questions", function () {
  this.timeout(60_000);

  describe("cohort", () => {
    it("lists the subjects whose consent covers the grantee, purpose and every category at a time", async () => {
      const { w, ledger, alice, bob, carol, tBefore } = await loadFixture(cityFixture);
      const q = { grantee: w.grantee.address, purpose: "ResearchAndDevelopment" };
      // CAT_A is Age, CAT_B Location, CAT_C TravelHistory (the test categories sorted by id).
      const then = ledger.cohort({ ...q, categories: ["Age"], at: tBefore });
      expect(then.subjects).to.have.members([alice.address, bob.address, carol.address]);
      expect(then.subjects).to.deep.equal([...then.subjects].sort());
      expect(then.count).to.equal(3);
      // A consent covers a set when its own categories include all of them.
      expect(
        ledger.cohort({ ...q, categories: ["Location", "Age"], at: tBefore }).subjects,
      ).to.have.members([alice.address, bob.address]);
      expect(ledger.cohort({ ...q, categories: [CAT_C], at: tBefore }).subjects).to.deep.equal([
        bob.address,
      ]);
      // Now: bob's has expired and carol withdrew.
      const now = ledger.cohort({ ...q, categories: "Location, Age" });
      expect(now.subjects).to.deep.equal([alice.address]);
      expect(now.at).to.equal(ledger.status().asOf.time);
      expect(now.purpose.name).to.equal("ResearchAndDevelopment");
      expect(now.categories.map((c) => c.name).sort()).to.deep.equal(["Age", "Location"]);
      expect(now.note).to.equal(null);
      // Another grantee or purpose: nobody of these.
      expect(
        ledger.cohort({ ...q, grantee: w.otherGrantee.address, categories: ["Age"], at: tBefore })
          .subjects,
      ).to.have.length(1);
      expect(ledger.cohort({ ...q, purpose: "PublicBenefit", categories: ["Age"] }).count).to.equal(
        1,
      );
      expect(
        ledger.cohort({ ...q, purpose: "PublicBenefit", categories: ["Location"] }).count,
      ).to.equal(0);
    });

    it("includes the last second of a consent and not the next, as the registry does", async () => {
      const { w, ledger, bob, bobUntil } = await loadFixture(cityFixture);
      const q = { grantee: w.grantee.address, purpose: PURPOSE, categories: [CAT_C] };
      expect(ledger.cohort({ ...q, at: bobUntil }).subjects).to.deep.equal([bob.address]);
      expect(ledger.cohort({ ...q, at: bobUntil + 1n }).subjects).to.deep.equal([]);
      expect(ledger.isValid({ ...q, subject: bob.address, at: Number(bobUntil) })).to.equal(true);
      expect(
        ledger.isValid({ ...q, subject: bob.address, at: new Date(Number(bobUntil + 1n) * 1000) }),
      ).to.equal(false);
    });

    it("voids every earlier consent at a withdraw-all, and counts consents given afterwards", async () => {
      const { w, ledger, dave } = await loadFixture(cityFixture);
      const status = ledger.citizenReport({ subject: dave.address }).consents;
      const byGrantee = Object.fromEntries(status.map((c) => [c.grantee, c.status]));
      expect(byGrantee).to.deep.equal({
        [w.grantee.address]: "valid",
        [w.otherGrantee.address]: "voided",
      });
      expect(
        ledger.isValid({
          subject: dave.address,
          grantee: w.otherGrantee.address,
          purpose: PURPOSE,
          categories: [CAT_A],
        }),
      ).to.equal(false);
      expect(
        ledger.isValid({
          subject: dave.address,
          grantee: w.grantee.address,
          purpose: OTHER_PURPOSE,
          categories: [CAT_A],
        }),
      ).to.equal(true);
      // The re-grant replaced B: only A is covered now.
      expect(
        ledger.isValid({
          subject: dave.address,
          grantee: w.grantee.address,
          purpose: OTHER_PURPOSE,
          categories: [CAT_B],
        }),
      ).to.equal(false);
      expect(
        await w.registry.isValid(dave.address, w.grantee.address, OTHER_PURPOSE, CAT_B),
      ).to.equal(false);
    });

    it("refuses bad input with messages that say what is wrong", async () => {
      const { w, ledger } = await loadFixture(cityFixture);
      const q = { grantee: w.grantee.address, purpose: PURPOSE, categories: ["Location"] };
      await expectRejection(
        Promise.resolve().then(() => ledger.cohort({ ...q, grantee: "0x123" })),
        InvalidInputError,
        'grantee: "0x123" is not an address',
      );
      const unknown = await expectRejection(
        Promise.resolve().then(() => ledger.cohort({ ...q, categories: ["Locaton"] })),
        InvalidInputError,
        "categories.0",
      );
      expect(unknown.message).to.contain("Location");
      await expectRejection(
        Promise.resolve().then(() => ledger.cohort({ ...q, categories: [] })),
        InvalidInputError,
        "at least one category",
      );
      await expectRejection(
        Promise.resolve().then(() => ledger.cohort({ ...q, at: "yesterday" })),
        InvalidInputError,
        "is not a time",
      );
      const later = ledger.cohort({ ...q, at: ledger.status().asOf.time! + 1 });
      expect(later.note).to.contain("later than the last block read");
    });
  });

  describe("citizen report", () => {
    it("shows every consent with its receipt, the timeline, pools, licences on their data and earnings", async () => {
      const { w, ledger, alice, buyer0, buyer1, buyer2, receipt } = await loadFixture(cityFixture);
      const report = ledger.citizenReport({ subject: alice.address, receipts: [receipt] });
      expect(report.subject).to.equal(alice.address);
      expect(report.consents).to.have.length(1);
      const consent = report.consents[0]!;
      expect(consent).to.deep.include({
        grantee: w.grantee.address,
        status: "valid",
        receiptMatchesGrant: true,
      });
      expect(consent.purpose.label).to.equal("Research and Development");
      expect(consent.receipt).to.deep.equal(receipt);

      expect(report.timeline.map((t) => t.kind)).to.deep.equal([
        "consent-granted",
        "pool-weight-changed",
        "claimed",
      ]);
      expect(report.timeline[0]!.receiptHash).to.equal(hashConsentReceipt(receipt));
      expect(report.timeline[1]!.summary).to.equal("Joined pool 1 with weight 1");

      // Pool 1: alice (weight 1) and bob (3) share 60% of 1,000 and of 100 + 100.
      const deposit = expectedSplit(E("1000")).contributors;
      const sale = expectedSplit(E("100"), E("1000")).contributors;
      const sale2 = expectedSplit(E("100"), E("1100")).contributors;
      const earned = deposit / 4n + sale / 4n + sale2 / 4n;
      const [p] = report.pools;
      expect(p).to.deep.include({
        poolId: 1,
        weight: 1,
        earned: earned.toString(),
        claimed: earned.toString(),
        claimable: "0",
      });
      expect(p!.token.symbol).to.equal("EURC");
      expect(report.totals).to.deep.equal([
        {
          token: p!.token,
          earned: earned.toString(),
          claimable: "0",
          claimed: earned.toString(),
          fees: "0",
          paidOut: "0",
          donated: "0",
        },
      ]);
      expect(report.earnings.map((e) => [e.source, e.amount])).to.deep.equal([
        ["deposit", (deposit / 4n).toString()],
        ["sale", (sale / 4n).toString()],
        ["sale", (sale2 / 4n).toString()],
      ]);
      expect(report.earnings.at(-1)!.cumulative).to.equal(earned.toString());

      // Licences on products alice is part of: both pool-1 sales (member, and her consent covered them),
      // and the plain product relying on the same grantee for the same purpose (consent only).
      expect(
        report.licences.map((l) => [l.productId, l.licensee, l.purpose.name, l.basis]),
      ).to.deep.equal([
        [1, buyer1.address, "ResearchAndDevelopment", ["consent", "pool"]],
        [1, buyer0.address, "PublicBenefit", ["pool"]],
        [3, buyer2.address, "ResearchAndDevelopment", ["consent"]],
      ]);
      expect(report.licences[0]!.earned).to.equal((sale / 4n).toString());
      expect(report.licences[2]!.earned).to.equal("0");
      expect(report.licences[0]!.expiresAt).to.equal(
        String(report.licences[0]!.soldAt + 30 * 86_400),
      );
    });

    it("shows an expired consent, a settled-out membership and a donation", async () => {
      const { w, ledger, bob } = await loadFixture(cityFixture);
      const report = ledger.citizenReport({ subject: bob.address });
      expect(report.consents[0]!.status).to.equal("expired");
      const [p] = report.pools;
      expect(p!.weight).to.equal(0);
      expect(p!.periods.map((x) => [x.weight, x.change, x.endedBy])).to.deep.equal([
        [1, "Joined", "Set"],
        [3, "Set", "SettledOut"],
      ]);
      expect(p!.donated).to.equal(E("100").toString());
      expect(p!.claimable).to.equal((await w.pool.claimableOf(1n, bob.address)).toString());
      const donation = report.timeline.find((t) => t.kind === "donated")!;
      expect(donation.counterparty).to.equal(w.city.address);
      expect(donation.summary).to.equal(`Donated 100 EURC from pool 1 to ${w.city.address}`);
      expect(
        report.timeline.some((t) => t.summary.startsWith("Stopped earning in pool 1")),
      ).to.equal(true);
    });

    it("refuses a receipt that is not a consent receipt", async () => {
      const { ledger, alice } = await loadFixture(cityFixture);
      await expectRejection(
        Promise.resolve().then(() =>
          ledger.citizenReport({ subject: alice.address, receipts: [{ hello: 1 }] }),
        ),
        InvalidInputError,
        "not valid",
      );
    });
  });

  describe("controller record", () => {
    it("lists purposes and categories with the subjects covered now, licences held and pools", async () => {
      const { w, ledger, tBefore } = await loadFixture(cityFixture);
      const record = ledger.controllerRecord({ controller: w.grantee.address });
      const byPurpose = Object.fromEntries(
        record.purposes.map((p) => [
          p.purpose.name,
          [p.subjects, Object.fromEntries(p.categories.map((c) => [c.category.name, c.subjects]))],
        ]),
      );
      expect(byPurpose).to.deep.equal({
        ResearchAndDevelopment: [1, { Location: 1, Age: 1, TravelHistory: 0 }],
        PublicBenefit: [1, { Age: 1, Location: 0 }],
      });
      expect(record.pools.map((p) => [p.poolId, p.members, p.totalWeight])).to.deep.equal([
        [1, 1, 1],
      ]);
      const then = ledger.controllerRecord({ controller: w.grantee.address, at: tBefore });
      expect(
        then.purposes.find((p) => p.purpose.name === "ResearchAndDevelopment")!.subjects,
      ).to.equal(3);
    });

    it("shows each licence a controller holds, whether valid, and the subjects whose consent covers it", async () => {
      const { ledger, buyer0, buyer1, buyer2, tSales } = await loadFixture(cityFixture);
      const held = ledger.controllerRecord({ controller: buyer0.address }).licences;
      expect(
        held.map((l) => [l.productId, l.purpose.name, l.status, l.validAt, l.model]),
      ).to.deep.equal([[1, "PublicBenefit", "Active", true, "Purchase"]]);
      const thenHeld = ledger.controllerRecord({ controller: buyer0.address, at: tSales })
        .licences[0]!;
      expect(thenHeld.validAt).to.equal(true);
      expect(thenHeld.subjects).to.equal(1); // dave, to `grantee` for PublicBenefit
      expect(thenHeld.termsHash).to.match(/^0x[0-9a-f]{64}$/);
      const cancelled = ledger.controllerRecord({ controller: buyer1.address }).licences[0]!;
      expect([cancelled.status, cancelled.validAt]).to.deep.equal(["Cancelled", false]);
      const revoked = ledger.controllerRecord({ controller: buyer2.address }).licences[0]!;
      expect([revoked.productId, revoked.status, revoked.subjects]).to.deep.equal([
        3,
        "Revoked",
        1,
      ]);
    });
  });

  describe("product report", () => {
    it("gives a pool product's sales, its pool's accounts and what each member earned from it", async () => {
      const { w, ledger, alice, bob, buyer0, buyer1 } = await loadFixture(cityFixture);
      const report = ledger.productReport({ productId: 1 });
      expect(report.product).to.deep.include({
        id: 1,
        poolId: 1,
        price: E("100").toString(),
        period: 30 * 86_400,
      });
      expect(report.product.purposes.map((p) => p.name).sort()).to.deep.equal([
        "PublicBenefit",
        "ResearchAndDevelopment",
      ]);
      expect(report.sales.map((s) => [s.licensee, s.model, s.price])).to.deep.equal([
        [buyer1.address, "Purchase", E("100").toString()],
        [buyer0.address, "Purchase", E("100").toString()],
      ]);
      const s1 = expectedSplit(E("100"), E("1000"));
      const s2 = expectedSplit(E("100"), E("1100"));
      expect(report.revenue.byParty.map((p) => [p.party, p.earned, p.owed])).to.deep.equal([
        ["platform", (s1.platform + s2.platform).toString(), null],
        ["city", (s1.city + s2.city).toString(), null],
        ["provider", (s1.provider + s2.provider).toString(), null],
        ["contributors", (s1.contributors + s2.contributors).toString(), null],
      ]);
      expect(report.licences).to.deep.equal({ active: 1, expired: 0, cancelled: 1, revoked: 0 });
      const owed = await w.pool.owed(1n);
      expect(report.pool!.owed).to.deep.equal({
        platform: owed[0]!.toString(),
        city: owed[1]!.toString(),
        provider: owed[2]!.toString(),
      });
      expect(report.pool!.members).to.deep.equal([
        {
          member: bob.address,
          earned: (((s1.contributors + s2.contributors) / 4n) * 3n).toString(),
        },
        { member: alice.address, earned: ((s1.contributors + s2.contributors) / 4n).toString() },
      ]);
      expect(report.revenue.byParty[0]!.account).to.equal(w.treasury.address);
    });

    it("gives a plain product's split by party with what each withdrew and is owed, as DataLicensing holds it", async () => {
      const { w, buyer2 } = await loadFixture(cityFixture);
      await w.licensing.withdraw(3n, 1n); // the city takes its share
      const ledger = LedgerReader.open({ database: ":memory:" });
      await ledger.sync({ provider: rpc, contracts: w.contracts });
      const report = ledger.productReport({ productId: 3 });
      const price = E("7") + 3n;
      const fee = (price * LICENSING_FEE_BPS) / 10_000n;
      const net = price - fee;
      const city = (net * 1_000n) / 10_000n;
      expect(report.sales).to.have.length(1);
      expect(report.sales[0]).to.deep.include({
        licensee: buyer2.address,
        price: price.toString(),
        platformFee: fee.toString(),
        cityShare: city.toString(),
      });
      const owed = await w.licensing.owed(3n);
      expect(report.revenue.byParty.map((p) => p.owed)).to.deep.equal(
        owed.map((x) => x.toString()),
      );
      expect(report.revenue.byParty[1]).to.deep.include({
        party: "city",
        account: w.city.address,
        withdrawn: city.toString(),
        owed: "0",
      });
      expect(BigInt(report.revenue.remainder)).to.equal(await w.licensing.carriedRemainder(3n));
      expect(report.licences.revoked).to.equal(1);
      expect(report.pool).to.equal(null);
      await expectRejection(
        Promise.resolve().then(() => ledger.productReport({ productId: 9 })),
        InvalidInputError,
        "knows no product 9",
      );
      ledger.close();
    });
  });

  describe("indicators", () => {
    it("counts licences, value, citizens and consents, and the share of revenue reaching citizens and cities", async () => {
      const { ledger, tSales } = await loadFixture(cityFixture);
      const all = ledger.indicators();
      expect(all.licences).to.deep.include({
        established: 3,
        renewals: 0,
        cancelled: 1,
        revoked: 1,
      });
      expect(all.licences.byModel).to.deep.equal({ Purchase: 3 });
      expect(all.licences.activeAtEnd).to.equal(1); // buyer 0's 30-day licence, 11 days on
      expect(all.consents).to.deep.include({
        given: 7,
        firstGrants: 6,
        replacements: 1,
        withdrawn: 1,
        withdrawAll: 1,
      });
      expect(all.consents.givenVia).to.deep.equal({ Subject: 7 });
      expect(all.citizens).to.deep.equal({
        everConsented: 5,
        withValidConsentAtEnd: 3,
        poolMembersAtEnd: 2,
        earning: 2,
        donating: 1,
      });

      const [v] = all.value;
      const price3 = E("7") + 3n;
      const fee3 = (price3 * LICENSING_FEE_BPS) / 10_000n;
      const net3 = price3 - fee3;
      const pool = expectedSplit(E("1200"));
      const total = E("1200") + price3;
      const citizens = pool.contributors + (net3 * 7_000n) / 10_000n;
      const cities = pool.city + (net3 * 1_000n) / 10_000n;
      expect(v).to.deep.include({
        sales: 3,
        salesValue: (E("200") + price3).toString(),
        deposits: 1,
        depositsValue: E("1000").toString(),
        total: total.toString(),
        contributors: citizens.toString(),
        city: cities.toString(),
        donated: E("100").toString(),
        donatedToCities: E("100").toString(),
      });
      const pct = (x: bigint) => {
        const bps = (x * 10_000n) / total;
        return `${bps / 100n}.${(bps % 100n).toString().padStart(2, "0")}`;
      };
      expect(v!.shareToCitizens).to.equal(pct(citizens));
      expect(v!.shareToCities).to.equal(pct(cities));
      expect(v!.shareToCitiesWithDonations).to.equal(pct(cities + E("100")));
      expect(Math.abs(Number(v!.shareToCitizens) - Number(SHARES.contributors) / 100) < 1).to.equal(
        true,
      );
      expect(all.monthly.reduce((n, m) => n + m.consentsGiven, 0)).to.equal(7);

      // A period: only the sales and the deposit.
      const early = ledger.indicators({ to: tSales });
      expect(early.consents.withdrawn).to.equal(0);
      expect(early.licences.activeAtEnd).to.equal(3);
      expect(early.citizens.withValidConsentAtEnd).to.equal(5);
      const late = ledger.indicators({ from: tSales + 1 });
      expect(late.value).to.deep.equal([]);
      expect(late.consents).to.deep.include({ given: 1, withdrawn: 1, withdrawAll: 1 });
    });
  });

  it("refuses bad input to every question, naming the field and what it should be", async () => {
    const { ledger } = await loadFixture(cityFixture);
    const refusal = (ask: () => unknown, fragment: string) =>
      expectRejection(Promise.resolve().then(ask), InvalidInputError, fragment);
    await refusal(
      () =>
        ledger.isValid({
          grantee: ZeroAddress,
          purpose: PURPOSE,
          categories: ["Age"],
          subject: "x",
        }),
      'Invalid validity query: subject: "x" is not an address',
    );
    await refusal(
      () => ledger.citizenReport({ subject: "alice" }),
      'Invalid citizen report query: subject: "alice" is not an address',
    );
    await refusal(
      () => ledger.controllerRecord({ controller: ZeroAddress, at: -5 }),
      'Invalid controller record query: at: "-5" is not a time',
    );
    await refusal(
      () => ledger.productReport({ productId: 0 }),
      "Invalid product report query: productId: must be positive",
    );
    await refusal(
      () => ledger.productReport({ productId: 1.5 }),
      "productId: must be a whole number",
    );
    await refusal(() => ledger.indicators({ from: "soon" }), 'from: "soon" is not a time');
    await refusal(
      () => ledger.indicators({ from: "2026-02-01", to: "2026-01-01" }),
      "Invalid indicators query: from is later than to: the period would be empty",
    );
  });
});
