/**
 * The city's story, told through the SDK: consent, a data cooperative's product and its revenue pool, three
 * kinds of licence, withdrawals and settle-outs, payouts and donations. `tellStory` runs it on whatever chain
 * its provider is connected to and returns the summary that `scripts/demo.ts` prints and writes.
 */
import cliProgress from "cli-progress";
import {
  Wallet,
  formatUnits,
  keccak256,
  parseUnits,
  toUtf8Bytes,
  type Provider,
  type Signer,
} from "ethers";
import { MockERC20__factory } from "../../typechain-types/factories/mocks/MockERC20__factory.js";
import { MockSmartWallet__factory } from "../../typechain-types/factories/mocks/MockSmartWallet__factory.js";
import {
  CitizenDataError,
  ConsentClient,
  ContractRevertError,
  LicensingClient,
  RevenueClient,
  createConsentReceipt,
  hashConsentReceipt,
  type CategoryRef,
  type ConsentReceipt,
  type GrantRequest,
  type Signed,
  type PurposeRef,
} from "../../sdk/index.js";
import { deploy } from "../deploy/engine.js";
import { PLAN } from "../deploy/plan.js";
import { payEveryone } from "./payout.js";

/** Who acts in the story: funded accounts of the chain. */
export interface Cast {
  platform: Signer;
  cooperative: Signer;
  city: Signer;
  mobilityDepartment: Signer;
  university: Signer;
  sme: Signer;
  statisticsOffice: Signer;
  operator: Signer;
}

/** A provider that also takes raw JSON-RPC calls (to move time on a development chain). */
export interface StoryProvider extends Provider {
  send(method: string, params: unknown[]): Promise<unknown>;
}

export interface StoryOptions {
  provider: StoryProvider;
  cast: Cast;
  citizens: number;
  /** Where the deployment record is written. */
  deploymentsDir: string;
  networkName: string;
  /** Whether the chain lets the story move time forward (the in-process chain and a local node do). */
  canTravelInTime: boolean;
  say: (line?: string) => void;
  /** Progress bars (off in tests). */
  progress: boolean;
  /** Where the payout tool writes its report. */
  payoutReportFile?: string;
}

const DAY = 86_400n;
/** Citizens whose signed requests the operator relays in one transaction. */
const RELAY_BATCH = 25;
const EURC_DECIMALS = 6;
const eurc = (amount: string) => parseUnits(amount, EURC_DECIMALS);
const fmt = (amount: bigint) => `${Number(formatUnits(amount, EURC_DECIMALS)).toFixed(2)} EURC`;
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

interface Form {
  key: string;
  controller: Signer;
  controllerName: string;
  purpose: PurposeRef;
  categories: CategoryRef[];
  /** Which citizens are asked: every `every`-th. */
  every: number;
  /** How long the consent lasts, in days. */
  days: number;
}

interface Citizen {
  index: number;
  key: Wallet;
  /** The address consents are recorded for: the key's own, or its smart wallet's. */
  subject: string;
  smartWallet: boolean;
  appointedOperator: boolean;
}

