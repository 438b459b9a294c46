import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

const tsx = createRequire(import.meta.url).resolve("tsx/cli");
const runScript = (script: string, args: string[]) =>
  spawnSync(process.execPath, [tsx, path.join("scripts", script), ...args], {
    encoding: "utf8",
    timeout: 90_000,
  });

const record = (network: string, chainId: number) => ({
  network,
  chainId,
  contracts: {
    ConsentRegistry: {
      address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      transactionHash: `0x${"ab".repeat(32)}`,
      blockNumber: 1,
      version: "0.1.0",
      deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
      constructorArgs: [],
      deployedAt: "2026-01-01T00:00:00.000Z",
    },
  },
  steps: {},
});

describe("build scripts", () => {
  describe("generate-abis (npm run build)", () => {
    it("writes the ABI of each deployable contract as const, without mocks, interfaces or libraries", async function () {
      this.timeout(30_000);
      const out = path.join(await mkdtemp(path.join(tmpdir(), "abis-")), "abis.ts");
      const run = runScript("generate-abis.ts", ["--out", out]);
      expect(run.status, run.stderr).to.equal(0);
      expect(run.stdout).to.contain("consentRegistryAbi, dataLicensingAbi");
      const text = await readFile(out, "utf8");
      expect(text).to.match(/export const consentRegistryAbi = \[[\s\S]*?\] as const;/);
      expect(text).to.match(/export const dataLicensingAbi = \[[\s\S]*?\] as const;/);
      expect(text).to.contain("  ConsentRegistry: consentRegistryAbi,");
      expect(text).to.not.match(/mockERC20Abi|iDataLicensingAbi|revenueSplitAbi/);
      const generated = await readFile(path.join("sdk", "generated", "abis.ts"), "utf8");
      expect(text).to.equal(generated);
    });

    it("refuses to run without build artifacts", async function () {
      this.timeout(30_000);
      const empty = await mkdtemp(path.join(tmpdir(), "no-artifacts-"));
      const run = runScript("generate-abis.ts", [
        "--artifacts",
        empty,
        "--out",
        path.join(empty, "x.ts"),
      ]);
      expect(run.status).to.equal(1);
      expect(run.stderr).to.contain(`No build artifacts in ${path.join(empty, "contracts")}`);
      expect(run.stderr).to.contain("run `npx hardhat build` first");
    });
  });

  describe("build-sdk (npm run build:sdk)", () => {
    it("compiles the SDK with declarations and ships the records of public chains only", async function () {
      this.timeout(90_000);
      const work = await mkdtemp(path.join(tmpdir(), "build-sdk-"));
      const deployments = path.join(work, "deployments");
      await mkdirAndWrite(deployments, {
        "localhost.json": record("localhost", 31337),
        "sepolia.json": record("sepolia", 11155111),
      });
      const out = path.join(work, "dist");
      const run = runScript("build-sdk.ts", ["--deployments", deployments, "--out", out]);
      expect(run.status, run.stderr + run.stdout).to.equal(0);
      expect(run.stdout).to.contain("deployments shipped: sepolia.json");
      expect(await readdir(path.join(out, "deployments"))).to.deep.equal(["sepolia.json"]);
      for (const file of ["index.js", "index.d.ts", "generated/abis.d.ts", "deployments.js"]) {
        expect(existsSync(path.join(out, "sdk", file)), file).to.equal(true);
      }
      expect(existsSync(path.join(out, "typechain-types", "factories", "mocks"))).to.equal(false);
    });

    it("refuses an invalid deployment record before writing anything", async function () {
      this.timeout(30_000);
      const work = await mkdtemp(path.join(tmpdir(), "build-sdk-bad-"));
      const deployments = path.join(work, "deployments");
      await mkdirAndWrite(deployments, { "sepolia.json": { network: "sepolia" } });
      const out = path.join(work, "dist");
      const run = runScript("build-sdk.ts", ["--deployments", deployments, "--out", out]);
      expect(run.status).to.equal(1);
      expect(run.stderr).to.contain(`Problems in ${path.join(deployments, "sepolia.json")}`);
      expect(run.stderr).to.contain("chainId is missing");
      expect(existsSync(out)).to.equal(false);
    });
  });
});

async function mkdirAndWrite(dir: string, files: Record<string, unknown>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), JSON.stringify(content));
  }
}
