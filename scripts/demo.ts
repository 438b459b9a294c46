/**
 * The main job: a city's consent story on Hardhat's in-process chain, told through the SDK.
 *
 *   npm run demo                      1,000 citizens, summary in out/demo/
 *   npm run demo -- --citizens 200    a smaller city
 *   npm run demo -- --out reports/x   another output folder
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { Wallet, keccak256, toUtf8Bytes, type Signer } from "ethers";
import { network } from "hardhat";
import {
  CitizenDataError,
  ConsentClient,
  ContractRevertError,
  createConsentReceipt,
  hashConsentReceipt,
  type CategoryRef,
  type ConsentReceipt,
  type PurposeRef,
} from "../sdk/index.js";

const USAGE = `Usage: npm run demo -- [--citizens N] [--out DIR]

  --citizens N   how many citizens take part (10 to 20000, default 1000)
  --out DIR      where the summary is written (default out/demo)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      citizens: { type: "string", default: "1000" },
      out: { type: "string", default: path.join("out", "demo") },
      help: { type: "boolean", default: false },
    },
  });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const citizenCount = Number(parsed.values.citizens);
if (!Number.isInteger(citizenCount) || citizenCount < 10 || citizenCount > 20_000) {
  fail(`--citizens must be a whole number from 10 to 20000, got "${parsed.values.citizens}"`);
}
const outDir = parsed.values.out;

const started = Date.now();
const { ethers, networkHelpers } = await network.create();
const [platform, mobilityDept, university, statisticsOffice, operator] = await ethers.getSigners();
if (!platform || !mobilityDept || !university || !statisticsOffice || !operator) {
  throw new CitizenDataError("The demo needs 5 funded accounts on the chain");
}
const { chainId } = await ethers.provider.getNetwork();

const say = (line = "") => console.log(line);
const bar = (title: string, total: number) => {
  const b = new cliProgress.SingleBar(
    {
      format: `  ${title.padEnd(34)} {bar} {value}/{total}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  b.start(total, 0);
  return b;
};

say(`Citizen data ledger demo: ${citizenCount} citizens on chain ${chainId} (in-process)`);
say();

// 1. The platform deploys the registry.
const registry = await ethers.deployContract("ConsentRegistry", [], platform);
await registry.waitForDeployment();
const registryAddress = await registry.getAddress();
say(`1. The platform deployed ConsentRegistry ${await registry.version()} at ${registryAddress}`);

// 2. Three controllers publish consent forms; each registers its form's categories once.
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
const forms: Form[] = [
  {
    key: "mobility",
    controller: mobilityDept,
    controllerName: "City Mobility Department",
    purpose: "ImproveTransportMobility",
    categories: ["Location", "TravelHistory"],
    every: 1,
    days: 365,
  },
  {
    key: "research",
    controller: university,
    controllerName: "City University",
    purpose: "AcademicResearch",
    categories: ["Age", "Location", "Health"],
    every: 2,
    days: 730,
  },
  {
    key: "statistics",
    controller: statisticsOffice,
    controllerName: "City Statistics Office",
    purpose: "ProvideOfficialStatistics",
    categories: ["Age", "PhysicalAddress"],
    every: 3,
    days: 30,
  },
];
for (const form of forms) {
  const client = ConsentClient.connect(registryAddress, form.controller);
  const setId = await client.registerCategorySet({ categories: form.categories });
  say(
    `2. ${form.controllerName} published a form: ${form.purpose} of ${form.categories.join(", ")} (category set ${setId})`,
  );
}

// 3. Citizens: deterministic keys; every 20th holds a smart-contract (ERC-1271) wallet instead of a plain account.
interface Citizen {
  index: number;
  key: Wallet;
  /** The address consents are recorded for: the key's own, or its smart wallet's. */
  subject: string;
  smartWallet: boolean;
}
const citizens: Citizen[] = [];
const setup = bar("preparing citizens and wallets", citizenCount);
for (let i = 0; i < citizenCount; i++) {
  const key = new Wallet(keccak256(toUtf8Bytes(`demo citizen ${i}`)));
  let subject = key.address;
  const smartWallet = i % 20 === 7;
  if (smartWallet) {
    const wallet = await ethers.deployContract("MockSmartWallet", [key.address], operator);
    subject = await wallet.getAddress();
  }
  citizens.push({ index: i, key, subject, smartWallet });
  setup.increment();
}
setup.stop();

