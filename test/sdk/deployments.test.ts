import { expect } from "chai";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { id } from "ethers";
import {
  CitizenDataError,
  ConsentClient,
  DEFAULT_DEPLOYMENTS_DIRECTORY,
  DeploymentNotFoundError,
  InvalidInputError,
  LicensingClient,
  RevenueClient,
  contractAddress,
  listDeployments,
  loadDeployment,
  parseDeployment,
  resolveContract,
  type Deployment,
} from "../../sdk/index.js";
import { expectRejection, thrown } from "../helpers/expect.js";

const { ethers, networkHelpers } = await network.create();

type Hex = `0x${string}`;
const A = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const B = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const TX = id("tx") as Hex;

function record(network: string, chainId: number, overrides: Partial<Deployment> = {}) {
  return {
    network,
    chainId,
    contracts: {
      ConsentRegistry: {
        address: A,
        transactionHash: TX,
        blockNumber: 7,
        version: "0.1.0",
        deployer: DEPLOYER,
        constructorArgs: [],
        deployedAt: "2026-01-01T00:00:00.000Z",
      },
      DataLicensing: {
        address: B,
        transactionHash: TX,
        blockNumber: 8,
        version: "0.1.0",
        deployer: DEPLOYER,
        constructorArgs: [DEPLOYER, DEPLOYER, "0"],
        deployedAt: "2026-01-01T00:00:00.000Z",
      },
    },
    steps: {},
    ...overrides,
  };
}

async function folder(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "deployments-"));
  for (const [name, content] of Object.entries(files)) {
    await writeFile(
      path.join(dir, name),
      typeof content === "string" ? content : JSON.stringify(content),
    );
  }
  return dir;
}

