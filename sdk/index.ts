/**
 * Citizen data ledger SDK: clients of the contracts, EIP-712 helpers, the DPV vocabulary, consent receipts
 * and typed errors.
 *
 * @example
 * ```ts
 * import { ConsentClient, LicensingClient, RevenueClient, createConsentReceipt, offerTypedData } from "./sdk/index.js";
 * ```
 */
export * from "./errors.js";
export * from "./dpv.js";
export * from "./receipt.js";
export * from "./consent-typed-data.js";
export * from "./consent.js";
export * from "./licensing-typed-data.js";
export * from "./licensing.js";
export * from "./revenue-typed-data.js";
export * from "./revenue.js";
