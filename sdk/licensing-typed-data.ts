/**
 * EIP-712 typed data of the DataLicensing contract's signed offers, usable with ethers
 * (`signer.signTypedData`) and viem (`account.signTypedData`, `walletClient.signTypedData`) alike.
 *
 * @module
 */

type Hex = `0x${string}`;

/**
 * The EIP-712 domain of a DataLicensing deployment: `{ name: "DataLicensing", version: "1", chainId,
 * verifyingContract }`. Read it from the contract with `LicensingClient.domain()`.
 *
 * @example
 * ```ts
 * const domain: LicensingDomain = { name: "DataLicensing", version: "1", chainId: 11155111n, verifyingContract: licensing };
 * ```
 */
export interface LicensingDomain {
  readonly name: string;
  readonly version: string;
  readonly chainId: bigint;
  readonly verifyingContract: Hex;
}

/**
 * EIP-712 struct definition of an offer, `as const` for viem's type inference. It matches the contract's
 * `Offer(uint256 productId,address buyer,bytes32 purpose,uint96 price,uint64 period,uint256 nonce,uint256 deadline)`.
 *
 * @example
 * ```ts
 * const signature = await signer.signTypedData(domain, { Offer: [...OFFER_TYPES.Offer] }, offer);
 * ```
 */
export const OFFER_TYPES = {
  Offer: [
    { name: "productId", type: "uint256" },
    { name: "buyer", type: "address" },
    { name: "purpose", type: "bytes32" },
    { name: "price", type: "uint96" },
    { name: "period", type: "uint64" },
    { name: "termsVersion", type: "uint32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/**
 * A price the provider offers one buyer for one purpose, as signed and as passed to `acceptOffer`.
 *
 * @example
 * ```ts
 * const offer: Offer = {
 *   productId: 1n, buyer, purpose: purposeId("ResearchAndDevelopment"),
 *   price: 500n * 10n ** 18n, period: 0n, termsVersion: 1, nonce: 1n, deadline: 1_900_000_000n,
 * };
 * ```
 */
export interface Offer {
  productId: bigint;
  /** The only account that may accept the offer. */
  buyer: Hex;
  /** The purpose's `bytes32` id. */
  purpose: Hex;
  /** What the buyer pays, in the product's token (`uint96`). */
  price: bigint;
  /** Licence length in seconds; 0 = perpetual (`uint64`). */
  period: bigint;
  /** The product terms version the offer is made under (`uint32`); a later terms update voids the offer. */
  termsVersion: number;
  /** Any number, to make otherwise equal offers distinct. */
  nonce: bigint;
  /** Last second (unix time) the offer can be accepted. */
  deadline: bigint;
}

/**
 * Everything a wallet needs to sign an offer.
 *
 * @example
 * ```ts
 * const typed: OfferTypedData = offerTypedData(await licensing.domain(), offer);
 * ```
 */
export interface OfferTypedData {
  domain: LicensingDomain;
  types: typeof OFFER_TYPES;
  primaryType: "Offer";
  message: Offer;
}

/**
 * Builds the typed data of an offer, in the shape viem's `signTypedData` takes; for ethers pass `domain`,
 * `types` and `message` to `signer.signTypedData`.
 *
 * @example
 * ```ts
 * const typed = offerTypedData(await licensing.domain(), offer);
 * const signature = await privateKeyToAccount(key).signTypedData(typed); // viem
 * const same = await signer.signTypedData(typed.domain, { Offer: [...typed.types.Offer] }, typed.message); // ethers
 * await licensing.withRunner(buyer).acceptOffer({ offer, signature });
 * ```
 */
export function offerTypedData(domain: LicensingDomain, offer: Offer): OfferTypedData {
  return { domain, types: OFFER_TYPES, primaryType: "Offer", message: offer };
}

/**
 * EIP-2612 `Permit` struct definition, `as const`: what a token holder signs so the licensing contract can take
 * payment without a prior approval.
 *
 * @example
 * ```ts
 * const signature = await signer.signTypedData(tokenDomain, { Permit: [...PERMIT_TYPES.Permit] }, permit);
 * ```
 */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;