describe("SDK deployments", () => {
  describe("parseDeployment", () => {
    it("reads a record from JSON text, with addresses checksummed and steps defaulting to none", () => {
      const text = JSON.stringify({ ...record("sepolia", 11155111), steps: undefined });
      const parsed = parseDeployment(text.replace(A, A.toLowerCase()));
      expect(parsed.chainId).to.equal(11155111);
      expect(parsed.contracts.ConsentRegistry?.address).to.equal(A);
      expect(parsed.contracts.DataLicensing?.constructorArgs).to.deep.equal([
        DEPLOYER,
        DEPLOYER,
        "0",
      ]);
      expect(parsed.steps).to.deep.equal({});
    });

    it("reads done and pending steps", () => {
      const parsed = parseDeployment({
        ...record("sepolia", 11155111),
        steps: {
          "A.b": { status: "done", transactionHash: TX, blockNumber: 9, sender: DEPLOYER },
          "C.d": { status: "pending", sender: DEPLOYER, description: "C.d()" },
        },
      });
      expect(parsed.steps["C.d"]).to.deep.equal({
        status: "pending",
        sender: DEPLOYER,
        description: "C.d()",
      });
    });

    it("refuses a record with a bad address, a missing chain id and a negative block, naming the source and each field", () => {
      const bad = record("sepolia", 1) as Record<string, unknown>;
      delete bad.chainId;
      const contracts = bad.contracts as Record<string, Record<string, unknown>>;
      contracts.ConsentRegistry!.address = "0x1234";
      contracts.DataLicensing!.blockNumber = -1;
      const error = thrown(() => parseDeployment(bad, "deployments/sepolia.json"));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain("Problems in deployments/sepolia.json");
      expect(error.message).to.contain("chainId is missing");
      expect(error.message).to.contain(
        "contracts.ConsentRegistry.address must be an account address (0x and 40 hex digits)",
      );
      expect(error.message).to.contain("contracts.DataLicensing.blockNumber must not be negative");
    });

    it("refuses text that is not JSON", () => {
      const error = thrown(() => parseDeployment("{ not json", "x.json"));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain("x.json is not valid JSON");
    });
  });

  describe("listDeployments", () => {
    it("reads every .json record of a folder and ignores other files", async () => {
      const dir = await folder({
        "sepolia.json": record("sepolia", 11155111),
        "localhost.json": record("localhost", 31337),
        "README.md": "# not a record",
        "custom.json.bak": "not read",
      });
      const all = listDeployments({ directory: dir });
      expect(all.map((d) => d.network)).to.deep.equal(["localhost", "sepolia"]);
    });

    it("refuses a folder given explicitly that does not exist", () => {
      const error = thrown(() => listDeployments({ directory: "/no/such/folder" }));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain("The deployments folder /no/such/folder does not exist");
    });

    it("refuses an invalid record, naming its file", async () => {
      const dir = await folder({ "broken.json": { network: "broken" } });
      const error = thrown(() => listDeployments({ directory: dir }));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain(path.join(dir, "broken.json"));
      expect(error.message).to.contain("chainId is missing");
    });

    it("reads the repository's deployments/ folder by default", () => {
      expect(path.resolve(DEFAULT_DEPLOYMENTS_DIRECTORY)).to.equal(path.resolve("deployments"));
      expect(listDeployments()).to.deep.equal(
        listDeployments({ directory: path.resolve("deployments") }),
      );
    });
  });

  describe("loadDeployment", () => {
    it("finds the record of a chain, by bigint or number", async () => {
      const dir = await folder({
        "sepolia.json": record("sepolia", 11155111),
        "localhost.json": record("localhost", 31337),
      });
      expect(loadDeployment(11155111n, { directory: dir }).network).to.equal("sepolia");
      expect(loadDeployment(31337, { directory: dir }).network).to.equal("localhost");
    });

    it("raises DeploymentNotFoundError for a chain without a record, saying where it looked", async () => {
      const dir = await folder({ "sepolia.json": record("sepolia", 11155111) });
      const error = thrown(() => loadDeployment(1n, { directory: dir }));
      expect(error).to.be.instanceOf(DeploymentNotFoundError);
      expect(error.message).to.contain("No deployment of the contracts is known for chain 1");
      expect(error.message).to.contain(dir);
      expect((error as DeploymentNotFoundError).chainId).to.equal(1n);
    });

    it("refuses to guess between two networks recording the same chain; { network } picks one", async () => {
      const dir = await folder({
        "localhost.json": record("localhost", 31337),
        "custom.json": record("custom", 31337),
      });
      const error = thrown(() => loadDeployment(31337, { directory: dir }));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect(error.message).to.contain(
        'Several deployments record chain 31337: "custom", "localhost"',
      );
      expect(loadDeployment(31337, { directory: dir, network: "custom" }).network).to.equal(
        "custom",
      );
      expect(() => loadDeployment(31337, { directory: dir, network: "other" })).to.throw(
        DeploymentNotFoundError,
        path.join(dir, "other.json"),
      );
    });

    it("reads only the network's record when the network is named, and checks its chain", async () => {
      const dir = await folder({
        "sepolia.json": record("sepolia", 11155111),
        "product.json": { price: "1" },
      });
      expect(loadDeployment(11155111, { directory: dir, network: "sepolia" }).network).to.equal(
        "sepolia",
      );
      expect(() => loadDeployment(1, { directory: dir, network: "sepolia" })).to.throw(
        DeploymentNotFoundError,
        "sepolia.json, which records chain 11155111",
      );
    });

    it("searches records given in memory", () => {
      const deployments = [parseDeployment(record("sepolia", 11155111))];
      expect(loadDeployment(11155111, { deployments }).network).to.equal("sepolia");
      expect(() => loadDeployment(1, { deployments })).to.throw(
        DeploymentNotFoundError,
        "the deployments given",
      );
    });

    for (const bad of [0, -1, 1.5, Number.NaN]) {
      it(`refuses the chain id ${bad}`, () => {
        const error = thrown(() => loadDeployment(bad, { deployments: [] }));
        expect(error).to.be.instanceOf(InvalidInputError);
        expect(error.message).to.contain("chainId must be a positive whole number");
      });
    }
  });

  describe("resolveContract and contractAddress", () => {
    const deployment = parseDeployment(record("sepolia", 11155111));

    it("take an address as it is (checksummed), with events from block 0 unless told", () => {
      expect(resolveContract(A.toLowerCase(), "ConsentRegistry", "registry address")).to.deep.equal(
        {
          address: A,
          fromBlock: 0,
        },
      );
      expect(
        resolveContract(A, "ConsentRegistry", "registry address", { fromBlock: 5 }).fromBlock,
      ).to.equal(5);
    });

    it("look a contract up in a record, with events from its deployment block", () => {
      expect(resolveContract(deployment, "DataLicensing", "licensing address")).to.deep.equal({
        address: B,
        fromBlock: 8,
      });
      expect(contractAddress(11155111n, "ConsentRegistry", { deployments: [deployment] })).to.equal(
        A,
      );
    });

    it("raise DeploymentNotFoundError for a contract the record lacks", () => {
      const error = thrown(() => contractAddress(deployment, "RevenuePool"));
      expect(error).to.be.instanceOf(DeploymentNotFoundError);
      expect(error.message).to.contain("No RevenuePool deployment is known for chain 11155111");
      expect(error.message).to.contain('the "sepolia" deployment');
    });

    it("refuse a malformed address or fromBlock", () => {
      expect(() => resolveContract("0x12", "ConsentRegistry", "registry address")).to.throw(
        InvalidInputError,
        "registry address is not an address",
      );
      expect(() =>
        resolveContract(A, "ConsentRegistry", "registry address", { fromBlock: -2 }),
      ).to.throw(InvalidInputError, "fromBlock must be a block number");
    });
  });

  describe("clients connected by chain id", () => {
    async function deployedFixture() {
      const [deployer, citizen, provider, city, pool] = await ethers.getSigners();
      const registry = await ethers.deployContract("ConsentRegistry", []);
      const licensing = await ethers.deployContract("DataLicensing", [
        deployer!.address,
        deployer!.address,
        0,
      ]);
      const { chainId } = await ethers.provider.getNetwork();
      const blockOf = async (c: { deploymentTransaction(): { hash: string } | null }) =>
        (await ethers.provider.getTransactionReceipt(c.deploymentTransaction()!.hash))!.blockNumber;
      const entry = {
        transactionHash: TX,
        version: "0.1.0",
        deployer: deployer!.address,
        deployedAt: "2026-01-01T00:00:00.000Z",
      };
      const dir = await folder({
        "hardhat.json": {
          network: "hardhat",
          chainId: Number(chainId),
          contracts: {
            ConsentRegistry: {
              ...entry,
              address: await registry.getAddress(),
              blockNumber: await blockOf(registry),
              constructorArgs: [],
            },
            DataLicensing: {
              ...entry,
              address: await licensing.getAddress(),
              blockNumber: await blockOf(licensing),
              constructorArgs: [deployer!.address, deployer!.address, "0"],
            },
          },
          steps: {},
        },
      });
      return {
        dir,
        chainId,
        registry,
        licensing,
        citizen: citizen!,
        provider: provider!,
        city: city!,
        pool: pool!,
      };
    }

    it("ConsentClient.connect(chainId) and fromDeployment find the registry in the record", async () => {
      const { dir, chainId, registry, citizen } = await networkHelpers.loadFixture(deployedFixture);
      const byChain = ConsentClient.connect(chainId, citizen, { directory: dir });
      expect(byChain.address).to.equal(await registry.getAddress());
      const fromNetwork = await ConsentClient.fromDeployment(citizen, { directory: dir });
      expect(fromNetwork.address).to.equal(await registry.getAddress());
      const { consentId } = await byChain.grant({
        grantee: DEPLOYER,
        purpose: "ResearchAndDevelopment",
        categories: ["Location"],
        validUntil: 2n ** 40n,
        receiptHash: TX,
      });
      const check = await fromNetwork.getConsent({
        subject: citizen.address,
        grantee: DEPLOYER,
        purpose: "ResearchAndDevelopment",
      });
      expect(check.consentId).to.equal(consentId);
      expect(check.inForce).to.equal(true);
    });

    it("LicensingClient.connect(chainId) starts event queries at the deployment block, and reads products", async () => {
      const { dir, chainId, licensing, provider, city, pool } =
        await networkHelpers.loadFixture(deployedFixture);
      const client = LicensingClient.connect(Number(chainId), provider, { directory: dir });
      const deployedAt = (await ethers.provider.getTransactionReceipt(
        licensing.deploymentTransaction()!.hash,
      ))!.blockNumber;
      expect(client.fromBlock).to.equal(deployedAt);
      expect(client.withRunner(city).fromBlock).to.equal(deployedAt);
      const partiesId = await client.registerParties({
        city: city.address,
        contributors: pool.address,
      });
      const { productId } = await client.publish({
        partiesId,
        token: "native",
        price: 1_000n,
        period: 0n,
        renewable: false,
        cityBps: 1_000,
        providerBps: 1_000,
        purposes: ["ResearchAndDevelopment"],
        consentGrantee: provider.address,
        metadataURI: "ipfs://x",
        termsHash: TX,
      });
      const product = await client.getProduct(productId);
      expect(product.metadataURI).to.equal("ipfs://x");
      expect(product.consentGrantee).to.equal(provider.address);
      const fromNetwork = await LicensingClient.fromDeployment(provider, { directory: dir });
      expect(fromNetwork.address).to.equal(await licensing.getAddress());
    });

    it("raise DeploymentNotFoundError for a chain without a record", async () => {
      const { citizen } = await networkHelpers.loadFixture(deployedFixture);
      const empty = await folder({});
      expect(() => ConsentClient.connect(31337n, citizen, { directory: empty })).to.throw(
        DeploymentNotFoundError,
        "chain 31337",
      );
      await expectRejection(
        LicensingClient.fromDeployment(citizen, { directory: empty }),
        DeploymentNotFoundError,
        "No deployment of the contracts is known",
      );
    });

    it("fromDeployment refuses a runner without a provider to ask for the chain id", async () => {
      const offline = ethers.Wallet.createRandom();
      for (const Client of [ConsentClient, LicensingClient, RevenueClient]) {
        await expectRejection(
          Client.fromDeployment(offline),
          CitizenDataError,
          "The runner has no provider to ask for the chain id",
        );
      }
    });
  });
});
