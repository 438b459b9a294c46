import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { Wallet, getAddress, type Signer } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { MockERC20__factory } from "../../typechain-types/factories/mocks/MockERC20__factory.js";
import { MockSmartWallet__factory } from "../../typechain-types/factories/mocks/MockSmartWallet__factory.js";
import { ConsentRegistry__factory } from "../../typechain-types/factories/consent/ConsentRegistry__factory.js";
import { DataLicensing__factory } from "../../typechain-types/factories/licensing/DataLicensing__factory.js";
import { parseDeployment, type Deployment } from "../../sdk/deployments.js";
import { deployCommand } from "../../scripts/deploy/command.js";
import {
  DeployRefusedError,
  contractOf,
  deploy,
  type DeployPlan,
} from "../../scripts/deploy/engine.js";
import { PLAN, inputsFromEnvironment, type DeployInputs } from "../../scripts/deploy/plan.js";
import type { Chain } from "../../scripts/lib/network.js";
import { expectRejection } from "../helpers/expect.js";

const { ethers, networkHelpers } = await network.create();
const provider = ethers.provider;

type Hex = `0x${string}`;
const OTHER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Hex;

const newDir = () => mkdtemp(path.join(tmpdir(), "deploy-"));
const readRecord = async (file: string): Promise<Deployment> =>
  parseDeployment(await readFile(file, "utf8"), file);

async function signers() {
  const [deployer, other] = await ethers.getSigners();
  return { deployer: deployer!, other: other! };
}

function localInputs(deployer: HardhatEthersSigner, feeBps = 0): DeployInputs {
  return { owner: deployer.address as Hex, treasury: deployer.address as Hex, feeBps };
}

/** The deployer, and options deploying the project's plan with local inputs to a new, empty folder. */
async function localDeploy(networkName = "local") {
  const { deployer } = await signers();
  const options = {
    plan: PLAN,
    inputs: localInputs(deployer),
    signer: deployer,
    networkName,
    deploymentsDir: await newDir(),
  };
  return { deployer, options };
}