// 4. Citizens sign, the operator relays: appointing the operator, then one consent per form they answer.
const relay = ConsentClient.connect(registryAddress, operator);
const now = BigInt(await networkHelpers.time.latest());
const gas = { appoint: 0n, grant: 0n, withdraw: 0n, withdrawAll: 0n };
const counts = { appointed: 0, grants: 0, byForm: {} as Record<string, number> };
const receipts = new Map<string, ConsentReceipt>();
const grantsPlanned = citizens.reduce(
  (n, c) => n + forms.filter((f) => c.index % f.every === 0).length,
  0,
);
const signing = bar("signing and relaying consents", grantsPlanned + Math.ceil(citizenCount / 2));
for (const citizen of citizens) {
  if (citizen.index % 2 === 0) {
    const appointed = await relay.setOperatorBySig(
      await relay.signSetOperator(citizen.key, {
        subject: citizen.subject,
        operator: operator.address,
      }),
    );
    gas.appoint += appointed.gasUsed;
    counts.appointed += 1;
    signing.increment();
  }
  for (const form of forms) {
    if (citizen.index % form.every !== 0) continue;
    const validUntil = now + BigInt(form.days * 86_400);
    const receipt = createConsentReceipt({
      subject: citizen.subject,
      controller: { address: await form.controller.getAddress(), name: form.controllerName },
      purpose: form.purpose,
      personalDataCategories: form.categories,
      validUntil,
      registry: { chainId, address: registryAddress },
    });
    const granted = await relay.grantBySig(
      await relay.signGrant(citizen.key, {
        subject: citizen.subject,
        grantee: await form.controller.getAddress(),
        purpose: form.purpose,
        categories: form.categories,
        validUntil,
        receiptHash: hashConsentReceipt(receipt),
      }),
    );
    receipts.set(`${citizen.subject}:${form.key}`, receipt);
    gas.grant += granted.gasUsed;
    counts.grants += 1;
    counts.byForm[form.key] = (counts.byForm[form.key] ?? 0) + 1;
    signing.increment();
  }
}
signing.stop();
say(
  `3. ${counts.grants} consents signed by ${citizenCount} citizens (${citizens.filter((c) => c.smartWallet).length} with smart-contract wallets), relayed by the operator`,
);
say(`   ${counts.appointed} citizens appointed the operator as their personal-data intermediary`);

// 5. What may the mobility department receive? One call for the whole city.
const mobility = forms[0]!;
/** How many citizens a form's controller may receive `category` from now: one call for the whole city. */
const cohortSize = async (form: Form, category: CategoryRef) =>
  (
    await relay.isValidBatch({
      subjects: citizens.map((c) => c.subject),
      grantee: await form.controller.getAddress(),
      purpose: form.purpose,
      category,
    })
  ).filter(Boolean).length;
const cohort = () => cohortSize(mobility, "Location");
const cohortBefore = await cohort();
say(
  `4. Cohort check: ${cohortBefore} of ${citizenCount} citizens let the Mobility Department use Location for ${mobility.purpose}`,
);

// 6. A stale signature is refused with an error a person can read.
const replayed = citizens[1]!;
const stale = await relay.signWithdraw(replayed.key, {
  subject: replayed.subject,
  grantee: await mobility.controller.getAddress(),
  purpose: mobility.purpose,
});
const firstWithdrawal = await relay.withdrawBySig(stale);
let refusal = "";
try {
  await relay.withdrawBySig(stale);
} catch (error) {
  if (!(error instanceof ContractRevertError)) throw error;
  refusal = error.shortMessage;
}
say(`5. Relaying the same signed withdrawal twice is refused:\n   ${refusal}`);

// 7. 50 more citizens (at most half the city) withdraw: 10 withdraw everything, up to 20 of those who appointed the operator let it
// withdraw for them, the others sign their withdrawal.
const withdrawers = citizens
  .filter((c) => c.index !== replayed.index)
  .slice(0, Math.min(50, Math.floor((citizenCount - 1) / 2)));
const withdrawals = { bySignature: 1, byOperator: 0, withdrawAll: 0 };
gas.withdraw += firstWithdrawal.gasUsed;
const withdrawing = bar("withdrawing", withdrawers.length);
for (const [n, citizen] of withdrawers.entries()) {
  const grantee = await mobility.controller.getAddress();
  if (n < 10) {
    const all = await relay.withdrawAllBySig(
      await relay.signWithdrawAll(citizen.key, { subject: citizen.subject }),
    );
    gas.withdrawAll += all.gasUsed;
    withdrawals.withdrawAll += 1;
  } else if (withdrawals.byOperator < 20 && citizen.index % 2 === 0) {
    // the operator acts on its own authority: no signature from the citizen
    const done = await relay.withdraw({
      subject: citizen.subject,
      grantee,
      purpose: mobility.purpose,
    });
    gas.withdraw += done.gasUsed;
    withdrawals.byOperator += 1;
  } else {
    const done = await relay.withdrawBySig(
      await relay.signWithdraw(citizen.key, {
        subject: citizen.subject,
        grantee,
        purpose: mobility.purpose,
      }),
    );
    gas.withdraw += done.gasUsed;
    withdrawals.bySignature += 1;
  }
  withdrawing.increment();
}
withdrawing.stop();
const cohortAfterWithdrawals = await cohort();
say(
  `6. ${withdrawers.length + 1} citizens withdrew (${withdrawals.bySignature} by signature, ${withdrawals.byOperator} through their operator, ${withdrawals.withdrawAll} withdrew everything)`,
);
say(`   The Mobility Department's cohort shrank from ${cohortBefore} to ${cohortAfterWithdrawals}`);

