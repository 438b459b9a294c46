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

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  typechain: { outDir: "typechain-types" },
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
    // Invariant campaigns: 128 runs of 100 calls each keep the Solidity suite near 30 s on two cores.
    solidity: { invariant: { runs: 128, depth: 100 } },
  },
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
