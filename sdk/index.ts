/**
 * Citizen data ledger SDK: clients of the contracts, EIP-712 helpers, the DPV vocabulary, consent receipts,
 * signed requests as JSON, deployment records and typed errors.
 *
 * @example
 * ```ts
 * import { ConsentClient, LicensingClient, RevenueClient, createConsentReceipt, offerTypedData } from "citizen-data-ledger";
 * ```
 */
export * from "./errors.js";
export * from "./dpv.js";
export * from "./receipt.js";
export * from "./consent-typed-data.js";
export * from "./consent.js";
export * from "./licensing-typed-data.js";
export * from "./licensing.js";
export * from "./deployments.js";
export * from "./signed-request-json.js";
export * from "./revenue-typed-data.js";
export * from "./revenue.js";