// 8. Receipts: a citizen who withdrew holds a receipt the chain no longer honours; one who did not, one it does.
const withdrawnCheck = await relay.verifyReceipt(
  receipts.get(`${withdrawers[0]!.subject}:mobility`)!,
);
const stayer = citizens.find((c) => !withdrawers.includes(c) && c.index !== replayed.index)!;
const validCheck = await relay.verifyReceipt(receipts.get(`${stayer.subject}:mobility`)!);
say(
  `7. Receipt check, citizen #${stayer.index}: ${validCheck.valid ? "valid on chain" : validCheck.problems.join(" ")}`,
);
say(
  `   Receipt check, citizen #${withdrawers[0]!.index}: ${withdrawnCheck.valid ? "valid on chain" : withdrawnCheck.problems.join(" ")}`,
);

// 9. Time passes: the statistics office's 30-day consents expire by themselves.
const statistics = forms[2]!;
const statisticsCohort = () => cohortSize(statistics, "Age");
const statisticsBefore = await statisticsCohort();
await networkHelpers.time.increase(31 * 86_400);
const statisticsAfter = await statisticsCohort();
say(
  `8. 31 days later the Statistics Office's consents have expired: its cohort went from ${statisticsBefore} to ${statisticsAfter}`,
);

// 10. Summary.
const seconds = (Date.now() - started) / 1000;
const summary = {
  chainId: chainId.toString(),
  registry: registryAddress,
  citizens: citizenCount,
  smartWalletCitizens: citizens.filter((c) => c.smartWallet).length,
  operatorsAppointed: counts.appointed,
  consentsGranted: counts.grants,
  consentsByForm: counts.byForm,
  withdrawals: { ...withdrawals, total: withdrawers.length + 1 },
  cohorts: {
    mobilityLocationBefore: cohortBefore,
    mobilityLocationAfterWithdrawals: cohortAfterWithdrawals,
    statisticsAgeBeforeExpiry: statisticsBefore,
    statisticsAgeAfterExpiry: statisticsAfter,
  },
  receiptChecks: { valid: validCheck.valid, withdrawn: withdrawnCheck.problems },
  gasSpentByOperator: {
    appointOperator: gas.appoint.toString(),
    grants: gas.grant.toString(),
    averagePerGrant: (gas.grant / BigInt(Math.max(counts.grants, 1))).toString(),
    withdrawals: gas.withdraw.toString(),
    withdrawAll: gas.withdrawAll.toString(),
  },
  seconds,
};
const table = [
  ["citizens", `${citizenCount} (${summary.smartWalletCitizens} with smart-contract wallets)`],
  ["operator appointments", `${counts.appointed}`],
  [
    "consents granted",
    `${counts.grants} (${Object.entries(counts.byForm)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")})`,
  ],
  [
    "withdrawals",
    `${summary.withdrawals.total}: ${withdrawals.bySignature} signed, ${withdrawals.byOperator} by operator, ${withdrawals.withdrawAll} withdraw-all`,
  ],
  ["mobility cohort (Location)", `${cohortBefore} → ${cohortAfterWithdrawals} after withdrawals`],
  ["statistics cohort (Age)", `${statisticsBefore} → ${statisticsAfter} after 31 days`],
  [
    "gas, all grants",
    `${gas.grant.toLocaleString("en-US")} (${BigInt(summary.gasSpentByOperator.averagePerGrant).toLocaleString("en-US")} per grant)`,
  ],
  [
    "gas, withdrawals + withdraw-all",
    `${(gas.withdraw + gas.withdrawAll).toLocaleString("en-US")}`,
  ],
  ["run time", `${seconds.toFixed(1)} s`],
];
say();
console.table(Object.fromEntries(table));
const markdown = [
  "# Citizen data ledger demo",
  "",
  `Chain ${summary.chainId}, ConsentRegistry ${registryAddress}.`,
  "",
  "| what | result |",
  "| --- | --- |",
  ...table.map(([k, v]) => `| ${k} | ${v} |`),
  "",
].join("\n");
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
await writeFile(path.join(outDir, "summary.md"), markdown);
await writeFile(
  path.join(outDir, "sample-receipt.json"),
  `${JSON.stringify(receipts.get(`${stayer.subject}:mobility`), null, 2)}\n`,
);
say(`Summary written to ${path.join(outDir, "summary.json")}, summary.md and sample-receipt.json`);
