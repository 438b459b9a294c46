import { expect } from "chai";
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { JsonRpcProvider, Wallet, id } from "ethers";
import { ConsentClient, LicensingClient } from "../../sdk/index.js";
import { deploy } from "../../scripts/deploy/engine.js";
import { PLAN } from "../../scripts/deploy/plan.js";
import { NODE_KEYS, startNode, type LocalNode } from "../helpers/node.js";
import { runProcess, type ProcessResult } from "../helpers/process.js";

type Hex = `0x${string}`;
const require = createRequire(import.meta.url);
const PRICE = 10n ** 15n;

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ProcessResult> {
  return runProcess(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
}

const versionOf = async (name: string): Promise<string> =>
  (
    JSON.parse(await readFile(path.join("node_modules", name, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

/** A consumer's check of the package: its entry points resolve, and the ABIs keep their literal types. */
const CHECK_SCRIPT = `import type { ContractFunctionName } from "viem";
import { ConsentClient, DEFAULT_DEPLOYMENTS_DIRECTORY, DeploymentNotFoundError, RevenueClient, loadDeployment, purposeId } from "citizen-data-ledger";
import { LedgerReader } from "citizen-data-ledger/ledger";
import { abis, dataLicensingAbi } from "citizen-data-ledger/abis";

// The ABIs are typed as const: a function name they lack does not compile.
const view: ContractFunctionName<typeof dataLicensingAbi, "view"> = "isLicensed";
// @ts-expect-error not a function of DataLicensing
const bogus: ContractFunctionName<typeof dataLicensingAbi> = "notAFunction";

let notFound = "";
try {
  loadDeployment(31337);
} catch (error) {
  if (error instanceof DeploymentNotFoundError) notFound = error.shortMessage;
}
console.log(JSON.stringify({
  connect: typeof ConsentClient.connect,
  revenue: typeof RevenueClient.connect,
  ledger: typeof LedgerReader,
  purpose: purposeId("ResearchAndDevelopment"),
  contracts: Object.keys(abis),
  view,
  bogus,
  deployments: DEFAULT_DEPLOYMENTS_DIRECTORY,
  notFound,
}));
`;

describe("the SDK as an npm package", function () {
  this.timeout(120_000);
  let work: string;
  let project: string;
  let tarball: string;
  let packed: string[];
  let node: LocalNode | undefined;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "pack-"));
    const pack = await run("npm", ["pack", "--pack-destination", work, "--json"]);
    expect(pack.status, pack.stderr).to.equal(0);
    // npm prints the prepack build's output before its JSON
    const listing = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("\n[") + 1)) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = path.join(work, listing[0]!.filename);
    packed = listing[0]!.files.map((f) => f.path);
  });

  after(async () => {
    await node?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("npm pack ships compiled JavaScript with declarations, the ABIs and the bindings, and nothing of the build", () => {
    for (const file of [
      "package.json",
      "dist/sdk/index.js",
      "dist/sdk/index.d.ts",
      "dist/sdk/generated/abis.js",
      "dist/sdk/generated/abis.d.ts",
      "dist/typechain-types/factories/consent/ConsentRegistry__factory.js",
      "dist/typechain-types/factories/licensing/DataLicensing__factory.d.ts",
    ]) {
      expect(packed).to.include(file);
    }
    const unexpected = packed.filter(
      (f) =>
        !/^(dist\/(sdk|typechain-types|deployments)\/|package\.json$|README\.md$)/.test(f) ||
        /mocks?\//i.test(f),
    );
    expect(unexpected).to.deep.equal([]);
    expect(
      packed.filter((f) => f.startsWith("dist/deployments/") && !f.endsWith(".json")),
    ).to.deep.equal([]);
  });

  it("needs neither Hardhat nor the repository at run time", async () => {
    for (const file of packed.filter((f) => f.endsWith(".js") || f.endsWith(".d.ts"))) {
      const text = await readFile(file, "utf8"); // dist/ is what npm pack just packed
      expect(text, file).to.not.match(/from ["'](hardhat|@nomicfoundation\/)/);
      expect(text, file).to.not.match(/from ["']\.\.\/\.\.\/\.\.\//);
    }
  });

  it("installs into a fresh TypeScript project, compiles a backend against it and runs it on a local node", async () => {
    project = path.join(work, "backend");
    await mkdir(path.join(project, "src"), { recursive: true });
    await writeFile(
      path.join(project, "package.json"),
      JSON.stringify({
        name: "marketplace-backend",
        version: "1.0.0",
        private: true,
        type: "module",
        // exact versions of the repository's lock file: those are in npm's cache
        dependencies: {
          "citizen-data-ledger": `file:${tarball}`,
          ethers: await versionOf("ethers"),
          zod: await versionOf("zod"),
        },
      }),
    );
    const npmArgs = ["install", "--no-audit", "--no-fund", "--ignore-scripts"];
    let install = await run("npm", [...npmArgs, "--offline"], { cwd: project });
    if (install.status !== 0 && install.stderr.includes("ENOTCACHED")) {
      // This machine's npm cache lacks a package: let npm fetch it from the registry.
      console.log("    (npm cache incomplete: installing with --prefer-offline)");
      install = await run("npm", [...npmArgs, "--prefer-offline"], { cwd: project });
    }
    expect(install.status, install.stderr).to.equal(0);
    // viem is the consumer's own choice; the repository's copy is linked in (its dependency tree is not all in
    // npm's cache, so an offline install of it fails).
    await symlink(
      await realpath(path.join("node_modules", "viem")),
      path.join(project, "node_modules", "viem"),
      "dir",
    );

    for (const example of ["ethers-backend.ts", "viem-backend.ts"]) {
      await copyFile(path.join("examples", example), path.join(project, "src", example));
    }
    await writeFile(path.join(project, "src", "check.ts"), CHECK_SCRIPT);
    await writeFile(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          target: "es2022",
          lib: ["es2023", "dom"],
          strict: true,
          outDir: "build",
          rootDir: "src",
          types: ["node"],
          skipLibCheck: true,
        },
        include: ["src"],
      }),
    );
    const tsc = await run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", project]);
    expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);

    const check = await run(process.execPath, [path.join(project, "build", "check.js")], {
      cwd: project,
    });
    expect(check.status, check.stderr).to.equal(0);
    const checked = JSON.parse(check.stdout) as Record<string, unknown>;
    expect(checked).to.include({
      connect: "function",
      revenue: "function",
      ledger: "function",
      view: "isLicensed",
      bogus: "notAFunction",
    });
    expect(checked.contracts).to.include.members([
      "ConsentRegistry",
      "DataLicensing",
      "RevenuePool",
    ]);
    expect(checked.notFound).to.equal("No deployment of the contracts is known for chain 31337");
    expect(checked.deployments).to.equal(
      path.join(
        await realpath(project),
        "node_modules",
        "citizen-data-ledger",
        "dist",
        "deployments",
      ) + path.sep,
    );

    // A node with the contracts, a consenting citizen and a product, set up with the repository's SDK.
    node = await startNode();
    const rpc = new JsonRpcProvider(node.url, undefined, {
      staticNetwork: true,
      pollingInterval: 50,
    });
    try {
      const deployments = path.join(work, "deployments");
      const [operator, provider] = [await rpc.getSigner(0), await rpc.getSigner(1)];
      const { deployment } = await deploy({
        plan: PLAN,
        inputs: { owner: operator.address as Hex, treasury: operator.address as Hex, feeBps: 0 },
        signer: operator,
        networkName: "localhost",
        deploymentsDir: deployments,
      });
      const citizen = Wallet.createRandom();
      const consent = ConsentClient.connect(deployment, operator);
      const validUntil = BigInt((await rpc.getBlock("latest"))!.timestamp) + 86_400n;
      await consent.grantBySig(
        await consent.signGrant(citizen, {
          grantee: provider.address,
          purpose: "AcademicResearch",
          categories: ["Location"],
          validUntil,
          receiptHash: id("receipt"),
        }),
      );
      const licensing = LicensingClient.connect(deployment, provider);
      const partiesId = await licensing.registerParties({
        city: Wallet.createRandom().address,
        contributors: Wallet.createRandom().address,
      });
      const { productId } = await licensing.publish({
        partiesId,
        token: "native",
        price: PRICE,
        period: 365n * 86_400n,
        renewable: true,
        cityBps: 1_000,
        providerBps: 1_000,
        purposes: ["AcademicResearch"],
        consentGrantee: provider.address,
        metadataURI: "ipfs://survey",
        termsHash: id("terms"),
      });

      for (const [example, key] of [
        ["ethers-backend", NODE_KEYS[3]],
        ["viem-backend", NODE_KEYS[4]],
      ] as const) {
        const ran = await run(process.execPath, [path.join(project, "build", `${example}.js`)], {
          cwd: project,
          env: {
            RPC_URL: node.url,
            BUYER_PRIVATE_KEY: key,
            PRODUCT_ID: productId.toString(),
            PURPOSE: "AcademicResearch",
            COHORT: `${citizen.address},${Wallet.createRandom().address}`,
            DEPLOYMENTS_DIR: deployments,
          },
        });
        expect(ran.status, `${example}: ${ran.stderr}`).to.equal(0);
        const summary = JSON.parse(ran.stdout) as {
          cohort: { consenting: string[] };
          licence: { boughtNow: boolean };
        };
        expect(summary.cohort.consenting, example).to.deep.equal([citizen.address]);
        expect(summary.licence.boughtNow, example).to.equal(true);
        expect(
          await licensing.isLicensed({
            productId,
            licensee: new Wallet(key).address,
            purpose: "AcademicResearch",
          }),
          example,
        ).to.equal(true);
      }
    } finally {
      rpc.destroy();
    }
  });
});
