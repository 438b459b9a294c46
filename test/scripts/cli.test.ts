import { expect } from "chai";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { Wallet, id, keccak256, toUtf8Bytes, type Signer } from "ethers";
import {
  ConsentClient,
  LicensingClient,
  RevenueClient,
  signedRequestToJson,
} from "../../sdk/index.js";
import { cli, runWithTsx } from "../../scripts/cli/main.js";
import type { CliDependencies } from "../../scripts/cli/session.js";
import { deploy } from "../../scripts/deploy/engine.js";
import { PLAN } from "../../scripts/deploy/plan.js";
import type { Chain } from "../../scripts/lib/network.js";

const { ethers, networkHelpers } = await network.create();
const provider = ethers.provider;

type Hex = `0x${string}`;
const NETWORK = "inproc";
const PRICE = 10n ** 15n;
const RECEIPT = id("receipt") as Hex;

/** The in-process chain as the CLI sees a network. */
const chain: Chain = {
  networkName: NETWORK,
  chainId: 31337n,
  provider,
  signers: () => ethers.getSigners(),
  close: async () => {},
};

interface Run {
  code: number;
  out: string;
  err: string;
}

async function runCli(argv: string[], overrides: Partial<CliDependencies> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(argv, {
    output: { out: (l) => out.push(l), err: (l) => err.push(l) },
    environment: {},
    connect: async () => chain,
    payoutScript: "/no/such/payout.ts",
    runScript: async () => 1,
    ...overrides,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const json = <T>(run: Run): T => JSON.parse(run.out) as T;

async function fixture() {
  const [operator, provider_, city, pool, buyer] = await ethers.getSigners();
  const dir = await mkdtemp(path.join(tmpdir(), "cli-"));
  const { deployment } = await deploy({
    plan: PLAN,
    inputs: { owner: operator!.address as Hex, treasury: operator!.address as Hex, feeBps: 100 },
    signer: operator!,
    networkName: NETWORK,
    deploymentsDir: dir,
  });
  const consent = ConsentClient.connect(deployment, operator!);
  const citizen = Wallet.createRandom();
  const common = ["--network", NETWORK, "--deployments", dir];
  const productFile = path.join(dir, "product.json");
  await writeFile(path.join(dir, "terms.txt"), "The terms, version 1\n");
  const product = {
    city: city!.address,
    contributors: pool!.address,
    token: "native",
    price: PRICE.toString(),
    period: 30 * 86_400,
    renewable: true,
    cityBps: 2_000,
    providerBps: 3_000,
    purposes: ["ResearchAndDevelopment", "AcademicResearch"],
    metadataURI: "ipfs://product",
    termsDocument: "terms.txt",
  };
  await writeFile(productFile, JSON.stringify(product));
  return {
    dir,
    deployment,
    consent,
    citizen,
    common,
    productFile,
    product,
    signers: { operator: operator!, provider: provider_!, city: city!, pool: pool!, buyer: buyer! },
  };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

/** Signs a grant for the fixture's citizen and writes it as the SDK does; returns the file. */
async function grantFile(f: Fixture, options: { deadline?: bigint; signer?: Signer } = {}) {
  const validUntil = BigInt(await networkHelpers.time.latest()) + 86_400n;
  const signed = await f.consent.signGrant(options.signer ?? f.citizen, {
    subject: f.citizen.address,
    grantee: f.signers.provider.address,
    purpose: "ResearchAndDevelopment",
    categories: ["Location"],
    validUntil,
    receiptHash: RECEIPT,
    ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
  });
  const file = path.join(f.dir, `grant-${Math.random().toString(16).slice(2)}.json`);
  await writeFile(file, signedRequestToJson(await f.consent.domain(), "GrantRequest", signed));
  return file;
}

async function publishedFixture() {
  const f = await fixture();
  const run = await runCli([
    "publish",
    "--file",
    f.productFile,
    ...f.common,
    "--account",
    "1",
    "--json",
  ]);
  if (run.code !== 0) throw new Error(run.err);
  return { ...f, productId: json<{ productId: string }>(run).productId };
}

const isValid = (f: Fixture) =>
  f.consent.isValid({
    subject: f.citizen.address,
    grantee: f.signers.provider.address,
    purpose: "ResearchAndDevelopment",
    category: "Location",
  });

describe("operator CLI (npm run cli)", () => {
  describe("usage", () => {
    it("lists the commands with --help (exit 0) and without a command (exit 2)", async () => {
      const help = await runCli(["--help"]);
      expect(help.code).to.equal(0);
      for (const name of [
        "grant",
        "withdraw",
        "publish",
        "buy",
        "balances",
        "pool-balances",
        "payouts",
      ]) {
        expect(help.out).to.match(new RegExp(`^  ${name} `, "m"));
      }
      const none = await runCli([]);
      expect(none.code).to.equal(2);
      expect(none.out).to.contain("Usage: npm run cli -- <command>");
    });

    for (const name of ["grant", "withdraw", "publish", "buy", "balances", "pool-balances"]) {
      it(`${name} --help describes its options and the common ones, without connecting`, async () => {
        const run = await runCli([name, "--help"], {
          connect: () => Promise.reject(new Error("must not connect")),
        });
        expect(run.code).to.equal(0);
        expect(run.out).to.contain(`Usage: npm run cli -- ${name}`);
        expect(run.out).to.contain("--account N|ADDRESS");
      });
    }

    it("refuses an unknown command, suggesting the closest", async () => {
      const run = await runCli(["balance"]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain('Unknown command "balance": did you mean "balances"?');
    });

    it("refuses an unknown option, pointing to the command's help", async () => {
      const run = await runCli(["buy", "--prodcut", "1"]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain("Unknown option '--prodcut'");
      expect(run.err).to.contain("npm run cli -- buy --help lists its options");
    });

    it("refuses a network without a deployment record, saying how to deploy", async () => {
      const empty = await mkdtemp(path.join(tmpdir(), "cli-empty-"));
      const run = await runCli(["balances", "--product", "1", "--deployments", empty]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain(
        `No deployment of the network "localhost" (chain 31337) is recorded in ${empty}`,
      );
      expect(run.err).to.contain("npm run deploy -- --network localhost");
    });

    it("reads the deployment record from DEPLOYMENTS_DIR when --deployments is not given", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const run = await runCli(["grant", "--file", await grantFile(f), "--network", NETWORK], {
        environment: { DEPLOYMENTS_DIR: f.dir },
      });
      expect(run.code, run.err).to.equal(0);
      expect(await isValid(f)).to.equal(true);
    });

    it("refuses an account the network does not have, listing those it has", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const run = await runCli(["balances", "--product", "1", ...f.common, "--account", "99"]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain("--account 99 is not one of the network's accounts");
      expect(run.err).to.contain(`0 = ${f.signers.operator.address}`);
    });
  });

  describe("grant", () => {
    it("relays a signed grant from its file; the consent is in force", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const file = await grantFile(f);
      const run = await runCli(["grant", "--file", file, ...f.common]);
      expect(run.code, run.err).to.equal(0);
      expect(run.out).to.match(/^Consent 0x[0-9a-f]{64} granted by /);
      expect(run.out).to.contain("purpose ResearchAndDevelopment, categories Location");
      expect(await isValid(f)).to.equal(true);
    });

    it("prints the granted consent as JSON with --json", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const run = await runCli(["grant", "--file", await grantFile(f), ...f.common, "--json"]);
      const result = json<{ command: string; subject: string; via: string }>(run);
      expect(result).to.include({ command: "grant", subject: f.citizen.address, via: "signature" });
    });

    it("fails (exit 1) with the registry's reason when the same file is relayed twice", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const file = await grantFile(f);
      expect((await runCli(["grant", "--file", file, ...f.common])).code).to.equal(0);
      const again = await runCli(["grant", "--file", file, ...f.common]);
      expect(again.code).to.equal(1);
      expect(again.err).to.contain("ConsentRegistryInvalidNonce");
    });

    it("refuses a missing --file, a file that does not exist, and one that is not JSON", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const missing = await runCli(["grant", ...f.common]);
      expect(missing.code).to.equal(2);
      expect(missing.err).to.contain("--file is required");
      const absent = await runCli(["grant", "--file", path.join(f.dir, "nope.json"), ...f.common]);
      expect(absent.code).to.equal(2);
      expect(absent.err).to.contain("nope.json: no such file");
      const notJson = path.join(f.dir, "not.json");
      await writeFile(notJson, "grant please");
      const broken = await runCli(["grant", "--file", notJson, ...f.common]);
      expect(broken.code).to.equal(2);
      expect(broken.err).to.contain("not.json is not valid JSON");
    });

    it("refuses a file with a malformed field, naming it", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const file = await grantFile(f);
      const content = JSON.parse(await readFile(file, "utf8")) as {
        request: { validUntil: string };
      };
      content.request.validUntil = "soon";
      await writeFile(file, JSON.stringify(content));
      const run = await runCli(["grant", "--file", file, ...f.common]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain(
        "request.validUntil must be a non-negative whole number below 2^64",
      );
    });

    it("refuses a withdrawal file, pointing to withdraw", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const signed = await f.consent.signWithdrawAll(f.citizen);
      const file = path.join(f.dir, "all.json");
      await writeFile(
        file,
        signedRequestToJson(await f.consent.domain(), "WithdrawAllRequest", signed),
      );
      const run = await runCli(["grant", "--file", file, ...f.common]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain(
        "holds a WithdrawAllRequest, not a GrantRequest: relay it with `withdraw`",
      );
    });

    it("refuses a grant signed for another chain or another registry, before sending", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const file = await grantFile(f);
      const content = JSON.parse(await readFile(file, "utf8")) as {
        domain: { chainId: string; verifyingContract: string };
      };
      await writeFile(
        file,
        JSON.stringify({ ...content, domain: { ...content.domain, chainId: "1" } }),
      );
      const chainRun = await runCli(["grant", "--file", file, ...f.common]);
      expect(chainRun.code).to.equal(2);
      expect(chainRun.err).to.contain(
        `was signed for chain 1, but the network "${NETWORK}" is chain 31337`,
      );
      const other = f.deployment.contracts.DataLicensing!.address;
      await writeFile(
        file,
        JSON.stringify({ ...content, domain: { ...content.domain, verifyingContract: other } }),
      );
      const registryRun = await runCli(["grant", "--file", file, ...f.common]);
      expect(registryRun.code).to.equal(2);
      expect(registryRun.err).to.contain(`was signed for the registry ${other}`);
      expect(await isValid(f)).to.equal(false);
    });

    it("refuses a grant whose deadline has passed", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const past = BigInt(await networkHelpers.time.latest()) - 60n;
      const run = await runCli([
        "grant",
        "--file",
        await grantFile(f, { deadline: past }),
        ...f.common,
      ]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain("the signature's deadline");
      expect(run.err).to.contain("has passed");
      expect(run.err).to.contain("ask the citizen to sign again");
    });

    it("refuses a grant someone other than the subject signed", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const impostor = Wallet.createRandom();
      const run = await runCli([
        "grant",
        "--file",
        await grantFile(f, { signer: impostor }),
        ...f.common,
      ]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain(
        `is signed by ${impostor.address}, not by its subject ${f.citizen.address}`,
      );
      expect(await isValid(f)).to.equal(false);
    });
  });

  describe("withdraw", () => {
    async function granted() {
      const f = await fixture();
      const run = await runCli(["grant", "--file", await grantFile(f), ...f.common]);
      if (run.code !== 0) throw new Error(run.err);
      return f;
    }

    it("relays a signed withdrawal of one consent", async () => {
      const f = await networkHelpers.loadFixture(granted);
      const signed = await f.consent.signWithdraw(f.citizen, {
        grantee: f.signers.provider.address,
        purpose: "ResearchAndDevelopment",
      });
      const file = path.join(f.dir, "withdraw.json");
      await writeFile(
        file,
        signedRequestToJson(await f.consent.domain(), "WithdrawRequest", signed),
      );
      const run = await runCli(["withdraw", "--file", file, ...f.common]);
      expect(run.code, run.err).to.equal(0);
      expect(run.out).to.contain(
        `of ${f.citizen.address} to ${f.signers.provider.address} withdrawn`,
      );
      expect(await isValid(f)).to.equal(false);
    });

    it("relays a signed withdrawal of every consent", async () => {
      const f = await networkHelpers.loadFixture(granted);
      const file = path.join(f.dir, "all.json");
      await writeFile(
        file,
        signedRequestToJson(
          await f.consent.domain(),
          "WithdrawAllRequest",
          await f.consent.signWithdrawAll(f.citizen),
        ),
      );
      const run = await runCli(["withdraw", "--file", file, ...f.common, "--json"]);
      expect(run.code, run.err).to.equal(0);
      expect(json<{ epoch: number }>(run).epoch).to.equal(1);
      expect(await isValid(f)).to.equal(false);
    });

    it("refuses a grant file, pointing to grant", async () => {
      const f = await networkHelpers.loadFixture(granted);
      const run = await runCli(["withdraw", "--file", await grantFile(f), ...f.common]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain(
        "holds a GrantRequest, not a WithdrawRequest or WithdrawAllRequest: relay it with `grant`",
      );
      expect(await isValid(f)).to.equal(true);
    });

    it("refuses an expired withdrawal", async () => {
      const f = await networkHelpers.loadFixture(granted);
      const signed = await f.consent.signWithdraw(f.citizen, {
        grantee: f.signers.provider.address,
        purpose: "ResearchAndDevelopment",
        deadline: BigInt(await networkHelpers.time.latest()) - 1n,
      });
      const file = path.join(f.dir, "late.json");
      await writeFile(
        file,
        signedRequestToJson(await f.consent.domain(), "WithdrawRequest", signed),
      );
      const run = await runCli(["withdraw", "--file", file, ...f.common]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain("has passed");
      expect(await isValid(f)).to.equal(true);
    });
  });

  describe("publish", () => {
    it("registers the parties and publishes the product; the sending account is its provider", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const run = await runCli([
        "publish",
        "--file",
        f.productFile,
        ...f.common,
        "--account",
        "1",
        "--json",
      ]);
      expect(run.code, run.err).to.equal(0);
      const result = json<{
        productId: string;
        provider: string;
        termsHash: string;
        consentGrantee: string;
      }>(run);
      expect(result.provider).to.equal(f.signers.provider.address);
      expect(result.consentGrantee).to.equal(f.signers.provider.address);
      expect(result.termsHash).to.equal(keccak256(toUtf8Bytes("The terms, version 1\n")));
      const licensing = LicensingClient.connect(f.deployment, provider);
      const product = await licensing.getProduct(BigInt(result.productId));
      expect(product.price).to.equal(PRICE);
      expect(product.parties.city).to.equal(f.signers.city.address);
      expect(product.cityBps).to.equal(2_000);
      expect(product.purposes).to.have.length(2);
    });

    it("takes a termsHash and a consentGrantee instead", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const file = path.join(f.dir, "hashed.json");
      const termsHash = id("terms");
      const { termsDocument: _omitted, ...rest } = f.product;
      await writeFile(
        file,
        JSON.stringify({ ...rest, termsHash, consentGrantee: f.signers.city.address }),
      );
      const run = await runCli(["publish", "--file", file, ...f.common, "--json"]);
      expect(run.code, run.err).to.equal(0);
      const result = json<{ termsHash: string; consentGrantee: string }>(run);
      expect(result).to.include({ termsHash, consentGrantee: f.signers.city.address });
    });

    it("refuses a product file with problems, listing each, and sends nothing", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const file = path.join(f.dir, "bad.json");
      await writeFile(
        file,
        JSON.stringify({
          ...f.product,
          price: "1.5",
          purposes: ["Researh"],
          colour: "blue",
          city: undefined,
        }),
      );
      const before = await provider.getBlockNumber();
      const run = await runCli(["publish", "--file", file, ...f.common]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain(`Problems in ${file}`);
      expect(run.err).to.contain("city is missing");
      expect(run.err).to.contain("price must be a whole number of the token's smallest unit (wei)");
      expect(run.err).to.contain(
        'purposes[0] is not a known DPV purpose: Unknown DPV purpose "Researh"',
      );
      expect(run.err).to.contain('has unknown field "colour"');
      expect(await provider.getBlockNumber()).to.equal(before);
    });

    it("refuses shares above 100% and terms given twice", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const file = path.join(f.dir, "shares.json");
      await writeFile(
        file,
        JSON.stringify({ ...f.product, cityBps: 6_000, providerBps: 5_000, termsHash: id("x") }),
      );
      const before = await provider.getBlockNumber();
      const run = await runCli(["publish", "--file", file, ...f.common]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain("providerBps with cityBps 6000 adds up to more than 10000 (100%)");
      expect(run.err).to.contain("termsHash give either termsHash");
      expect(await provider.getBlockNumber()).to.equal(before);
    });

    it("refuses a terms document that does not exist", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const file = path.join(f.dir, "missing-terms.json");
      await writeFile(file, JSON.stringify({ ...f.product, termsDocument: "gone.pdf" }));
      const run = await runCli(["publish", "--file", file, ...f.common]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain("termsDocument");
      expect(run.err).to.contain("gone.pdf: no such file");
    });
  });

  describe("buy", () => {
    it("buys a licence for the sending account at the product's price, split as published", async () => {
      const f = await networkHelpers.loadFixture(publishedFixture);
      const run = await runCli([
        "buy",
        "--product",
        f.productId,
        "--purpose",
        "AcademicResearch",
        "--max-price",
        PRICE.toString(),
        ...f.common,
        "--account",
        f.signers.buyer.address,
      ]);
      expect(run.code, run.err).to.equal(0);
      expect(run.out).to.contain(`issued to ${f.signers.buyer.address}`);
      // 1% platform fee, then 20% city, 30% provider, 50% contributors
      expect(run.out).to.contain(
        `paid ${PRICE}: platform ${PRICE / 100n}, city ${(PRICE * 99n * 20n) / 10_000n}`,
      );
      const licensing = LicensingClient.connect(f.deployment, provider);
      expect(
        await licensing.isLicensed({
          productId: BigInt(f.productId),
          licensee: f.signers.buyer.address,
          purpose: "AcademicResearch",
        }),
      ).to.equal(true);
    });

    it("refuses before sending when the price is above --max-price", async () => {
      const f = await networkHelpers.loadFixture(publishedFixture);
      const before = await provider.getBlockNumber();
      const run = await runCli([
        "buy",
        "--product",
        f.productId,
        "--purpose",
        "AcademicResearch",
        "--max-price",
        "1",
        ...f.common,
      ]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain(`maxPrice 1 is below the current price ${PRICE}`);
      expect(await provider.getBlockNumber()).to.equal(before);
    });

    it("refuses options that are missing or malformed, naming each", async () => {
      const f = await networkHelpers.loadFixture(publishedFixture);
      const run = await runCli(["buy", "--product", "one", "--purpose", "Marketting", ...f.common]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain("--product must be a product id");
      expect(run.err).to.contain(
        '--purpose is not a known DPV purpose: Unknown DPV purpose "Marketting"',
      );
      expect(run.err).to.contain("--max-price is missing");
    });

    it("fails (exit 1) with the contract's reason for a purpose the product does not allow", async () => {
      const f = await networkHelpers.loadFixture(publishedFixture);
      const run = await runCli([
        "buy",
        "--product",
        f.productId,
        "--purpose",
        "Marketing",
        "--max-price",
        PRICE.toString(),
        ...f.common,
      ]);
      expect(run.code).to.equal(1);
      expect(run.err).to.contain("DataLicensingPurposeNotAllowed");
    });
  });

  describe("balances", () => {
    it("prints what the product owes each party after a sale", async () => {
      const f = await networkHelpers.loadFixture(publishedFixture);
      const buy = await runCli([
        "buy",
        "--product",
        f.productId,
        "--purpose",
        "ResearchAndDevelopment",
        "--max-price",
        PRICE.toString(),
        ...f.common,
        "--account",
        "4",
        "--json",
      ]);
      const sale = json<{ sale: Record<string, string> }>(buy).sale;
      const run = await runCli(["balances", "--product", f.productId, ...f.common, "--json"]);
      expect(run.code, run.err).to.equal(0);
      const result = json<{
        token: string;
        parties: { role: string; account: string; owed: string }[];
      }>(run);
      expect(result.token).to.equal("native");
      expect(result.parties).to.deep.equal([
        { role: "platform", account: f.signers.operator.address, owed: sale.platformFee },
        { role: "city", account: f.signers.city.address, owed: sale.cityShare },
        { role: "provider", account: f.signers.provider.address, owed: sale.providerShare },
        { role: "contributors", account: f.signers.pool.address, owed: sale.contributorsShare },
      ]);
      const human = await runCli(["balances", "--product", f.productId, ...f.common]);
      expect(human.out).to.contain(`Product ${f.productId} owes (wei):`);
      expect(human.out).to.match(
        new RegExp(`city\\s+${f.signers.city.address}\\s+${sale.cityShare}`),
      );
    });

    it("refuses a product id that is not a number, and fails for one never published", async () => {
      const f = await networkHelpers.loadFixture(publishedFixture);
      const bad = await runCli(["balances", "--product", "1.5", ...f.common]);
      expect(bad.code).to.equal(2);
      expect(bad.err).to.contain("--product must be a product id");
      const unknown = await runCli(["balances", "--product", "42", ...f.common]);
      expect(unknown.code).to.equal(1);
      expect(unknown.err).to.contain("DataLicensingUnknownProduct");
    });
  });

  describe("pool-balances", () => {
    it("prints what a pool owes its parties and its members after a sale", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const { operator, provider: cooperative, city, buyer } = f.signers;
      const pools = RevenueClient.connect(f.deployment, cooperative);
      const citizen = Wallet.createRandom();
      const consent = f.consent;
      const categories = ["Location"] as const;
      const { poolId } = await pools.createPool({
        token: "native",
        city: city.address,
        shares: { platformBps: 500, cityBps: 1_500, providerBps: 2_000, contributorsBps: 6_000 },
        consentGrantee: cooperative.address,
        purpose: "ResearchAndDevelopment",
        categories,
      });
      const signed = await consent.signGrant(citizen, {
        subject: citizen.address,
        grantee: cooperative.address,
        purpose: "ResearchAndDevelopment",
        categories,
        validUntil: BigInt(await networkHelpers.time.latest()) + 86_400n,
        receiptHash: RECEIPT,
      });
      await consent.withRunner(operator).grantBySig(signed);
      await pools.joinBySig(await pools.signJoin(citizen, { poolId }));
      await pools.withRunner(buyer).deposit({ poolId, amount: 10_000n });
      const run = await runCli([
        "pool-balances",
        "--pool",
        poolId.toString(),
        ...f.common,
        "--json",
      ]);
      expect(run.code, run.err).to.equal(0);
      const result = json<{
        received: string;
        parties: { role: string; owed: string }[];
        membersWithBalance: number;
        membersOwed: string;
      }>(run);
      expect(result.received).to.equal("10000");
      expect(result.parties.map((p) => [p.role, p.owed])).to.deep.equal([
        ["platform", "500"],
        ["city", "1500"],
        ["provider", "2000"],
      ]);
      expect(result.membersWithBalance).to.equal(1);
      expect(result.membersOwed).to.equal("6000");
      const human = await runCli(["pool-balances", "--pool", poolId.toString(), ...f.common]);
      expect(human.out).to.contain(`Pool ${poolId} has received 10000 (wei) and owes:`);
      expect(human.out).to.contain("1 with something to claim  6000");
    });

    it("refuses a pool id that is not a number, and fails for a pool never created", async () => {
      const f = await networkHelpers.loadFixture(fixture);
      const bad = await runCli(["pool-balances", "--pool", "x", ...f.common]);
      expect(bad.code).to.equal(2);
      expect(bad.err).to.contain("--pool must be a pool id");
      const unknown = await runCli(["pool-balances", "--pool", "42", ...f.common]);
      expect(unknown.code).to.equal(1);
      expect(unknown.err).to.contain("RevenuePoolUnknownPool");
    });
  });

  describe("payouts", () => {
    it("refuses when scripts/payout.ts is missing, sending nothing", async () => {
      const run = await runCli(["payouts", "--pool", "1"]);
      expect(run.code).to.equal(2);
      expect(run.err).to.contain(
        "The payout script /no/such/payout.ts is missing from this checkout",
      );
      const help = await runCli(["payouts", "--help"]);
      expect(help.code).to.equal(0);
      expect(help.out).to.contain("by handing every argument to scripts/payout.ts");
      expect(help.out).to.contain("is missing from this checkout");
    });

    it("hands every argument to the payout script and returns its exit code", async function () {
      this.timeout(30_000);
      const dir = await mkdtemp(path.join(tmpdir(), "payout-"));
      const script = path.join(dir, "payout.ts");
      const seen = path.join(dir, "args.json");
      await writeFile(
        script,
        `import { writeFileSync } from "node:fs";\n` +
          `writeFileSync(${JSON.stringify(seen)}, JSON.stringify(process.argv.slice(2)));\n` +
          `process.exitCode = 3;\n`,
      );
      const run = await runCli(["payouts", "--pool", "7", "--send"], {
        payoutScript: script,
        runScript: runWithTsx,
      });
      expect(run.code).to.equal(3);
      expect(JSON.parse(await readFile(seen, "utf8"))).to.deep.equal(["--pool", "7", "--send"]);
    });
  });
});
