import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

// No compiler is downloaded: Hardhat runs the WebAssembly build shipped in the
// npm `solc` package, pinned in package.json to the same version as below.
const require = createRequire(import.meta.url);
const SOLC_VERSION = "0.8.30";
const solcPath = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  typechain: { outDir: "typechain-types" },
  solidity: {
    version: SOLC_VERSION,
    path: solcPath,
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 10_000 },
    },
  },
  test: {
    // Invariant campaigns: 128 runs of 100 calls each keep the Solidity suite near 30 s on two cores.
    solidity: { invariant: { runs: 128, depth: 100 } },
  },
  networks: {
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
  },
});
