import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { measureConsentRegistry } from "./consent.js";
import { measureDataLicensing } from "./licensing.js";
import { measureRevenuePool } from "./revenue.js";
import type { GasMeasurement } from "./types.js";

/**
 * Measures every contract's operations, each contract on its own fresh deployment. The gas report
 * (`npm run gas`), the snapshot (`npm run gas:snapshot`) and its check in the tests all measure
 * through this list: a new contract's measurements are added here, once.
 */
export async function measureAll(ethers: HardhatEthers): Promise<GasMeasurement[]> {
  return [
    ...(await measureConsentRegistry(ethers)),
    ...(await measureDataLicensing(ethers)),
    ...(await measureRevenuePool(ethers)),
  ];
}