/** Runs the story and returns its summary (numbers as strings where they are token amounts or gas). */
export async function tellStory(options: StoryOptions) {
  const { provider, cast, say } = options;
  const started = Date.now();
  const { chainId } = await provider.getNetwork();
  const address = (s: Signer) => s.getAddress();
  const bar = (title: string, total: number) => {
    if (!options.progress) return { increment: () => {}, stop: () => {} };
    const b = new cliProgress.SingleBar(
      { format: `  ${title.padEnd(36)} {bar} {value}/{total}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    b.start(total, 0);
    return b;
  };
  const gas = {
    deploy: 0n,
    consents: 0n,
    joins: 0n,
    sales: 0n,
    withdrawals: 0n,
    settleOuts: 0n,
    payouts: 0n,
    donations: 0n,
    partyWithdrawals: 0n,
  };

  // 1. The platform deploys the three contracts (the same engine as `npm run deploy`).
  const platformAddress = await address(cast.platform);
  const deployment = await deploy({
    plan: PLAN,
    inputs: {
      owner: platformAddress as `0x${string}`,
      treasury: platformAddress as `0x${string}`,
      feeBps: 250,
    },
    signer: cast.platform,
    networkName: options.networkName,
    deploymentsDir: options.deploymentsDir,
    fresh: true,
  });
  for (const c of deployment.contracts) {
    const receipt = await provider.getTransactionReceipt(c.record.transactionHash);
    gas.deploy += receipt?.gasUsed ?? 0n;
  }
  const addresses = {
    registry: deployment.deployment.contracts.ConsentRegistry!.address,
    licensing: deployment.deployment.contracts.DataLicensing!.address,
    pool: deployment.deployment.contracts.RevenuePool!.address,
  };
  say(
    `1. The platform deployed ConsentRegistry, DataLicensing and RevenuePool (record: ${deployment.file})`,
  );

  // A euro stablecoin for the story (a test token: anyone may mint it here).
  const token = await new MockERC20__factory(cast.platform).deploy("Euro Coin (demo)", "EURC");
  await token.waitForDeployment();
  const tokenAddress = await token.getAddress();

  // 2. Three controllers publish consent forms. The data cooperative's form is the one its pool rests on.
  const forms: Form[] = [
    {
      key: "mobility",
      controller: cast.cooperative,
      controllerName: "Mobility Data Cooperative",
      purpose: "ImproveTransportMobility",
      categories: ["Location", "TravelHistory"],
      every: 1,
      days: 365,
    },
    {
      key: "research",
      controller: cast.university,
      controllerName: "City University",
      purpose: "AcademicResearch",
      categories: ["Age", "Location", "Health"],
      every: 2,
      days: 730,
    },
    {
      key: "statistics",
      controller: cast.statisticsOffice,
      controllerName: "City Statistics Office",
      purpose: "ProvideOfficialStatistics",
      categories: ["Age", "PhysicalAddress"],
      every: 3,
      days: 30,
    },
  ];
  for (const form of forms) {
    const setId = await ConsentClient.connect(
      addresses.registry,
      form.controller,
    ).registerCategorySet({
      categories: form.categories,
    });
    say(
      `2. ${form.controllerName} published a consent form: ${form.purpose} of ${form.categories.join(", ")} (category set ${setId})`,
    );
  }

  // 3. Citizens: deterministic keys; every 20th holds a smart-contract (ERC-1271) wallet.
  const citizens: Citizen[] = [];
  const preparing = bar("preparing citizens and wallets", options.citizens);
  for (let i = 0; i < options.citizens; i++) {
    const key = new Wallet(keccak256(toUtf8Bytes(`demo citizen ${i}`)));
    let subject = key.address;
    const smartWallet = i % 20 === 7;
    if (smartWallet) {
      const wallet = await new MockSmartWallet__factory(cast.operator).deploy(key.address);
      await wallet.waitForDeployment();
      subject = await wallet.getAddress();
    }
    citizens.push({ index: i, key, subject, smartWallet, appointedOperator: i % 2 === 0 });
    preparing.increment();
  }
  preparing.stop();

  // 4. Citizens sign; the operator relays: each citizen's appointment of the operator, then the consents of
  // RELAY_BATCH citizens at a time in one transaction.
  const relay = ConsentClient.connect(addresses.registry, cast.operator);
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  const receipts = new Map<string, ConsentReceipt>();
  const consentCounts = {
    appointed: 0,
    grants: 0,
    batches: 0,
    byForm: {} as Record<string, number>,
  };
  const signing = bar("signing and relaying consents", options.citizens);
  for (let start = 0; start < citizens.length; start += RELAY_BATCH) {
    const batch: Signed<GrantRequest>[] = [];
    for (const citizen of citizens.slice(start, start + RELAY_BATCH)) {
      if (citizen.appointedOperator) {
        const appointed = await relay.setOperatorBySig(
          await relay.signSetOperator(citizen.key, {
            subject: citizen.subject,
            operator: await address(cast.operator),
          }),
        );
        gas.consents += appointed.gasUsed;
        consentCounts.appointed += 1;
      }
      for (const form of forms) {
        if (citizen.index % form.every !== 0) continue;
        const validUntil = now + BigInt(form.days) * DAY;
        const receipt = createConsentReceipt({
          subject: citizen.subject,
          controller: { address: await address(form.controller), name: form.controllerName },
          purpose: form.purpose,
          personalDataCategories: form.categories,
          validUntil,
          registry: { chainId, address: addresses.registry },
        });
        batch.push(
          await relay.signGrant(citizen.key, {
            subject: citizen.subject,
            grantee: await address(form.controller),
            purpose: form.purpose,
            categories: form.categories,
            validUntil,
            receiptHash: hashConsentReceipt(receipt),
          }),
        );
        receipts.set(`${citizen.subject}:${form.key}`, receipt);
        consentCounts.byForm[form.key] = (consentCounts.byForm[form.key] ?? 0) + 1;
      }
    }
    const granted = await relay.grantBatchBySig(batch);
    gas.consents += granted[0]!.gasUsed; // one transaction for the whole batch
    consentCounts.grants += granted.length;
    consentCounts.batches += 1;
    signing.increment(Math.min(RELAY_BATCH, citizens.length - start));
  }
  signing.stop();
  const smartWallets = citizens.filter((c) => c.smartWallet).length;
  say(
    `3. ${consentCounts.grants} consents signed by ${options.citizens} citizens (${smartWallets} with smart-contract wallets), relayed by the operator in ${consentCounts.batches} batches; ${consentCounts.appointed} appointed it as their intermediary`,
  );

  // 5. The cooperative's revenue pool: 60% to the citizens, 15% to the city, 20% to the cooperative, 5% platform.
  const mobility = forms[0]!;
  const pools = RevenueClient.connect(addresses.pool, cast.cooperative);
  const pool = await pools.createPool({
    token: tokenAddress,
    city: await address(cast.city),
    shares: { platformBps: 500, cityBps: 1_500, providerBps: 2_000, contributorsBps: 6_000 },
    consentGrantee: await address(cast.cooperative),
    purpose: mobility.purpose,
    categories: mobility.categories,
  });
  const licensing = LicensingClient.connect(addresses.licensing, cast.cooperative);
  const partiesId = await licensing.registerParties({
    city: await address(cast.city),
    contributors: addresses.pool,
  });
  const price = eurc("1200");
  const product = await licensing.publish({
    partiesId,
    token: tokenAddress,
    price,
    period: 30n * DAY,
    renewable: true,
    purposes: ["ImproveTransportMobility", "AcademicResearch", "CommercialResearch"],
    consentGrantee: await address(cast.cooperative),
    metadataURI: "ipfs://bafybeih-mobility-flows-terms-v1",
    termsHash: keccak256(toUtf8Bytes("Mobility flows: terms of use, version 1")),
    poolId: pool.poolId,
  });
  say(
    `4. The cooperative opened revenue pool ${pool.poolId} (60% citizens, 15% city, 20% cooperative, 5% platform) and published "Mobility flows" (product ${product.productId}, ${fmt(price)} per 30 days) paying into it`,
  );

  // 6. Citizens join by signature, RELAY_BATCH at a time: the operator relays for those who appointed it, the
  // cooperative for the rest.
  const joining = bar("joining the pool", options.citizens);
  for (let start = 0; start < citizens.length; start += RELAY_BATCH) {
    const chunk = citizens.slice(start, start + RELAY_BATCH);
    for (const [relayer, members] of [
      [pools.withRunner(cast.operator), chunk.filter((c) => c.appointedOperator)],
      [pools, chunk.filter((c) => !c.appointedOperator)],
    ] as const) {
      if (members.length === 0) continue;
      const signed = [];
      for (const citizen of members) {
        signed.push(
          await pools.signJoin(citizen.key, { poolId: pool.poolId, member: citizen.subject }),
        );
      }
      const joined = await relayer.joinBatchBySig(signed);
      gas.joins += joined[0]!.gasUsed;
    }
    joining.increment(chunk.length);
  }
  joining.stop();
  say(
    `5. ${options.citizens} citizens joined the pool by signature (weight 1 each), relayed in batches of ${RELAY_BATCH}`,
  );

  // 7. Three licences, three business models; and a purpose the product does not allow.
  const buyers = [cast.mobilityDepartment, cast.sme];
  for (const buyer of buyers) await (await token.mint(await address(buyer), eurc("100000"))).wait();
  const department = licensing.withRunner(cast.mobilityDepartment);
  const subscription = await department.buy({
    productId: product.productId,
    purpose: "ImproveTransportMobility",
    maxPrice: price,
    approve: true,
  });
  const offerPrice = eurc("900");
  const offer = await licensing.signOffer(cast.cooperative, {
    productId: product.productId,
    buyer: await address(cast.sme),
    purpose: "CommercialResearch",
    price: offerPrice,
    period: 90n * DAY,
  });
  const negotiated = await licensing.withRunner(cast.sme).acceptOffer({ ...offer, approve: true });
  await licensing.setEligibility({
    productId: product.productId,
    seeker: await address(cast.university),
    purpose: "AcademicResearch",
    eligible: true,
  });
  const free = await licensing
    .withRunner(cast.university)
    .claimPublicInterest({ productId: product.productId, purpose: "AcademicResearch" });
  gas.sales += subscription.gasUsed + negotiated.gasUsed + free.gasUsed;
  let refusal = "";
  try {
    await licensing
      .withRunner(cast.sme)
      .buy({ productId: product.productId, purpose: "Marketing", maxPrice: price, approve: true });
  } catch (error) {
    if (!(error instanceof ContractRevertError)) throw error;
    refusal = error.shortMessage;
  }
  if (refusal === "")
    throw new CitizenDataError("A purchase for Marketing should have been refused");
  say(
    `6. The Mobility Department subscribed (${fmt(subscription.sale.price)}); an SME accepted a negotiated offer (${fmt(offerPrice)}, 90 days); the University took a free public-interest licence`,
  );
  say(`   A purchase for Marketing, which the product does not allow, was refused:\n   ${refusal}`);

  // 8. Cohorts: who may the licensees' data be built from? One call for the whole city.
  const cohortOf = async () =>
    (
      await relay.isValidBatch({
        subjects: citizens.map((c) => c.subject),
        grantee: await address(cast.cooperative),
        purpose: mobility.purpose,
        category: "Location",
      })
    ).filter(Boolean).length;
  const cohortBefore = await cohortOf();

  // 9. 50 citizens withdraw (at most half the city): 10 withdraw everything, up to 20 of those who appointed the
  // operator let it withdraw for them, the others sign their withdrawal. Then anyone settles them out.
  const withdrawers = citizens.slice(0, Math.min(50, Math.floor(options.citizens / 2)));
  const withdrawals = { bySignature: 0, byOperator: 0, withdrawAll: 0 };
  const withdrawing = bar("withdrawing consent", withdrawers.length);
  const cooperativeAddress = await address(cast.cooperative);
  for (const [n, citizen] of withdrawers.entries()) {
    let done;
    if (n < 10) {
      done = await relay.withdrawAllBySig(
        await relay.signWithdrawAll(citizen.key, { subject: citizen.subject }),
      );
      withdrawals.withdrawAll += 1;
    } else if (withdrawals.byOperator < 20 && citizen.appointedOperator) {
      done = await relay.withdraw({
        subject: citizen.subject,
        grantee: cooperativeAddress,
        purpose: mobility.purpose,
      });
      withdrawals.byOperator += 1;
    } else {
      done = await relay.withdrawBySig(
        await relay.signWithdraw(citizen.key, {
          subject: citizen.subject,
          grantee: cooperativeAddress,
          purpose: mobility.purpose,
        }),
      );
      withdrawals.bySignature += 1;
    }
    gas.withdrawals += done.gasUsed;
    withdrawing.increment();
  }
  withdrawing.stop();
  const settled = await pools.withRunner(cast.operator).settleOutBatch({
    poolId: pool.poolId,
    members: withdrawers.map((c) => c.subject),
  });
  gas.settleOuts += settled.gasUsed;
  const cohortAfter = await cohortOf();
  const weightAfter = (await pools.getPool(pool.poolId)).totalWeight;
  say(
    `7. ${withdrawers.length} citizens withdrew (${withdrawals.bySignature} by signature, ${withdrawals.byOperator} through their operator, ${withdrawals.withdrawAll} withdrew everything); ${settled.settled} were settled out of the pool`,
  );
  say(
    `   The cohort the product may be built from shrank from ${cohortBefore} to ${cohortAfter}; the pool's weight is now ${weightAfter}`,
  );

  // 10. Time passes (where the chain allows): the subscription is renewed, the statistics consents expire.
  let renewal: bigint | undefined;
  let statistics: { before: number; after: number } | undefined;
  if (options.canTravelInTime) {
    const statisticsCohort = async () =>
      (
        await relay.isValidBatch({
          subjects: citizens.map((c) => c.subject),
          grantee: await address(cast.statisticsOffice),
          purpose: "ProvideOfficialStatistics",
          category: "Age",
        })
      ).filter(Boolean).length;
    const before = await statisticsCohort();
    await provider.send("evm_increaseTime", [31 * 86_400]);
    await provider.send("evm_mine", []);
    statistics = { before, after: await statisticsCohort() };
    const renewed = await department.renew({
      productId: product.productId,
      purpose: "ImproveTransportMobility",
      maxPrice: price,
      approve: true,
    });
    gas.sales += renewed.gasUsed;
    renewal = renewed.sale.price;
    say(
      `8. 31 days later the Mobility Department renewed (${fmt(renewal)}): the citizens settled out earn nothing from it. The Statistics Office's 30-day consents expired: its cohort went from ${before} to ${statistics.after}`,
    );
  } else {
    say(
      "8. (This chain cannot move time forward: the renewal and the consents' expiry are skipped.)",
    );
  }

  // 11. Some citizens give to the city: every 25th donates a tenth of its earnings now, every 40th sets a
  // standing auto-donation of half of every payout. They pay their own gas: the platform funds them.
  const givers = citizens.filter(
    (c) => !c.smartWallet && !withdrawers.includes(c) && (c.index % 25 === 3 || c.index % 40 === 5),
  );
  const donations = { direct: 0n, directCount: 0, autoDonors: 0 };
  for (const giver of givers) {
    const account = giver.key.connect(provider);
    await (await cast.platform.sendTransaction({ to: giver.subject, value: 10n ** 16n })).wait();
    const asGiver = pools.withRunner(account);
    if (giver.index % 25 === 3) {
      const owed = await pools.claimableOf({ poolId: pool.poolId, member: giver.subject });
      const gift = owed / 10n;
      if (gift > 0n) {
        const donated = await asGiver.donate({
          poolId: pool.poolId,
          beneficiary: "city",
          amount: gift,
        });
        donations.direct += gift;
        donations.directCount += 1;
        gas.donations += donated.gasUsed;
      }
    } else {
      const set = await asGiver.setAutoDonate({
        poolId: pool.poolId,
        beneficiary: "city",
        percent: 50,
      });
      donations.autoDonors += 1;
      gas.donations += set.gasUsed;
    }
  }
  say(
    `9. ${plural(donations.directCount, "citizen")} gave ${fmt(donations.direct)} to the city; ${plural(donations.autoDonors, "citizen")} set a standing donation of 50% of every payout`,
  );

  // 12. The payout tool pays every member owed, in batches sized by gas; a second run pays nobody.
  const payoutTarget = {
    provider,
    signer: cast.operator,
    poolAddress: addresses.pool,
    poolId: pool.poolId,
    fromBlock: deployment.deployment.contracts.RevenuePool!.blockNumber,
    network: options.networkName,
  };
  const payout = await payEveryone({
    ...payoutTarget,
    progress: options.progress,
    ...(options.payoutReportFile ? { reportFile: options.payoutReportFile } : {}),
  });
  gas.payouts += payout.gasUsed;
  const again = await payEveryone({ ...payoutTarget, progress: false });
  say(
    `10. The payout paid ${plural(payout.paid, "citizen")} ${fmt(payout.total)} in ${plural(payout.batches, "transaction")} (${payout.failed} failed); run again, it paid ${plural(again.paid, "citizen")}`,
  );

  // 13. The parties take their shares; the city also collects the donations.
  const owed = await pools.owed(pool.poolId);
  for (const role of ["platform", "city", "provider"] as const) {
    if (owed[role] === 0n) continue;
    const withdrawn = await pools.withRunner(cast.operator).withdraw({ poolId: pool.poolId, role });
    gas.partyWithdrawals += withdrawn.gasUsed;
  }
  const cityDonations = await pools.donationsOf({
    poolId: pool.poolId,
    beneficiary: await address(cast.city),
  });
  if (cityDonations > 0n) {
    const collected = await pools
      .withRunner(cast.operator)
      .withdrawDonations({ poolId: pool.poolId, beneficiary: await address(cast.city) });
    gas.partyWithdrawals += collected.gasUsed;
  }
  const accounts = await pools.accountsOf(pool.poolId);
  const leftInPool = await token.balanceOf(addresses.pool);
  say(
    `11. The platform, the city and the cooperative withdrew their shares; the city collected ${fmt(cityDonations)} of donations. ` +
      (leftInPool === 0n
        ? "The pool is empty: every unit received was paid to someone."
        : `Left in the pool: ${formatUnits(leftInPool, EURC_DECIMALS)} EURC, the rounding carried to the next payment.`),
  );

  // 14. Receipts: a citizen who withdrew holds a receipt the chain no longer honours; one who stayed, one it does.
  const stayer = citizens.find((c) => !withdrawers.includes(c))!;
  const validCheck = await relay.verifyReceipt(receipts.get(`${stayer.subject}:mobility`)!);
  const withdrawnCheck = await relay.verifyReceipt(
    receipts.get(`${withdrawers[0]!.subject}:mobility`)!,
  );

  const revenue = {
    received: accounts.received,
    platform: owed.platform,
    city: owed.city,
    cooperative: owed.provider,
    citizensPaid: payout.total,
    donatedToCity: cityDonations,
  };
  const totalGas = Object.values(gas).reduce((a, b) => a + b, 0n);
  const seconds = (Date.now() - started) / 1000;
  return {
    chainId: chainId.toString(),
    network: options.networkName,
    contracts: { ...addresses, token: tokenAddress },
    citizens: options.citizens,
    smartWalletCitizens: smartWallets,
    operatorsAppointed: consentCounts.appointed,
    consentsGranted: consentCounts.grants,
    relayBatches: consentCounts.batches,
    consentsByForm: consentCounts.byForm,
    pool: {
      poolId: pool.poolId.toString(),
      members: options.citizens,
      weightAfterSettleOut: weightAfter.toString(),
    },
    licences: {
      subscription: subscription.sale.price.toString(),
      renewal: renewal?.toString() ?? null,
      negotiatedOffer: negotiated.sale.price.toString(),
      publicInterest: free.sale.price.toString(),
      refusedPurchase: refusal,
    },
    withdrawals: { ...withdrawals, total: withdrawers.length, settledOut: settled.settled },
    cohorts: {
      productBefore: cohortBefore,
      productAfterWithdrawals: cohortAfter,
      statisticsBeforeExpiry: statistics?.before ?? null,
      statisticsAfterExpiry: statistics?.after ?? null,
    },
    revenue: Object.fromEntries(Object.entries(revenue).map(([k, v]) => [k, v.toString()])),
    payouts: {
      paid: payout.paid,
      failed: payout.failed,
      batches: payout.batches,
      total: payout.total.toString(),
      secondRunPaid: again.paid,
    },
    donations: {
      direct: donations.direct.toString(),
      directDonors: donations.directCount,
      autoDonors: donations.autoDonors,
      collectedByCity: cityDonations.toString(),
    },
    leftInPool: leftInPool.toString(),
    receiptChecks: { valid: validCheck.valid, withdrawn: withdrawnCheck.problems },
    sampleReceipt: receipts.get(`${stayer.subject}:mobility`)!,
    gas: Object.fromEntries(
      Object.entries({ ...gas, total: totalGas }).map(([k, v]) => [k, v.toString()]),
    ),
    seconds,
  };
}

export type StorySummary = Awaited<ReturnType<typeof tellStory>>;

/** The summary as rows for the console and Markdown. */
export function summaryRows(s: StorySummary): [string, string][] {
  const amount = (v: string | null) => (v === null ? "—" : fmt(BigInt(v)));
  const g = (v: string) => BigInt(v).toLocaleString("en-US");
  return [
    ["citizens", `${s.citizens} (${s.smartWalletCitizens} with smart-contract wallets)`],
    [
      "consents granted",
      `${s.consentsGranted} (${Object.entries(s.consentsByForm)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(", ")})`,
    ],
    [
      "withdrawals",
      `${s.withdrawals.total}: ${s.withdrawals.bySignature} signed, ${s.withdrawals.byOperator} by operator, ${s.withdrawals.withdrawAll} withdraw-all; ${s.withdrawals.settledOut} settled out`,
    ],
    [
      "product cohort (Location)",
      `${s.cohorts.productBefore} → ${s.cohorts.productAfterWithdrawals}`,
    ],
    [
      "licences",
      `subscription ${amount(s.licences.subscription)}, renewal ${amount(s.licences.renewal)}, offer ${amount(s.licences.negotiatedOffer)}, public interest ${amount(s.licences.publicInterest)}`,
    ],
    ["revenue received by the pool", amount(s.revenue.received!)],
    [
      "revenue by party",
      `citizens ${amount(s.revenue.citizensPaid!)} paid out, city ${amount(s.revenue.city!)}, cooperative ${amount(s.revenue.cooperative!)}, platform ${amount(s.revenue.platform!)}`,
    ],
    [
      "payouts",
      `${s.payouts.paid} citizens paid in ${s.payouts.batches} transactions, ${s.payouts.failed} failed; a second run paid ${s.payouts.secondRunPaid}`,
    ],
    [
      "donations to the city",
      `${amount(s.donations.direct)} given by ${s.donations.directDonors}, ${s.donations.autoDonors} standing donations; collected ${amount(s.donations.collectedByCity)}`,
    ],
    [
      "gas spent",
      `${g(s.gas.total!)} in all (consents ${g(s.gas.consents!)}, joins ${g(s.gas.joins!)}, payouts ${g(s.gas.payouts!)})`,
    ],
    ["run time", `${s.seconds.toFixed(1)} s`],
  ];
}
