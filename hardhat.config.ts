import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { config as loadDotenv } from "dotenv";
import { configVariable, defineConfig } from "hardhat/config";

// RPC URLs and keys come from the environment: a `.env` file (see .env.example; DOTENV_CONFIG_PATH names
// another file) or Hardhat's keystore (`npx hardhat keystore set NAME`). Variables already set in the
// environment win over the file.
loadDotenv({
  quiet: true,
  path: process.env.DOTENV_CONFIG_PATH || fileURLToPath(new URL(".env", import.meta.url)),
});

// No compiler is downloaded: Hardhat runs the WebAssembly build shipped in the
// npm `solc` package, pinned in package.json to the same version as below.
const require = createRequire(import.meta.url);
const SOLC_VERSION = "0.8.30";
const solcPath = require.resolve("solc/soljson.js");

/** CUSTOM_CHAIN_ID as a number when it is a positive whole number; `npm run deploy` explains any other value. */
const customChainId = /^[1-9][0-9]{0,15}$/.test(process.env.CUSTOM_CHAIN_ID ?? "")
  ? Number(process.env.CUSTOM_CHAIN_ID)
  : undefined;

// A coverage run (`--coverage`, or HARDHAT_COVERAGE=true) compiles instrumented contracts. They get
// their own artifacts and cache: `npm test`'s plain pass and its coverage pass each keep their build
// instead of recompiling everything whenever one follows the other, and no instrumented bytecode is
// left where the gas report, the demo or a plain test run would pick it up.
const coverageRun = process.argv.includes("--coverage") || process.env.HARDHAT_COVERAGE === "true";

/** A whole number from the environment, or `fallback` when the variable is unset. */
function fromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number of at least 1, not "${text}"`);
  }
  return value;
}

/** The `audit` profile's campaigns (`npm run audit` prints them in its summary). */
export const AUDIT_CAMPAIGNS = {
  fuzzRuns: fromEnv("AUDIT_FUZZ_RUNS", 5_000),
  invariantRuns: fromEnv("AUDIT_INVARIANT_RUNS", 256),
  invariantDepth: fromEnv("AUDIT_INVARIANT_DEPTH", 500),
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  typechain: { outDir: "typechain-types" },
  ...(coverageRun && { paths: { artifacts: "coverage/artifacts", cache: "coverage/cache" } }),
  solidity: {
    version: SOLC_VERSION,
    path: solcPath,
    settings: {
      // Cancun or later is required: DataLicensing's reentrancy guard uses transient storage (tstore/tload).
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 10_000 },
    },
  },
  test: {
    // Solidity test profiles, chosen with `--test-profile <name>` (or HARDHAT_TEST_PROFILE). Fuzz
    // tests run 256 inputs unless a profile says otherwise. Every profile starts from the same seed.
    solidity: {
      profiles: {
        // `npm test`: invariant campaigns of 128 runs × 100 calls keep the Solidity suite near 30 s
        // on two cores.
        default: { invariant: { runs: 128, depth: 100 } },
        // `npm run coverage`: short campaigns. They add no coverage to what the unit tests reach,
        // and the plain pass of `npm test` runs them at full length.
        coverage: { fuzz: { runs: 32 }, invariant: { runs: 16, depth: 50 } },
        // `npm run audit`: long campaigns (Foundry's invariant defaults, 20 times the fuzz inputs),
        // 11 minutes on two cores shared with other test runs. Override with AUDIT_FUZZ_RUNS,
        // AUDIT_INVARIANT_RUNS and AUDIT_INVARIANT_DEPTH.
        audit: {
          fuzz: { runs: AUDIT_CAMPAIGNS.fuzzRuns },
          invariant: { runs: AUDIT_CAMPAIGNS.invariantRuns, depth: AUDIT_CAMPAIGNS.invariantDepth },
        },
      },
    },
  },
  // Test-only contracts are not instrumented and not reported.
  coverage: { skipFiles: ["contracts/mocks/**"] },
  networks: {
    // `npx hardhat node` on this machine; its unlocked accounts sign.
    localhost: {
      type: "http",
      chainType: "l1",
      url: configVariable("LOCALHOST_RPC_URL", { default: "http://127.0.0.1:8545" }),
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
    // Any other EVM chain: an L2, or a permissioned chain such as Hyperledger Besu.
    custom: {
      type: "http",
      chainType: "generic",
      chainId: customChainId,
      url: configVariable("CUSTOM_RPC_URL"),
      accounts: [configVariable("CUSTOM_PRIVATE_KEY")],
    },
  },
});
