import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider, Wallet, id } from "ethers";
import {
  ConsentClient,
  LicensingClient,
  parseDeployment,
  type Deployment,
} from "../../sdk/index.js";
import { NODE_KEYS, startNode, type LocalNode } from "../helpers/node.js";
import { TSX_CLI, runProcess, type ProcessResult } from "../helpers/process.js";

type Hex = `0x${string}`;
const PRICE = 10n ** 15n;

/** Runs a command as a user would, with only the given variables of this project set, and no .env file. */
function run(command: string, args: string[], env: Record<string, string>): Promise<ProcessResult> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(SEPOLIA_|CUSTOM_|LOCALHOST_|DATA_LICENSING_|DEPLOYMENTS_DIR|HH_TEST)/.test(k),
    ),
  );
  return runProcess(command, args, {
    env: { ...base, DOTENV_CONFIG_PATH: path.join(tmpdir(), "no-such.env"), ...env },
  });
}

const tsxRun = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, [TSX_CLI, script, ...args], env);

describe("against a local node (hardhat node over JSON-RPC)", function () {
  this.timeout(60_000);
  let node: LocalNode;
  let dir: string;
  let rpc: JsonRpcProvider;
  let env: Record<string, string>;
  const citizen = Wallet.createRandom();
  const stranger = Wallet.createRandom();
  let productId: bigint;

  before(async () => {
    node = await startNode();
    dir = await mkdtemp(path.join(tmpdir(), "node-deployments-"));
    rpc = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 50 });
    env = { LOCALHOST_RPC_URL: node.url };
  });

  after(async () => {
    rpc?.destroy();
    await node?.stop();
  });

  const record = async (file = path.join(dir, "localhost.json")): Promise<Deployment> =>
    parseDeployment(await readFile(file, "utf8"), file);

  it("npm run deploy -- --network localhost deploys the three contracts and records them", async () => {
    const deployed = await run(
      "npm",
      ["run", "--silent", "deploy", "--", "--network", "localhost", "--deployments", dir],
      env,
    );
    expect(deployed.status, deployed.stderr + deployed.stdout).to.equal(0);
    expect(deployed.stdout).to.contain("Deploying to localhost (chain 31337)");
    const deployment = await record();
    expect(deployment).to.include({ network: "localhost", chainId: 31337 });
    const deployer = new Wallet(NODE_KEYS[0]).address;
    for (const name of ["ConsentRegistry", "DataLicensing", "RevenuePool"]) {
      const entry = deployment.contracts[name]!;
      expect(await rpc.getCode(entry.address)).to.not.equal("0x");
      const receipt = (await rpc.getTransactionReceipt(entry.transactionHash))!;
      expect(receipt.contractAddress).to.equal(entry.address);
      expect(receipt.blockNumber).to.equal(entry.blockNumber);
      expect(entry).to.include({ version: "0.1.0", deployer });
    }
    expect(deployment.contracts.DataLicensing!.constructorArgs).to.deep.equal([
      deployer,
      deployer,
      0,
    ]);
  });

  it("a second run deploys nothing: same addresses, no transaction sent", async () => {
    const before = await record();
    const nonce = await rpc.getTransactionCount(new Wallet(NODE_KEYS[0]).address);
    const again = await run(
      "npm",
      ["run", "--silent", "deploy", "--", "--network", "localhost", "--deployments", dir],
      env,
    );
    expect(again.status, again.stderr).to.equal(0);
    expect(
      again.stdout.match(
        /already deployed at 0x[0-9a-fA-F]{40} \(block \d+\), version 0\.1\.0: kept/g,
      ),
    ).to.have.length(3);
    expect((await record()).contracts).to.deep.equal(before.contracts);
    expect(await rpc.getTransactionCount(new Wallet(NODE_KEYS[0]).address)).to.equal(nonce);
  });

  it("the custom network (RPC URL, chain id and key from the environment) deploys to the same node, and refuses another chain id", async () => {
    const customDir = await mkdtemp(path.join(tmpdir(), "custom-deployments-"));
    const customEnv = {
      CUSTOM_RPC_URL: node.url,
      CUSTOM_PRIVATE_KEY: NODE_KEYS[1],
      DATA_LICENSING_FEE_BPS: "250",
    };
    const wrong = await tsxRun(
      path.join("scripts", "deploy.ts"),
      ["--network", "custom", "--deployments", customDir],
      { ...customEnv, CUSTOM_CHAIN_ID: "59141" },
    );
    expect(wrong.status).to.equal(2);
    expect(wrong.stderr).to.contain(
      'CUSTOM_CHAIN_ID is 59141, but the node of the network "custom" is chain 31337',
    );
    const custom = await tsxRun(
      path.join("scripts", "deploy.ts"),
      ["--network", "custom", "--deployments", customDir, "--json"],
      { ...customEnv, CUSTOM_CHAIN_ID: "31337" },
    );
    expect(custom.status, custom.stderr).to.equal(0);
    const deployment = await record(path.join(customDir, "custom.json"));
    expect(deployment.contracts.DataLicensing!.deployer).to.equal(new Wallet(NODE_KEYS[1]).address);
    expect(deployment.contracts.DataLicensing!.constructorArgs[2]).to.equal(250);
  });

  it("the SDK tells part of the story over JSON-RPC: a consent granted by signature, a product published, a licence bought", async () => {
    const operator = await rpc.getSigner(0);
    const provider = await rpc.getSigner(1);
    const buyer = await rpc.getSigner(2);
    const [city, pool] = [Wallet.createRandom().address, Wallet.createRandom().address];
    const lookup = { directory: dir, network: "localhost" };

    const consent = ConsentClient.connect(31337n, operator, lookup);
    expect(consent.address).to.equal((await record()).contracts.ConsentRegistry!.address);
    const validUntil = BigInt((await rpc.getBlock("latest"))!.timestamp) + 86_400n;
    const signed = await consent.signGrant(citizen, {
      grantee: provider.address,
      purpose: "ResearchAndDevelopment",
      categories: ["Location", "Age"],
      validUntil,
      receiptHash: id("receipt"),
    });
    const granted = await consent.grantBySig(signed);
    expect(granted).to.include({ subject: citizen.address, via: "signature" });

    const licensing = await LicensingClient.fromDeployment(provider, lookup);
    const partiesId = await licensing.registerParties({ city, contributors: pool });
    const published = await licensing.publish({
      partiesId,
      token: "native",
      price: PRICE,
      period: 0n,
      renewable: false,
      cityBps: 2_000,
      providerBps: 3_000,
      purposes: ["ResearchAndDevelopment"],
      consentGrantee: provider.address,
      metadataURI: "ipfs://mobility-dataset",
      termsHash: id("terms"),
    });
    productId = published.productId;
    const issued = await licensing.withRunner(buyer).buy({
      productId,
      purpose: "ResearchAndDevelopment",
      maxPrice: PRICE,
    });
    expect(issued.sale.price).to.equal(PRICE);
    const product = await licensing.getProduct(productId);
    expect(product.consentGrantee).to.equal(provider.address);
    const cohort = await consent.isValidBatch({
      subjects: [citizen.address, stranger.address],
      grantee: product.consentGrantee,
      purpose: "ResearchAndDevelopment",
      category: "Location",
    });
    expect(cohort).to.deep.equal([true, false]);
    expect((await licensing.owed(productId)).city).to.equal(issued.sale.cityShare);
  });

  it("the operator CLI reads what the product owes from the node", async () => {
    const balances = await tsxRun(
      path.join("scripts", "cli.ts"),
      [
        "balances",
        "--product",
        productId.toString(),
        "--network",
        "localhost",
        "--deployments",
        dir,
        "--json",
      ],
      env,
    );
    expect(balances.status, balances.stderr).to.equal(0);
    const result = JSON.parse(balances.stdout) as { parties: { role: string; owed: string }[] };
    const owed = Object.fromEntries(result.parties.map((p) => [p.role, BigInt(p.owed)]));
    expect(owed.city! + owed.provider! + owed.contributors! + owed.platform!).to.equal(PRICE);
    expect(owed.city).to.equal((PRICE * 2_000n) / 10_000n);
  });

  for (const example of ["ethers-backend", "viem-backend"]) {
    it(`examples/${example}.ts checks the cohort, reads the product and buys a licence`, async () => {
      const key = example === "ethers-backend" ? NODE_KEYS[3] : NODE_KEYS[4];
      const exampleEnv = {
        RPC_URL: node.url,
        BUYER_PRIVATE_KEY: key,
        PRODUCT_ID: productId.toString(),
        PURPOSE: "ResearchAndDevelopment",
        COHORT: `${citizen.address},${stranger.address}`,
        DEPLOYMENTS_DIR: dir,
      };
      const first = await tsxRun(path.join("examples", `${example}.ts`), [], exampleEnv);
      expect(first.status, first.stderr).to.equal(0);
      const summary = JSON.parse(first.stdout) as {
        chainId: string;
        product: { price: string; consentGrantee: string };
        cohort: { size: number; consenting: string[] };
        licence: { licenceId: Hex; boughtNow: boolean };
      };
      expect(summary.chainId).to.equal("31337");
      expect(summary.product.price).to.equal(PRICE.toString());
      expect(summary.product.consentGrantee).to.equal((await rpc.getSigner(1)).address);
      expect(summary.cohort).to.deep.equal({ size: 2, consenting: [citizen.address] });
      expect(summary.licence.boughtNow).to.equal(true);
      const licensing = LicensingClient.connect(31337, rpc, {
        directory: dir,
        network: "localhost",
      });
      const licensee = new Wallet(key).address;
      const licence = await licensing.getLicence({
        productId,
        licensee,
        purpose: "ResearchAndDevelopment",
      });
      expect(licence).to.include({ licenceId: summary.licence.licenceId, inForce: true });
    });
  }

  it("npm run demo -- --network localhost tells the whole story on the node", async () => {
    const out = await mkdtemp(path.join(tmpdir(), "node-demo-"));
    const demo = await tsxRun(
      path.join("scripts", "demo.ts"),
      ["--network", "localhost", "--citizens", "10", "--out", out],
      env,
    );
    expect(demo.status, demo.stderr + demo.stdout).to.equal(0);
    expect(demo.stdout).to.contain("10 citizens on network localhost");
    const summary = JSON.parse(await readFile(path.join(out, "summary.json"), "utf8")) as {
      chainId: string;
      network: string;
      contracts: { pool: string };
      payouts: { paid: number; secondRunPaid: number };
      licences: { renewal: string | null };
    };
    expect(summary).to.include({ chainId: "31337", network: "localhost" });
    expect(summary.payouts).to.include({ paid: 10, secondRunPaid: 0 });
    expect(summary.licences.renewal).to.not.equal(null); // the node lets the story move time forward
    expect(await rpc.getCode(summary.contracts.pool)).to.not.equal("0x");
  });
});