describe("deploy", () => {
  describe("engine with the project's plan", () => {
    it("deploys every contract and records chain, addresses, transactions, blocks, versions, deployer and arguments", async () => {
      const { deployer } = await signers();
      const dir = await newDir();
      const lines: string[] = [];
      const result = await deploy({
        plan: PLAN,
        inputs: { ...localInputs(deployer, 250), treasury: OTHER },
        signer: deployer,
        networkName: "testnet",
        deploymentsDir: dir,
        log: (line) => lines.push(line),
      });
      expect(result.file).to.equal(path.join(dir, "testnet.json"));
      expect(result.contracts.map((c) => [c.name, c.action])).to.deep.equal([
        ["ConsentRegistry", "deployed"],
        ["DataLicensing", "deployed"],
        ["RevenuePool", "deployed"],
      ]);
      expect(result.steps).to.deep.equal([
        { name: "DataLicensing.setRevenuePool", action: "sent" },
      ]);
      const record = await readRecord(result.file);
      expect(record.network).to.equal("testnet");
      expect(record.chainId).to.equal(Number((await provider.getNetwork()).chainId));
      for (const name of ["ConsentRegistry", "DataLicensing", "RevenuePool"]) {
        const entry = record.contracts[name]!;
        const receipt = (await provider.getTransactionReceipt(entry.transactionHash))!;
        expect(receipt.contractAddress).to.equal(entry.address);
        expect(receipt.blockNumber).to.equal(entry.blockNumber);
        expect(entry.deployer).to.equal(deployer.address);
        expect(entry.version).to.equal("0.1.0");
        expect(Number.isNaN(Date.parse(entry.deployedAt))).to.equal(false);
      }
      expect(record.contracts.ConsentRegistry!.constructorArgs).to.deep.equal([]);
      expect(record.contracts.DataLicensing!.constructorArgs).to.deep.equal([
        deployer.address,
        OTHER,
        250,
      ]);
      const licensing = DataLicensing__factory.connect(
        record.contracts.DataLicensing!.address,
        provider,
      );
      expect(await licensing.platformTreasury()).to.equal(OTHER);
      expect(await licensing.platformFeeBps()).to.equal(250n);
      expect(record.contracts.RevenuePool!.constructorArgs).to.deep.equal([
        record.contracts.ConsentRegistry!.address,
        record.contracts.DataLicensing!.address,
      ]);
      expect(await licensing.revenuePool()).to.equal(record.contracts.RevenuePool!.address);
      expect(lines.join("\n")).to.match(/ConsentRegistry\s+deployed at 0x/);
      expect(lines.at(-1)).to.equal(`Recorded in ${result.file}`);
    });

    it("deploys nothing on a second run: every contract is kept and no transaction is sent", async () => {
      const { deployer, options } = await localDeploy();
      const first = await deploy(options);
      const nonce = await provider.getTransactionCount(deployer.address);
      const second = await deploy(options);
      expect(second.contracts.map((c) => c.action)).to.deep.equal(["kept", "kept", "kept"]);
      expect(second.steps).to.deep.equal([
        { name: "DataLicensing.setRevenuePool", action: "already done" },
      ]);
      expect(await provider.getTransactionCount(deployer.address)).to.equal(nonce);
      expect(second.deployment.contracts).to.deep.equal(first.deployment.contracts);
    });

    it("redeploys a contract whose code is gone from the recorded address (a restarted node), and says so", async () => {
      const { options } = await localDeploy();
      const first = await deploy(options);
      const gone = first.deployment.contracts.DataLicensing!.address;
      await networkHelpers.setCode(gone, "0x");
      const lines: string[] = [];
      const second = await deploy({ ...options, log: (line) => lines.push(line) });
      const [registry, licensing, pool] = second.contracts;
      expect(registry!.action).to.equal("kept");
      expect(licensing!.action).to.equal("redeployed");
      expect(licensing!.reason).to.contain(`no code at the recorded address ${gone}`);
      expect(licensing!.record.address).to.not.equal(gone);
      // The pool's constructor takes DataLicensing's address, and the new DataLicensing is wired to it.
      expect(pool!.action).to.equal("redeployed");
      expect(second.steps).to.deep.equal([
        { name: "DataLicensing.setRevenuePool", action: "sent" },
      ]);
      expect(lines.join("\n")).to.contain("because no code at the recorded address");
      const record = await readRecord(second.file);
      expect(record.contracts.DataLicensing!.address).to.equal(licensing!.record.address);
      const wired = DataLicensing__factory.connect(licensing!.record.address, provider);
      expect(await wired.revenuePool()).to.equal(pool!.record.address);
    });

    it("refuses to wire a new RevenuePool to a DataLicensing that already names another, saying to use --fresh", async () => {
      const { options } = await localDeploy();
      const first = await deploy(options);
      // A new registry means a new pool (its constructor takes the registry), but DataLicensing is kept.
      await networkHelpers.setCode(first.deployment.contracts.ConsentRegistry!.address, "0x");
      const error = await expectRejection(deploy(options), DeployRefusedError, "--fresh");
      expect(error.message).to.contain(first.deployment.contracts.RevenuePool!.address);
      const fresh = await deploy({ ...options, fresh: true });
      expect(fresh.steps).to.deep.equal([{ name: "DataLicensing.setRevenuePool", action: "sent" }]);
    });

    it("deploys anew when the record is of another chain, keeping the old record as .bak", async () => {
      const { options } = await localDeploy("moved");
      const first = await deploy(options);
      const elsewhere = { ...first.deployment, chainId: 11155111 };
      await writeFile(first.file, JSON.stringify(elsewhere));
      const lines: string[] = [];
      const second = await deploy({ ...options, log: (line) => lines.push(line) });
      expect(second.contracts.map((c) => c.action)).to.deep.equal([
        "deployed",
        "deployed",
        "deployed",
      ]);
      expect(second.replacedRecord).to.equal(`${first.file}.bak`);
      expect((await readRecord(`${first.file}.bak`)).chainId).to.equal(11155111);
      expect(lines[0]).to.contain("is of chain 11155111");
      expect((await readRecord(first.file)).chainId).to.equal(second.deployment.chainId);
    });

    it("refuses before sending anything when the inputs changed for a contract already deployed", async () => {
      const { deployer, options } = await localDeploy();
      await deploy(options);
      const nonce = await provider.getTransactionCount(deployer.address);
      const error = await expectRejection(
        deploy({ ...options, inputs: localInputs(deployer, 100) }),
        DeployRefusedError,
        "DataLicensing is deployed at",
      );
      expect(error.message).to.contain(`"${deployer.address}",0]`);
      expect(error.message).to.contain(",100]");
      expect(error.message).to.contain("--fresh");
      expect(await provider.getTransactionCount(deployer.address)).to.equal(nonce);
    });

    it("deploys everything anew with fresh, whatever the record says", async () => {
      const { deployer, options } = await localDeploy();
      const first = await deploy(options);
      const second = await deploy({ ...options, inputs: localInputs(deployer, 5), fresh: true });
      expect(second.contracts.map((c) => c.action)).to.deep.equal([
        "deployed",
        "deployed",
        "deployed",
      ]);
      expect(second.deployment.contracts.DataLicensing!.address).to.not.equal(
        first.deployment.contracts.DataLicensing!.address,
      );
    });

    it("refuses a record it cannot read, naming the file", async () => {
      const { deployer } = await signers();
      const dir = await newDir();
      await writeFile(path.join(dir, "local.json"), "{ broken");
      const error = await expectRejection(
        deploy({
          plan: PLAN,
          inputs: localInputs(deployer),
          signer: deployer,
          networkName: "local",
          deploymentsDir: dir,
        }),
        DeployRefusedError,
        "local.json is not valid JSON",
      );
      expect(error.message).to.contain("Fix the record, or move it away");
    });
  });

  describe("engine with a plan of dependent contracts and a step", () => {
    // MockSmartWallet(owner) stands in for a contract whose constructor takes another's address (as RevenuePool
    // will take the registry's and DataLicensing's), and minting for a wiring step (as setRevenuePool).
    interface Inputs {
      stepSender: Hex;
    }
    const contract = contractOf<Inputs>();
    const plan: DeployPlan<Inputs> = {
      contracts: [
        contract("ConsentRegistry", ConsentRegistry__factory).withArgs(() => []),
        contract("MockSmartWallet", MockSmartWallet__factory).withArgs(({ address }) => [
          address("ConsentRegistry"),
        ]),
        contract("MockERC20", MockERC20__factory).withArgs(() => ["Euro", "EUR"]),
      ],
      steps: [
        {
          name: "MockERC20.mint",
          description: ({ address }) => `MockERC20(${address("MockERC20")}).mint(wallet, 1)`,
          sender: async ({ inputs }) => inputs.stepSender,
          isDone: async ({ address, provider }) =>
            (await MockERC20__factory.connect(address("MockERC20"), provider).balanceOf(
              address("MockSmartWallet"),
            )) > 0n,
          send: ({ address }, signer) =>
            MockERC20__factory.connect(address("MockERC20"), signer).mint(
              address("MockSmartWallet"),
              1n,
            ),
        },
      ],
    };

    it("passes earlier contracts' addresses to later constructors and runs a step once", async () => {
      const { deployer } = await signers();
      const dir = await newDir();
      const options = {
        plan,
        inputs: { stepSender: deployer.address as Hex },
        signer: deployer,
        networkName: "deps",
        deploymentsDir: dir,
      };
      const first = await deploy(options);
      const registry = first.deployment.contracts.ConsentRegistry!.address;
      const wallet = first.deployment.contracts.MockSmartWallet!;
      expect(wallet.constructorArgs).to.deep.equal([registry]);
      expect(await MockSmartWallet__factory.connect(wallet.address, provider).owner()).to.equal(
        registry,
      );
      expect(first.steps).to.deep.equal([{ name: "MockERC20.mint", action: "sent" }]);
      const step = first.deployment.steps["MockERC20.mint"]!;
      expect(step.status).to.equal("done");
      const second = await deploy(options);
      expect(second.steps).to.deep.equal([{ name: "MockERC20.mint", action: "already done" }]);
      const token = MockERC20__factory.connect(
        first.deployment.contracts.MockERC20!.address,
        provider,
      );
      expect(await token.balanceOf(wallet.address)).to.equal(1n);
      expect((await readRecord(second.file)).steps["MockERC20.mint"]).to.deep.equal(step);
    });

    it("redeploys a contract whose constructor takes the address of one deployed anew", async () => {
      const { deployer } = await signers();
      const dir = await newDir();
      const options = {
        plan,
        inputs: { stepSender: deployer.address as Hex },
        signer: deployer,
        networkName: "deps",
        deploymentsDir: dir,
      };
      const first = await deploy(options);
      await networkHelpers.setCode(first.deployment.contracts.ConsentRegistry!.address, "0x");
      const second = await deploy(options);
      expect(second.contracts.map((c) => c.action)).to.deep.equal([
        "redeployed",
        "redeployed",
        "kept",
      ]);
      expect(second.contracts[1]!.reason).to.equal(
        "its constructor takes ConsentRegistry's address, and ConsentRegistry is deployed anew",
      );
      expect(second.deployment.contracts.MockSmartWallet!.constructorArgs).to.deep.equal([
        second.deployment.contracts.ConsentRegistry!.address,
      ]);
      // the new wallet has no tokens yet: the step runs again for it
      expect(second.steps).to.deep.equal([{ name: "MockERC20.mint", action: "sent" }]);
    });

    it("records a step another account must send as pending, with what to do, and sends nothing", async () => {
      const { deployer, other } = await signers();
      const dir = await newDir();
      const result = await deploy({
        plan,
        inputs: { stepSender: other.address as Hex },
        signer: deployer,
        networkName: "deps",
        deploymentsDir: dir,
      });
      const token = result.deployment.contracts.MockERC20!.address;
      expect(result.steps).to.deep.equal([
        {
          name: "MockERC20.mint",
          action: "pending",
          sender: other.address,
          description: `MockERC20(${token}).mint(wallet, 1)`,
        },
      ]);
      expect((await readRecord(result.file)).steps["MockERC20.mint"]).to.deep.equal({
        status: "pending",
        sender: other.address,
        description: `MockERC20(${token}).mint(wallet, 1)`,
      });
      const wallet = result.deployment.contracts.MockSmartWallet!.address;
      expect(await MockERC20__factory.connect(token, provider).balanceOf(wallet)).to.equal(0n);
    });
  });

  describe("inputs from the environment", () => {
    const deployer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" as Hex;

    it("default to the deployer and no fee on a local chain; an empty variable counts as unset", () => {
      expect(
        inputsFromEnvironment({ DATA_LICENSING_FEE_BPS: "" }, { deployer, chainId: 31337 }),
      ).to.deep.equal({ inputs: { owner: deployer, treasury: deployer, feeBps: 0 } });
    });

    it("are read and checksummed when given", () => {
      expect(
        inputsFromEnvironment(
          {
            DATA_LICENSING_OWNER: OTHER.toLowerCase(),
            DATA_LICENSING_TREASURY: deployer,
            DATA_LICENSING_FEE_BPS: "1000",
          },
          { deployer, chainId: 11155111 },
        ),
      ).to.deep.equal({ inputs: { owner: OTHER, treasury: deployer, feeBps: 1000 } });
    });

    it("must name the owner and treasury on a chain that is not local", () => {
      const result = inputsFromEnvironment({}, { deployer, chainId: 11155111 });
      expect(result).to.deep.equal({
        problems: [
          "DATA_LICENSING_OWNER is not set: on chain 11155111 (not a local chain) give the account that owns DataLicensing (sets the platform fee and treasury)",
          "DATA_LICENSING_TREASURY is not set: on chain 11155111 (not a local chain) give the account DataLicensing pays platform fees to",
        ],
      });
    });

    for (const fee of ["1001", "abc", "-1", "2.5"]) {
      it(`refuse the fee "${fee}", saying what is accepted`, () => {
        const result = inputsFromEnvironment(
          { DATA_LICENSING_FEE_BPS: fee },
          { deployer, chainId: 31337 },
        );
        expect(result).to.deep.equal({
          problems: [
            `DATA_LICENSING_FEE_BPS must be a whole number of basis points from 0 to 1000 (10%, the contract's cap), got "${fee}"`,
          ],
        });
      });
    }

    it("refuse a malformed, mis-checksummed or zero address", () => {
      const result = inputsFromEnvironment(
        {
          DATA_LICENSING_OWNER: "0x1234",
          DATA_LICENSING_TREASURY: "0x0000000000000000000000000000000000000000",
        },
        { deployer, chainId: 31337 },
      );
      expect(result).to.deep.equal({
        problems: [
          'DATA_LICENSING_OWNER must be an account address (0x and 40 hex digits), got "0x1234"',
          "DATA_LICENSING_TREASURY must not be the zero address",
        ],
      });
      const checksum = inputsFromEnvironment(
        { DATA_LICENSING_OWNER: OTHER.replace("C51812dc", "c51812DC") },
        { deployer, chainId: 31337 },
      );
      expect(JSON.stringify(checksum)).to.contain("has a wrong EIP-55 checksum");
    });
  });

  describe("the command (npm run deploy)", () => {
    /** The in-process chain as the command sees a network. */
    function chainOf(signer?: Signer): Chain {
      return {
        networkName: "inproc",
        chainId: 31337n,
        provider,
        signers: async () => (signer ? [signer] : ethers.getSigners()),
        close: async () => {},
      };
    }

    async function run(
      argv: string[],
      options: { env?: Record<string, string>; signer?: Signer } = {},
    ) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await deployCommand(argv, {
        output: { out: (l) => out.push(l), err: (l) => err.push(l) },
        environment: options.env ?? {},
        connect: async () => chainOf(options.signer),
      });
      return { code, out: out.join("\n"), err: err.join("\n") };
    }

    it("deploys and records in --deployments, printing the result as JSON with --json", async () => {
      const dir = await newDir();
      const { code, out } = await run(["--network", "inproc", "--deployments", dir, "--json"], {
        env: { DATA_LICENSING_FEE_BPS: "300" },
      });
      expect(code).to.equal(0);
      const result = JSON.parse(out) as { file: string; contracts: { action: string }[] };
      expect(result.file).to.equal(path.join(dir, "inproc.json"));
      expect(result.contracts.map((c) => c.action)).to.deep.equal([
        "deployed",
        "deployed",
        "deployed",
      ]);
      const record = await readRecord(result.file);
      expect(record.contracts.DataLicensing!.constructorArgs[2]).to.equal(300);
    });

    it("writes where DEPLOYMENTS_DIR says when --deployments is not given", async () => {
      const dir = await newDir();
      const { code, out } = await run(["--network", "inproc"], { env: { DEPLOYMENTS_DIR: dir } });
      expect(code).to.equal(0);
      expect(out).to.contain(`Recorded in ${path.join(dir, "inproc.json")}`);
      expect(existsSync(path.join(dir, "inproc.json"))).to.equal(true);
    });

    it("prints its help", async () => {
      const { code, out } = await run(["--help"]);
      expect(code).to.equal(0);
      expect(out).to.contain("Usage: npm run deploy -- --network NAME");
      expect(out).to.contain("DATA_LICENSING_FEE_BPS");
    });

    it("refuses without --network, or with an unknown option (exit 2)", async () => {
      const missing = await run([]);
      expect(missing.code).to.equal(2);
      expect(missing.err).to.contain("--network is required");
      const unknown = await run(["--network", "inproc", "--netwrk", "x"]);
      expect(unknown.code).to.equal(2);
      expect(unknown.err).to.contain("Unknown option '--netwrk'");
      expect(unknown.err).to.contain("npm run deploy -- --help lists the options");
    });

    it("refuses bad inputs, listing every problem, and sends nothing", async () => {
      const dir = await newDir();
      const { deployer } = await signers();
      const nonce = await provider.getTransactionCount(deployer.address);
      const { code, err } = await run(["--network", "inproc", "--deployments", dir], {
        env: { DATA_LICENSING_FEE_BPS: "5000", DATA_LICENSING_TREASURY: "treasury" },
      });
      expect(code).to.equal(2);
      expect(err).to.contain("The deploy inputs need fixing");
      expect(err).to.contain("DATA_LICENSING_FEE_BPS must be a whole number of basis points");
      expect(err).to.contain(
        'DATA_LICENSING_TREASURY must be an account address (0x and 40 hex digits), got "treasury"',
      );
      expect(await provider.getTransactionCount(deployer.address)).to.equal(nonce);
      expect(existsSync(path.join(dir, "inproc.json"))).to.equal(false);
    });

    it("refuses a deployer without funds", async () => {
      const broke = Wallet.createRandom().connect(provider);
      const { code, err } = await run(["--network", "inproc"], { signer: broke });
      expect(code).to.equal(2);
      expect(err).to.contain(
        `The deployer ${getAddress(broke.address)} has no funds on chain 31337`,
      );
    });
  });

  describe("networks of hardhat.config.ts (the command run as a user runs it)", () => {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    /** Runs `npm run deploy` (without its build step) with only the given variables set, and no .env file. */
    const runDeploy = (args: string[], env: Record<string, string> = {}) => {
      const clean = Object.fromEntries(
        Object.entries(process.env).filter(
          // HH_TEST is set by `hardhat test`, not in a user's shell.
          ([k]) =>
            !/^(SEPOLIA_|CUSTOM_|LOCALHOST_|DATA_LICENSING_|DEPLOYMENTS_DIR|HH_TEST)/.test(k),
        ),
      );
      return spawnSync(process.execPath, [tsx, path.join("scripts", "deploy.ts"), ...args], {
        encoding: "utf8",
        timeout: 60_000,
        env: { ...clean, DOTENV_CONFIG_PATH: path.join(tmpdir(), "no-such.env"), ...env },
      });
    };

    it("refuses an unknown network, listing the configured ones", function () {
      this.timeout(60_000);
      const run = runDeploy(["--network", "mainnet"]);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.contain(
        'Unknown network "mainnet": use one of localhost, sepolia, custom',
      );
    });

    it("refuses the in-process network, whose chain would vanish", function () {
      this.timeout(60_000);
      const run = runDeploy(["--network", "default"]);
      expect(run.status).to.equal(2);
      expect(run.stderr).to.contain("Hardhat's in-process chain, which vanishes");
    });

    it("names every unset variable of a network", function () {
      this.timeout(60_000);
      const sepolia = runDeploy(["--network", "sepolia"]);
      expect(sepolia.status).to.equal(2);
      expect(sepolia.stderr).to.contain(
        'The network "sepolia" needs configuration: SEPOLIA_RPC_URL, SEPOLIA_PRIVATE_KEY are not set',
      );
      expect(sepolia.stderr).to.contain("see .env.example");
      const custom = runDeploy(["--network", "custom"], { CUSTOM_RPC_URL: "http://127.0.0.1:1" });
      expect(custom.status).to.equal(2);
      expect(custom.stderr).to.contain("CUSTOM_PRIVATE_KEY, CUSTOM_CHAIN_ID are not set");
    });

    it("refuses a chain id that is not a number", function () {
      this.timeout(60_000);
      const run = runDeploy(["--network", "custom"], {
        CUSTOM_RPC_URL: "http://127.0.0.1:1",
        CUSTOM_PRIVATE_KEY: Wallet.createRandom().privateKey,
        CUSTOM_CHAIN_ID: "besu",
      });
      expect(run.status).to.equal(2);
      expect(run.stderr).to.contain(
        'CUSTOM_CHAIN_ID must be the chain id of the network, a positive whole number, got "besu"',
      );
    });

    it("says when the node does not answer", function () {
      this.timeout(60_000);
      const run = runDeploy(["--network", "localhost"], {
        LOCALHOST_RPC_URL: "http://127.0.0.1:9",
      });
      expect(run.status).to.equal(1);
      expect(run.stderr).to.contain(
        'Could not reach the network "localhost" at http://127.0.0.1:9',
      );
      expect(run.stderr).to.contain("Start one with `npx hardhat node`");
    });
  });
});
