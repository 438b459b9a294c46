/**
 * Client of the DataLicensing contract: data products, purpose-bound licences (purchase, subscription,
 * signed offer, public interest), revocation and revenue withdrawal.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import {
  AbiCoder,
  Signature,
  isHexString,
  keccak256,
  type ContractRunner,
  type LogDescription,
  type Result,
  type Signer,
} from "ethers";
import type { DataLicensing, IDataLicensing } from "../typechain-types/licensing/DataLicensing.js";
import { DataLicensing__factory } from "../typechain-types/factories/licensing/DataLicensing__factory.js";
import { RevenuePool__factory } from "../typechain-types/factories/revenue/RevenuePool__factory.js";
import {
  ContractClient,
  ZERO_ADDRESS,
  enumName,
  nullIfZero,
  signTypedDataWith,
  toAddress,
  toBool,
  toBytes32,
  toDomain,
  toNonZeroAddress,
  toPurposeId,
  tokenOf,
  toToken,
  toUint,
  type PurposeInput,
  type RevertSource,
  type TransactionInfo,
} from "./contract-client.js";
import { resolveContract, type ConnectOptions, type ContractTarget } from "./deployments.js";
import type { Hex } from "./dpv.js";
import { ERC20_ABI, Erc20 } from "./erc20.js";
import { CitizenDataError, ContractRevertError, InvalidInputError } from "./errors.js";
import { REVENUE_ERROR_EXPLANATIONS } from "./revenue.js";
import {
  PERMIT_TYPES,
  offerTypedData,
  type LicensingDomain,
  type Offer,
} from "./licensing-typed-data.js";

/**
 * How a product is paid: `"native"` for the chain's coin, or an ERC-20 token's address.
 *
 * @example
 * ```ts
 * const token: PaymentToken = "native";
 * const euro: PaymentToken = "0x…"; // an ERC-20 (with EIP-2612 permit for buyWithPermit)
 * ```
 */
export type PaymentToken = "native" | Hex;

/**
 * A party a product's revenue is split between (the contract's `Role`).
 *
 * @example
 * ```ts
 * const { amount } = await licensing.withdraw({ productId, role: "contributors" });
 * ```
 */
export type RevenueRole = "platform" | "city" | "provider" | "contributors";
const ROLES: readonly RevenueRole[] = ["platform", "city", "provider", "contributors"];

/**
 * How a licence was obtained or extended (the contract's `Model`).
 *
 * @example
 * ```ts
 * if (issued.model === "publicInterest") console.log("free licence for a public-interest seeker");
 * ```
 */
export type LicenceModel = "purchase" | "renewal" | "offer" | "publicInterest";
const MODELS: readonly LicenceModel[] = ["purchase", "renewal", "offer", "publicInterest"];

/**
 * A licence's status (the contract's `LicenceStatus`): `"none"` if it was never issued.
 *
 * @example
 * ```ts
 * const { status } = await licensing.getLicence({ productId, licensee, purpose: "ResearchAndDevelopment" });
 * ```
 */
export type LicenceStatus = "none" | "active" | "cancelled" | "revoked";
const STATUSES: readonly LicenceStatus[] = ["none", "active", "cancelled", "revoked"];

/**
 * The `expiresAt` of a perpetual licence: `type(uint64).max`.
 *
 * @example
 * ```ts
 * const perpetual = licence.expiresAt === PERPETUAL;
 * ```
 */
export const PERPETUAL = 2n ** 64n - 1n;

/**
 * The most one product's city and provider shares may add up to: 100%, in basis points.
 *
 * @example
 * ```ts
 * const contributorsBps = MAX_BPS - cityBps - providerBps;
 * ```
 */
export const MAX_BPS = 10_000;

/**
 * Who a product's revenue is paid to.
 *
 * @example
 * ```ts
 * const { parties } = await licensing.getProduct(productId);
 * console.log(parties.city);
 * ```
 */
export interface Parties {
  /** The provider, who registered the record and manages the products. */
  provider: Hex;
  /** The city's account, paid the city share. */
  city: Hex;
  /** The account paid the contributors' share (a revenue pool). */
  contributors: Hex;
}

/**
 * How one payment was divided; the four shares add up to `price`, to the wei.
 *
 * @example
 * ```ts
 * const { sale } = await licensing.buy({ productId, purpose: "ResearchAndDevelopment", maxPrice });
 * sale.platformFee + sale.cityShare + sale.providerShare + sale.contributorsShare === sale.price; // true
 * ```
 */
export interface Sale {
  price: bigint;
  platformFee: bigint;
  cityShare: bigint;
  providerShare: bigint;
  contributorsShare: bigint;
}

/**
 * A product's terms as the contract stores them.
 *
 * @example
 * ```ts
 * const terms: ProductTerms = await licensing.getProduct(1n);
 * ```
 */
export interface ProductTerms {
  productId: bigint;
  /** `"native"`, or the ERC-20 token's address. */
  token: PaymentToken;
  /** Price of one licence (per period, for a subscription), in the token's smallest unit. */
  price: bigint;
  partiesId: number;
  /** Licence length in seconds; 0 = perpetual. */
  period: bigint;
  termsVersion: number;
  cityBps: number;
  providerBps: number;
  renewable: boolean;
  paused: boolean;
  /** How many purposes the current terms allow. */
  purposeCount: number;
  /**
   * The revenue pool the product pays into, or `0n`. A pool product's sales are split by the pool's shares
   * (see {@link RevenueClient}), and its own `cityBps` and `providerBps` are zero.
   */
  poolId: bigint;
}

/**
 * A product as published, decoded from a `ProductPublished` event.
 *
 * @example
 * ```ts
 * const { productId, termsVersion } = await licensing.publish({ … });
 * ```
 */
export interface PublishedProduct extends ProductTerms, TransactionInfo {
  provider: Hex;
  /** The purposes allowed at publication (`bytes32` ids). */
  purposes: Hex[];
  consentGrantee: Hex;
  metadataURI: string;
  termsHash: Hex;
}

/**
 * A product with its parties and the terms the chain's events record: current purposes, consent grantee,
 * metadata URI, terms hash and arbiter.
 *
 * @example
 * ```ts
 * const product: ProductDetails = await licensing.getProduct(productId);
 * ```
 */
export interface ProductDetails extends ProductTerms {
  parties: Parties;
  /** The purposes allowed now (`bytes32` ids), rebuilt from the publication and every terms update. */
  purposes: Hex[];
  /** The account citizens grant consent to for this product's data (set at publication). */
  consentGrantee: Hex;
  /** The latest metadata URI (from publication or the latest terms update). */
  metadataURI: string;
  /** Hash of the current terms document. */
  termsHash: Hex;
  /** Who may revoke licences besides the provider; null when none. */
  arbiter: Hex | null;
}

/**
 * A terms update, decoded from a `TermsUpdated` event.
 *
 * @example
 * ```ts
 * const { termsVersion } = await licensing.updateTerms({ productId, price: 2_000n, termsHash });
 * ```
 */
export interface UpdatedTerms extends TransactionInfo {
  productId: bigint;
  /** The new terms version. */
  termsVersion: number;
  price: bigint;
  period: bigint;
  renewable: boolean;
  allowedPurposes: Hex[];
  disallowedPurposes: Hex[];
  metadataURI: string;
  termsHash: Hex;
}

/**
 * A pause or resumption of sales, decoded from a `ProductPaused` event.
 *
 * @example
 * ```ts
 * const { paused } = await licensing.setPaused({ productId, paused: true });
 * ```
 */
export interface PauseChanged extends TransactionInfo {
  productId: bigint;
  paused: boolean;
}

/**
 * An arbiter appointment, decoded from an `ArbiterSet` event; `arbiter` is null when removed.
 *
 * @example
 * ```ts
 * const { arbiter } = await licensing.setArbiter({ productId, arbiter: ombudsman });
 * ```
 */
export interface ArbiterChanged extends TransactionInfo {
  productId: bigint;
  arbiter: Hex | null;
}

/**
 * A public-interest eligibility change, decoded from an `EligibilitySet` event.
 *
 * @example
 * ```ts
 * await licensing.setEligibility({ productId, seeker: university, purpose: "AcademicResearch", eligible: true });
 * ```
 */
export interface EligibilityChanged extends TransactionInfo {
  productId: bigint;
  seeker: Hex;
  purpose: Hex;
  eligible: boolean;
}

/**
 * A licence issued or renewed, decoded from a `LicenceIssued` event, with its id.
 *
 * @example
 * ```ts
 * const { licenceId, expiresAt, sale } = await licensing.buy({ productId, purpose: "ResearchAndDevelopment", maxPrice });
 * ```
 */
export interface IssuedLicence extends TransactionInfo {
  /** `keccak256(abi.encode(productId, licensee, purpose))`. */
  licenceId: Hex;
  productId: bigint;
  licensee: Hex;
  purpose: Hex;
  model: LicenceModel;
  termsVersion: number;
  /** Last second (inclusive) the licence is valid; {@link PERPETUAL} if it never expires. */
  expiresAt: bigint;
  /** How the payment was divided (all zero for a public-interest licence). */
  sale: Sale;
}

/**
 * A licence the licensee cancelled, decoded from a `LicenceCancelled` event.
 *
 * @example
 * ```ts
 * const { licenceId } = await licensing.cancel({ productId, purpose: "ResearchAndDevelopment" });
 * ```
 */
export interface CancelledLicence extends TransactionInfo {
  licenceId: Hex;
  productId: bigint;
  licensee: Hex;
  purpose: Hex;
}

/**
 * A licence revoked for breach, decoded from a `LicenceRevoked` event.
 *
 * @example
 * ```ts
 * const { revokedBy, refund } = await licensing.revoke({ productId, licensee, purpose, reason, evidenceHash });
 * ```
 */
export interface RevokedLicence extends CancelledLicence {
  revokedBy: Hex;
  reason: string;
  evidenceHash: Hex;
  /** What the provider refunded to the licensee (0 when nothing). */
  refund: bigint;
}

/**
 * An offer the provider withdrew, decoded from an `OfferCancelled` event.
 *
 * @example
 * ```ts
 * const { offerHash } = await licensing.cancelOffer(offer);
 * ```
 */
export interface CancelledOffer extends TransactionInfo {
  offerHash: Hex;
  productId: bigint;
}

/**
 * A payment of what a product owed a party, decoded from a `RevenueWithdrawn` event.
 *
 * @example
 * ```ts
 * const { amount, to } = await licensing.withdraw({ productId, role: "city" });
 * ```
 */
export interface RevenueWithdrawal extends TransactionInfo {
  productId: bigint;
  role: RevenueRole;
  /** The party's recorded account, which was paid. */
  to: Hex;
  amount: bigint;
}

/**
 * A platform fee change, decoded from a `PlatformFeeSet` event.
 *
 * @example
 * ```ts
 * const { previousFeeBps, feeBps } = await licensing.withRunner(owner).setPlatformFee({ feeBps: 300 });
 * ```
 */
export interface PlatformFeeChanged extends TransactionInfo {
  previousFeeBps: number;
  feeBps: number;
}

/**
 * A platform treasury change, decoded from a `PlatformTreasurySet` event.
 *
 * @example
 * ```ts
 * const { treasury } = await licensing.withRunner(owner).setPlatformTreasury({ treasury: newTreasury });
 * ```
 */
export interface PlatformTreasuryChanged extends TransactionInfo {
  previousTreasury: Hex;
  treasury: Hex;
}

/**
 * A licence's stored record, and whether it is in force now.
 *
 * @example
 * ```ts
 * const licence: LicenceState = await licensing.getLicence({ productId, licensee, purpose: "ResearchAndDevelopment" });
 * ```
 */
export interface LicenceState {
  licenceId: Hex;
  status: LicenceStatus;
  /** Last second (inclusive) the licence is valid; {@link PERPETUAL} if perpetual; 0 if never issued. */
  expiresAt: bigint;
  perpetual: boolean;
  /** The terms version it was bought (or last renewed) under; 0 if never issued. */
  termsVersion: number;
  /** Active and unexpired at the latest block (the contract's `isLicensed`). */
  inForce: boolean;
}

/**
 * What a product owes each party now, in the product's token.
 *
 * @example
 * ```ts
 * const { contributors } = await licensing.owed(productId);
 * ```
 */
export interface Owed {
  platform: bigint;
  city: bigint;
  provider: bigint;
  contributors: bigint;
}

/**
 * An offer and the provider's signature over it, ready for the buyer to accept.
 *
 * @example
 * ```ts
 * const signed: SignedOffer = await licensing.signOffer(providerSigner, { productId, buyer, purpose: "CommercialResearch", price, period: 0n });
 * ```
 */
export interface SignedOffer {
  offer: Offer;
  signature: Hex;
}

/**
 * Plain-language explanation of every error a DataLicensing call can revert with: the contract's own,
 * OpenZeppelin's, and those of the ERC-20 token it moves (ERC-6093, ERC-2612).
 *
 * @example
 * ```ts
 * LICENSING_ERROR_EXPLANATIONS.DataLicensingOfferExpired; // "The offer's deadline has passed; …"
 * ```
 */
export const LICENSING_ERROR_EXPLANATIONS: Readonly<Record<string, string>> = {
  DataLicensingUnknownProduct: "No product with that id has been published.",
  DataLicensingUnknownParties:
    "No parties record with that id is registered; register the parties first.",
  DataLicensingNotProvider:
    "Only the provider that registered the parties (and owns the product) may do this.",
  DataLicensingNotProviderOrArbiter:
    "Only the product's provider or its appointed arbiter may revoke a licence.",
  DataLicensingZeroAddress: "An address that must be set is the zero address.",
  DataLicensingInvalidSplit:
    "The city and provider shares add up to more than 100% (10,000 basis points).",
  DataLicensingInvalidPurposes:
    "A product must allow at least one purpose, and a purpose id cannot be zero.",
  DataLicensingMissingTermsHash: "The hash of the terms document is required.",
  DataLicensingProductPaused:
    "The provider has paused sales of this product (licences already sold stay valid).",
  DataLicensingPurposeNotAllowed:
    "The product's current terms do not allow this purpose; pick one of the product's purposes.",
  DataLicensingPriceAboveLimit:
    "The product's price is above the most the buyer accepted to pay (maxPrice).",
  DataLicensingAlreadyLicensed:
    "The buyer already holds an active, unexpired licence for this purpose: renew it instead, or wait until it expires.",
  DataLicensingLicenceRevoked:
    "This licence was revoked for breach; the licensee cannot obtain it again.",
  DataLicensingNoActiveLicence:
    "There is no active licence to act on (never issued, cancelled or revoked).",
  DataLicensingNotRenewable:
    "The product's licences cannot be renewed (not a subscription, or perpetual): buy a new licence when it expires.",
  DataLicensingOfferExpired: "The offer's deadline has passed; ask the provider for a new offer.",
  DataLicensingOfferUsed:
    "The offer was already accepted or cancelled; each signed offer can be used once.",
  DataLicensingWrongBuyer: "The offer names another buyer; only that account may accept it.",
  DataLicensingInvalidOfferSignature:
    "The signature is not the provider's for this offer, chain and contract.",
  DataLicensingNotEligible:
    "The provider has not made this account eligible for a free public-interest licence for this purpose.",
  DataLicensingFeeAboveCap: "The platform fee cannot exceed the cap (MAX_PLATFORM_FEE_BPS, 10%).",
  DataLicensingInsufficientPayment:
    "The native coin sent does not match what is due (the price, or for a revocation the refund).",
  DataLicensingUnexpectedValue:
    "Native coin was sent with a call that takes none (a product paid in an ERC-20 token, or nothing due).",
  DataLicensingTransferShortfall:
    "The token delivered less than was transferred (a fee-on-transfer or deflationary token), which the contract refuses.",
  DataLicensingNativeTransferFailed: "The recipient refused the native coin sent to it.",
  DataLicensingPermitUnsupported:
    "The product is paid in the native coin, which has no permit; use buy instead.",
  DataLicensingNothingToWithdraw: "The product owes this party nothing at the moment.",
  DataLicensingRefundMismatch:
    "The native coin sent with a revocation must be exactly the refund named.",
  DataLicensingOfferTermsChanged:
    "The provider updated the product's terms after making this offer; ask the provider for a new offer.",
  DataLicensingRefundByProviderOnly:
    "Only the provider may refund, from its own funds; an arbiter can revoke without a refund.",
  DataLicensingNoRevenuePool:
    "The platform has not yet named the RevenuePool contract, so no product can pay into a pool yet.",
  DataLicensingRevenuePoolAlreadySet:
    "The RevenuePool contract is named once and cannot be changed: buyers and pool members rely on where the money goes.",
  DataLicensingPoolMismatch:
    "The product cannot pay into the pool it names. Reason 0: the pool belongs to another provider; 1: the pool is paid in another token; 2: the parties name another city than the pool; 3: the parties' contributors must be the RevenuePool contract; 4: cityBps and providerBps must be zero (the pool's shares apply).",
  OwnableUnauthorizedAccount: "Only the platform owner may do this.",
  OwnableInvalidOwner: "The new owner cannot be the zero address.",
  SafeERC20FailedOperation:
    "The token refused the transfer or approval (it returned false, or is not a token).",
  ReentrancyGuardReentrantCall: "The contract was called again from within one of its own calls.",
  SafeCastOverflowedUintDowncast:
    "A number overflowed its on-chain size: for a licence, the new expiry does not fit (renewing a perpetual licence, or a period too long); for a product that pays into a revenue pool, the sale would overflow the pool's running totals (see REVENUE_ERROR_EXPLANATIONS).",
  InvalidShortString: "A string given to the constructor is too long.",
  StringTooLong: "A string given to the constructor is too long.",
  ERC20InsufficientBalance: "The payer's token balance is below the amount to transfer.",
  ERC20InsufficientAllowance:
    "The licensing contract is not approved for enough of the payer's tokens; approve it first (or use a permit).",
  ERC20InvalidSender: "The token refuses transfers from the zero address.",
  ERC20InvalidReceiver: "The token refuses transfers to this receiver.",
  ERC20InvalidApprover: "The token refuses approvals from the zero address.",
  ERC20InvalidSpender: "The token refuses approvals to the zero address.",
  ERC2612ExpiredSignature: "The permit's deadline has passed.",
  ERC2612InvalidSigner: "The permit was not signed by the token owner.",
  InvalidAccountNonce: "The permit's nonce is not the owner's current one.",
};

const LICENSING_SOURCE: RevertSource = {
  contractName: "DataLicensing",
  abi: DataLicensing__factory.abi,
  explanations: LICENSING_ERROR_EXPLANATIONS,
};
const TOKEN_SOURCE: RevertSource = {
  contractName: "The payment token",
  abi: ERC20_ABI,
  explanations: LICENSING_ERROR_EXPLANATIONS,
};
/**
 * A pool product's sale calls the RevenuePool contract, whose revert data bubbles up through DataLicensing. Last,
 * so that an error another source also knows (OpenZeppelin's, a permit's InvalidAccountNonce) keeps its licensing
 * explanation: only the RevenuePool's own errors are decoded here.
 */
const POOL_SOURCE: RevertSource = {
  contractName: "RevenuePool",
  abi: RevenuePool__factory.abi,
  explanations: REVENUE_ERROR_EXPLANATIONS,
};

/**
 * A licence's id: `keccak256(abi.encode(productId, licensee, purpose))`, as the contract's `licenceIdOf`.
 *
 * @example
 * ```ts
 * const id = computeLicenceId(1n, buyer, purposeId("ResearchAndDevelopment"));
 * ```
 */
export function computeLicenceId(productId: bigint, licensee: string, purpose: string): Hex {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "bytes32"],
      [productId, toAddress(licensee, "licensee"), toBytes32(purpose, "purpose")],
    ),
  ) as Hex;
}

function toProductId(value: bigint | number): bigint {
  return toUint(value, 256, "productId");
}

function toBps(value: number | bigint, field: string): number {
  const bps = toUint(value, 16, field, "a number of basis points");
  if (bps > BigInt(MAX_BPS)) {
    throw new InvalidInputError(`${field} must be at most ${MAX_BPS} basis points (100%)`, {
      details: `got ${bps}`,
    });
  }
  return Number(bps);
}

function toTermsHash(value: string): Hex {
  const hash = toBytes32(value, "termsHash");
  if (BigInt(hash) === 0n) {
    throw new InvalidInputError(
      "termsHash must not be zero: it is the hash of the terms document buyers agree to",
    );
  }
  return hash;
}

function toPurposeIds(purposes: readonly PurposeInput[], field: string): Hex[] {
  if (!Array.isArray(purposes)) {
    throw new InvalidInputError(`${field} must be a list of purposes`);
  }
  return purposes.map((purpose: PurposeInput, i) => {
    const id = toPurposeId(purpose);
    if (BigInt(id) === 0n) throw new InvalidInputError(`${field}[${i}] must not be the zero id`);
    return id;
  });
}

function toText(value: string, field: string): string {
  if (typeof value !== "string") {
    throw new InvalidInputError(`${field} must be a string`, { details: `got ${typeof value}` });
  }
  return value;
}

function toRole(role: RevenueRole): number {
  const index = ROLES.indexOf(role);
  if (index < 0) {
    throw new InvalidInputError(`role must be one of ${ROLES.map((r) => `"${r}"`).join(", ")}`, {
      details: `got ${JSON.stringify(role)}`,
    });
  }
  return index;
}

function toOffer(offer: Offer): Offer {
  if (offer === null || typeof offer !== "object") {
    throw new InvalidInputError("offer must be an offer object (as signOffer returns it)");
  }
  return {
    productId: toUint(offer.productId, 256, "offer.productId"),
    buyer: toAddress(offer.buyer, "offer.buyer"),
    purpose: toBytes32(offer.purpose, "offer.purpose"),
    price: toUint(offer.price, 96, "offer.price"),
    period: toUint(offer.period, 64, "offer.period", "a number of seconds"),
    termsVersion: Number(toUint(offer.termsVersion, 32, "offer.termsVersion")),
    nonce: toUint(offer.nonce, 256, "offer.nonce"),
    deadline: toUint(offer.deadline, 256, "offer.deadline", "a unix time in seconds"),
  };
}

function priceAboveLimit(price: bigint, maxPrice: bigint, productId: bigint): InvalidInputError {
  return new InvalidInputError(
    `maxPrice ${maxPrice} is below the current price ${price} of product ${productId}: nothing was sent`,
    { details: "Raise maxPrice if you accept the new price." },
  );
}

/**
 * Client of a DataLicensing deployment.
 *
 * Providers register who their products pay, publish products, update terms, pause sales, appoint an arbiter,
 * make seekers eligible for free public-interest licences, sign offers and revoke licences for breach. Buyers
 * buy (with an approval or an EIP-2612 permit, or in the native coin), renew subscriptions, accept offers,
 * claim public-interest licences and cancel. Anyone can pay a product's parties what it owes them.
 *
 * Every write checks its input before sending (an {@link InvalidInputError} names the field), returns the
 * decoded event with `{ transactionHash, blockNumber, gasUsed }` once the receipt is in, and turns a revert
 * into a {@link ContractRevertError} (the contract's errors, OpenZeppelin's and the token's, each explained).
 *
 * @example
 * ```ts
 * const provider = LicensingClient.connect(licensingAddress, providerSigner);
 * const partiesId = await provider.registerParties({ city, contributors: pool });
 * const { productId } = await provider.publish({
 *   partiesId, token: euroToken, price: 1_000n * 10n ** 18n, period: 30n * 86_400n, renewable: true,
 *   cityBps: 2_000, providerBps: 3_000, purposes: ["ResearchAndDevelopment", "ImproveTransportMobility"],
 *   consentGrantee: provider.address, metadataURI: "ipfs://…", termsHash,
 * });
 * const buyer = provider.withRunner(buyerSigner);
 * const { licenceId, sale } = await buyer.buy({ productId, purpose: "ResearchAndDevelopment", maxPrice: 1_000n * 10n ** 18n, approve: true });
 * ```
 */
export class LicensingClient extends ContractClient<DataLicensing> {
  private constructor(contract: DataLicensing, fromBlock = 0) {
    super(contract, [LICENSING_SOURCE, TOKEN_SOURCE, POOL_SOURCE], fromBlock);
  }

  /**
   * Connects to a DataLicensing contract through `runner` (a signer to write, a provider to read). `target` is
   * the contract's address, or a chain id whose deployment record (`deployments/<network>.json`) names it, or
   * a loaded {@link Deployment}.
   *
   * @throws {DeploymentNotFoundError} When a chain id is given and no DataLicensing deployment is recorded for it.
   * @example
   * ```ts
   * const licensing = LicensingClient.connect("0x…", signer);
   * const onSepolia = LicensingClient.connect(11155111n, signer);
   * ```
   */
  static connect(
    target: ContractTarget,
    runner: ContractRunner,
    options: ConnectOptions = {},
  ): LicensingClient {
    const { address, fromBlock } = resolveContract(
      target,
      "DataLicensing",
      "licensing address",
      options,
    );
    return new LicensingClient(DataLicensing__factory.connect(address, runner), fromBlock);
  }

  /**
   * Connects to the DataLicensing contract recorded for the runner's chain (its provider is asked for the
   * chain id).
   *
   * @throws {DeploymentNotFoundError} When no DataLicensing deployment is recorded for that chain.
   * @example
   * ```ts
   * const licensing = await LicensingClient.fromDeployment(signer);
   * ```
   */
  static async fromDeployment(
    runner: ContractRunner,
    options: ConnectOptions = {},
  ): Promise<LicensingClient> {
    return LicensingClient.connect(await ContractClient.chainIdOf(runner), runner, options);
  }

  /**
   * The same client acting through another signer or provider.
   *
   * @example
   * ```ts
   * const asBuyer = licensing.withRunner(buyerSigner);
   * ```
   */
  withRunner(runner: ContractRunner): LicensingClient {
    return new LicensingClient(this.contract.connect(runner), this.fromBlock);
  }

  // ---------------------------------------------------------------- provider side

  /**
   * Registers who the signer's products pay (the signer is the provider) and returns the record's id.
   * Registering the same city and contributors again sends nothing and returns the existing id (the contract
   * would return it too, but without an event).
   *
   * @example
   * ```ts
   * const partiesId = await licensing.registerParties({ city: cityTreasury, contributors: citizensPool });
   * ```
   */
  async registerParties(params: { city: string; contributors: string }): Promise<number> {
    const city = toNonZeroAddress(params.city, "city");
    const contributors = toNonZeroAddress(params.contributors, "contributors");
    this.signer(); // the provider is the caller: refuse a provider-only client before reading
    // The contract answers the existing id for known parties and the next id otherwise; only the latter exists
    // nowhere yet, so an id that getParties knows means "already registered".
    const id = await this.read(() => this.contract.registerParties.staticCall(city, contributors));
    try {
      await this.contract.getParties(id);
      return Number(id);
    } catch (error) {
      const decoded = this.decode(error);
      if (!ContractClient.isRevert(decoded, "DataLicensingUnknownParties")) throw decoded;
    }
    return this.write(
      () => this.contract.registerParties(city, contributors),
      "PartiesRegistered",
      (log) => Number(log.args.getValue("partiesId")),
    );
  }

  /**
   * Publishes a product; the signer must be the provider of `partiesId`. Purposes may be DPV names, IRIs or
   * `bytes32` ids. `period` is in seconds (0 = perpetual); `cityBps` and `providerBps` are the city's and
   * provider's shares of each sale after the platform fee, the contributors taking the rest.
   *
   * @example
   * ```ts
   * const { productId } = await licensing.publish({
   *   partiesId, token: "native", price: 10n ** 17n, period: 0n, renewable: false,
   *   cityBps: 2_500, providerBps: 2_500, purposes: ["ResearchAndDevelopment"],
   *   consentGrantee: providerAddress, metadataURI: "ipfs://bafy…", termsHash: keccak256(termsPdf),
   * });
   * ```
   *
   * A product that pays into a revenue pool names it with `poolId` and leaves `cityBps` and `providerBps` out
   * (the pool's shares apply); its parties must name the pool's city and the RevenuePool contract.
   */
  async publish(params: {
    partiesId: number | bigint;
    token: PaymentToken | (string & {});
    price: bigint | number;
    period: bigint | number;
    renewable: boolean;
    /** Required unless `poolId` is given. */
    cityBps?: number | bigint;
    /** Required unless `poolId` is given. */
    providerBps?: number | bigint;
    purposes: readonly PurposeInput[];
    consentGrantee: string;
    metadataURI: string;
    termsHash: string;
    /** The revenue pool the product pays into (default: none). */
    poolId?: number | bigint;
  }): Promise<PublishedProduct> {
    const poolId = params.poolId === undefined ? 0n : toUint(params.poolId, 64, "poolId");
    if (poolId === 0n && (params.cityBps === undefined || params.providerBps === undefined)) {
      throw new InvalidInputError(
        "cityBps and providerBps are required for a product without a revenue pool (give both, or a poolId)",
      );
    }
    const cityBps = toBps(params.cityBps ?? 0, "cityBps");
    const providerBps = toBps(params.providerBps ?? 0, "providerBps");
    if (poolId !== 0n && (cityBps !== 0 || providerBps !== 0)) {
      throw new InvalidInputError(
        "a product that pays into a revenue pool is split by the pool's shares: leave cityBps and providerBps out",
        { details: `poolId ${poolId}, cityBps ${cityBps}, providerBps ${providerBps}` },
      );
    }
    if (cityBps + providerBps > MAX_BPS) {
      throw new InvalidInputError(
        `cityBps + providerBps must be at most ${MAX_BPS} (100%); the contributors take the rest`,
        { details: `got ${cityBps} + ${providerBps} = ${cityBps + providerBps}` },
      );
    }
    const purposes = toPurposeIds(params.purposes, "purposes");
    if (purposes.length === 0) {
      throw new InvalidInputError("purposes must list at least one purpose the product allows");
    }
    const args = {
      partiesId: toUint(params.partiesId, 32, "partiesId"),
      token: toToken(params.token),
      price: toUint(params.price, 96, "price"),
      period: toUint(params.period, 64, "period", "a number of seconds"),
      renewable: toBool(params.renewable, "renewable"),
      cityBps,
      providerBps,
      purposes,
      consentGrantee: toNonZeroAddress(params.consentGrantee, "consentGrantee"),
      metadataURI: toText(params.metadataURI, "metadataURI"),
      termsHash: toTermsHash(params.termsHash),
      poolId,
    };
    return this.write(
      () => this.contract.publish(args),
      "ProductPublished",
      (log, info) => {
        const a = log.args;
        return {
          ...info,
          ...productTermsOf(
            a.getValue("productId") as bigint,
            a.getValue("product") as IDataLicensing.ProductStructOutput,
          ),
          provider: a.getValue("provider") as Hex,
          purposes: [...(a.getValue("purposes") as Hex[])],
          consentGrantee: a.getValue("consentGrantee") as Hex,
          metadataURI: a.getValue("metadataURI") as string,
          termsHash: a.getValue("termsHash") as Hex,
        };
      },
    );
  }

  /**
   * Makes a new version of a product's terms; sales after it use them, licences sold before keep theirs.
   * Only what is given changes: price, period, renewable and metadataURI default to the current ones
   * (read from the chain), and the purposes stay as they are except those listed in `allowPurposes` or
   * `disallowPurposes`. `termsHash` (the new terms document's hash) is always required. An update that
   * lists a purpose in both lists, or would leave the product with no allowed purpose, is refused.
   *
   * @example
   * ```ts
   * const { termsVersion } = await licensing.updateTerms({
   *   productId, price: 1_200n * 10n ** 18n, allowPurposes: ["AcademicResearch"], termsHash: newTermsHash,
   * });
   * ```
   */
  async updateTerms(params: {
    productId: bigint | number;
    price?: bigint | number;
    period?: bigint | number;
    renewable?: boolean;
    allowPurposes?: readonly PurposeInput[];
    disallowPurposes?: readonly PurposeInput[];
    metadataURI?: string;
    termsHash: string;
  }): Promise<UpdatedTerms> {
    const productId = toProductId(params.productId);
    const termsHash = toTermsHash(params.termsHash);
    const allow = toPurposeIds(params.allowPurposes ?? [], "allowPurposes");
    const disallow = toPurposeIds(params.disallowPurposes ?? [], "disallowPurposes");
    const both = allow.find((id) => disallow.includes(id));
    if (both !== undefined) {
      throw new InvalidInputError(
        "A purpose is listed in both allowPurposes and disallowPurposes; list it in one",
        { details: both },
      );
    }
    const update = {
      price: params.price === undefined ? undefined : toUint(params.price, 96, "price"),
      period:
        params.period === undefined
          ? undefined
          : toUint(params.period, 64, "period", "a number of seconds"),
      renewable: params.renewable === undefined ? undefined : toBool(params.renewable, "renewable"),
      metadataURI:
        params.metadataURI === undefined ? undefined : toText(params.metadataURI, "metadataURI"),
    };
    const current = await this.getProduct(productId);
    const remaining = new Set([...current.purposes, ...allow]);
    for (const id of disallow) remaining.delete(id);
    if (remaining.size === 0) {
      throw new InvalidInputError(
        "disallowPurposes would leave the product with no allowed purpose; pause its sales instead",
      );
    }
    const args = {
      price: update.price ?? current.price,
      period: update.period ?? current.period,
      renewable: update.renewable ?? current.renewable,
      allowPurposes: allow,
      disallowPurposes: disallow,
      metadataURI: update.metadataURI ?? current.metadataURI,
      termsHash,
    };
    return this.write(
      () => this.contract.updateTerms(productId, args),
      "TermsUpdated",
      (log, info) => {
        const a = log.args;
        return {
          ...info,
          productId: a.getValue("productId") as bigint,
          termsVersion: Number(a.getValue("termsVersion")),
          price: a.getValue("price") as bigint,
          period: a.getValue("period") as bigint,
          renewable: a.getValue("renewable") as boolean,
          allowedPurposes: [...(a.getValue("allowedPurposes") as Hex[])],
          disallowedPurposes: [...(a.getValue("disallowedPurposes") as Hex[])],
          metadataURI: a.getValue("metadataURI") as string,
          termsHash: a.getValue("termsHash") as Hex,
        };
      },
    );
  }

  /**
   * Pauses (or resumes) sales of a product; licences already sold stay valid. Provider only.
   *
   * @example
   * ```ts
   * await licensing.setPaused({ productId, paused: true });
   * ```
   */
  async setPaused(params: { productId: bigint | number; paused: boolean }): Promise<PauseChanged> {
    const productId = toProductId(params.productId);
    const paused = toBool(params.paused, "paused");
    return this.write(
      () => this.contract.setPaused(productId, paused),
      "ProductPaused",
      (log, info) => ({
        ...info,
        productId: log.args.getValue("productId") as bigint,
        paused: log.args.getValue("paused") as boolean,
      }),
    );
  }

  /**
   * Appoints (or, with `null`, removes) the arbiter who may revoke the product's licences for breach.
   * Provider only.
   *
   * @example
   * ```ts
   * await licensing.setArbiter({ productId, arbiter: dataProtectionOfficer });
   * await licensing.setArbiter({ productId, arbiter: null }); // remove
   * ```
   */
  async setArbiter(params: {
    productId: bigint | number;
    arbiter: string | null;
  }): Promise<ArbiterChanged> {
    const productId = toProductId(params.productId);
    const arbiter = params.arbiter === null ? ZERO_ADDRESS : toAddress(params.arbiter, "arbiter");
    return this.write(
      () => this.contract.setArbiter(productId, arbiter),
      "ArbiterSet",
      (log, info) => ({
        ...info,
        productId: log.args.getValue("productId") as bigint,
        arbiter: nullIfZero(log.args.getValue("arbiter") as string),
      }),
    );
  }

  /**
   * Makes a seeker eligible (or no longer) for a free public-interest licence for one purpose. Provider only.
   *
   * @example
   * ```ts
   * await licensing.setEligibility({ productId, seeker: healthDept, purpose: "ImproveHealthcare", eligible: true });
   * ```
   */
  async setEligibility(params: {
    productId: bigint | number;
    seeker: string;
    purpose: PurposeInput;
    eligible: boolean;
  }): Promise<EligibilityChanged> {
    const productId = toProductId(params.productId);
    const seeker = toNonZeroAddress(params.seeker, "seeker");
    const purpose = toPurposeId(params.purpose);
    const eligible = toBool(params.eligible, "eligible");
    return this.write(
      () => this.contract.setEligibility(productId, seeker, purpose, eligible),
      "EligibilitySet",
      (log, info) => ({
        ...info,
        productId: log.args.getValue("productId") as bigint,
        seeker: log.args.getValue("seeker") as Hex,
        purpose: log.args.getValue("purpose") as Hex,
        eligible: log.args.getValue("eligible") as boolean,
      }),
    );
  }

  /**
   * Builds and signs (EIP-712) an offer of `productId` to one buyer for one purpose, at `price` for `period`
   * seconds (0 = perpetual). The nonce is 256 random bits unless given; the deadline defaults to the latest
   * block's time plus one day. `signer` must be the product's provider, or the key behind it when the
   * provider is an ERC-1271 contract wallet. Nothing is sent: hand `{ offer, signature }` to the buyer.
   *
   * @example
   * ```ts
   * const signed = await licensing.signOffer(providerSigner, {
   *   productId, buyer: university, purpose: "AcademicResearch", price: 100n * 10n ** 18n, period: 365n * 86_400n,
   * });
   * ```
   */
  async signOffer(
    signer: Signer,
    params: {
      productId: bigint | number;
      buyer: string;
      purpose: PurposeInput;
      price: bigint | number;
      period: bigint | number;
      deadline?: bigint | number;
      nonce?: bigint | number;
    },
  ): Promise<SignedOffer> {
    const productId = toProductId(params.productId);
    const buyer = toNonZeroAddress(params.buyer, "buyer");
    const purpose = toPurposeId(params.purpose);
    const price = toUint(params.price, 96, "price");
    const period = toUint(params.period, 64, "period", "a number of seconds");
    const nonce =
      params.nonce === undefined
        ? BigInt(`0x${randomBytes(32).toString("hex")}`)
        : toUint(params.nonce, 256, "nonce");
    const deadline = await this.deadline(params.deadline, 86_400n);
    const { product, parties } = await this.read(() => this.contract.getProduct(productId));
    const provider = toAddress(parties.provider, "provider");
    const signerAddress = toAddress(await signer.getAddress(), "signer");
    if (signerAddress !== provider && (await this.provider().getCode(provider)) === "0x") {
      throw new InvalidInputError(
        `signer ${signerAddress} is not the provider ${provider} of product ${productId}: the contract would refuse the offer`,
      );
    }
    const termsVersion = Number(product.termsVersion);
    const offer: Offer = {
      productId,
      buyer,
      purpose,
      price,
      period,
      termsVersion,
      nonce,
      deadline,
    };
    const signature = await signTypedDataWith(signer, offerTypedData(await this.domain(), offer));
    return { offer, signature };
  }

  /**
   * Withdraws an offer before the buyer accepts it, so it can never be accepted. Provider only.
   *
   * @example
   * ```ts
   * const { offerHash } = await licensing.cancelOffer(signed.offer);
   * ```
   */
  async cancelOffer(offer: Offer): Promise<CancelledOffer> {
    const checked = toOffer(offer);
    return this.write(
      () => this.contract.cancelOffer(checked),
      "OfferCancelled",
      (log, info) => ({
        ...info,
        offerHash: log.args.getValue("offerHash") as Hex,
        productId: log.args.getValue("productId") as bigint,
      }),
    );
  }

  /**
   * Revokes a licence for breach (provider or arbiter). The provider may refund `refund` from its own funds:
   * for a native-coin product the SDK sends it with the call; for an ERC-20 product the provider must first
   * have approved the licensing contract for it (and hold it), which the SDK checks before sending.
   *
   * @example
   * ```ts
   * await licensing.revoke({
   *   productId, licensee, purpose: "ResearchAndDevelopment",
   *   reason: "re-identification attempt", evidenceHash: keccak256(report), refund: 0n,
   * });
   * ```
   */
  async revoke(params: {
    productId: bigint | number;
    licensee: string;
    purpose: PurposeInput;
    reason: string;
    evidenceHash: string;
    refund?: bigint | number;
  }): Promise<RevokedLicence> {
    const productId = toProductId(params.productId);
    const licensee = toAddress(params.licensee, "licensee");
    const purpose = toPurposeId(params.purpose);
    const reason = toText(params.reason, "reason");
    const evidenceHash = toBytes32(params.evidenceHash, "evidenceHash");
    const refund = toUint(params.refund ?? 0n, 256, "refund");
    let value = 0n;
    if (refund > 0n) {
      const { product, parties } = await this.read(() => this.contract.getProduct(productId));
      if (product.token === ZERO_ADDRESS) {
        value = refund;
      } else {
        const caller = toAddress(await this.signer().getAddress(), "signer");
        // Anyone else is refused by the contract with a clearer reason than an allowance.
        if (caller === toAddress(parties.provider, "provider")) {
          const token = new Erc20(product.token as Hex, this.contract.runner);
          const allowance = await this.read(() => token.allowance(caller, this.address));
          if (allowance < refund) {
            throw new InvalidInputError(
              `refund: the provider must first approve the licensing contract (${this.address}) to transfer the ` +
                `refund of ${refund} in the product's token (${product.token}); its allowance is ${allowance}`,
              {
                details: "Call approve(licensingAddress, refund) on the token, then revoke again.",
              },
            );
          }
          const balance = await this.read(() => token.balanceOf(caller));
          if (balance < refund) {
            throw new InvalidInputError(
              `refund: the provider holds ${balance} of the product's token, less than the refund of ${refund}`,
            );
          }
        }
      }
    }
    return this.write(
      () =>
        this.contract.revoke(productId, licensee, purpose, reason, evidenceHash, refund, { value }),
      "LicenceRevoked",
      (log, info) => ({
        ...licenceEventOf(log, info),
        revokedBy: log.args.getValue("revokedBy") as Hex,
        reason: log.args.getValue("reason") as string,
        evidenceHash: log.args.getValue("evidenceHash") as Hex,
        refund: log.args.getValue("refund") as bigint,
      }),
    );
  }

  // ---------------------------------------------------------------- buyer side

  /**
   * Buys a licence of `productId` for `purpose` at the product's current price, refusing before anything is
   * sent if that price is above `maxPrice`. Native coin: exactly the current price is sent. ERC-20: the
   * licensing contract must be approved for the price; with `approve: true` the SDK first approves exactly
   * the price when the allowance is short (after checking the purchase would otherwise go through).
   *
   * @example
   * ```ts
   * const { licenceId, expiresAt, sale } = await licensing.buy({
   *   productId, purpose: "ResearchAndDevelopment", maxPrice: 1_000n * 10n ** 18n, approve: true,
   * });
   * ```
   */
  async buy(params: {
    productId: bigint | number;
    purpose: PurposeInput;
    maxPrice: bigint | number;
    approve?: boolean;
  }): Promise<IssuedLicence> {
    const productId = toProductId(params.productId);
    const purpose = toPurposeId(params.purpose);
    const maxPrice = toUint(params.maxPrice, 256, "maxPrice");
    const approve = toBool(params.approve ?? false, "approve");
    const { product } = await this.read(() => this.contract.getProduct(productId));
    if (product.price > maxPrice) throw priceAboveLimit(product.price, maxPrice, productId);
    const value = await this.pay(product.token, product.price, approve, () =>
      this.contract.buy.staticCall(productId, purpose, maxPrice),
    );
    return this.write(
      () => this.contract.buy(productId, purpose, maxPrice, { value }),
      "LicenceIssued",
      issuedLicenceOf,
    );
  }

  /**
   * Buys a licence paying with an EIP-2612 permit for `maxPrice`, signed here with the connected signer, so no
   * approval transaction is needed. The permit's domain comes from the token's `eip712Domain()` (ERC-5267)
   * when it has one, otherwise from its `name()`, version "1" and the chain id. The deadline defaults to the
   * latest block's time plus one hour. Refused before signing for a native-coin product or a price above
   * `maxPrice`.
   *
   * @example
   * ```ts
   * const issued = await licensing.buyWithPermit({ productId, purpose: "ResearchAndDevelopment", maxPrice: price });
   * ```
   */
  async buyWithPermit(params: {
    productId: bigint | number;
    purpose: PurposeInput;
    maxPrice: bigint | number;
    deadline?: bigint | number;
  }): Promise<IssuedLicence> {
    const productId = toProductId(params.productId);
    const purpose = toPurposeId(params.purpose);
    const maxPrice = toUint(params.maxPrice, 256, "maxPrice");
    const { product } = await this.read(() => this.contract.getProduct(productId));
    if (product.token === ZERO_ADDRESS) {
      throw new InvalidInputError(
        `productId: product ${productId} is paid in the native coin, which has no permit; use buy`,
      );
    }
    if (product.price > maxPrice) throw priceAboveLimit(product.price, maxPrice, productId);
    const signer = this.signer();
    const owner = toAddress(await signer.getAddress(), "signer");
    const tokenAddress = product.token as Hex;
    const token = new Erc20(tokenAddress, this.contract.runner);
    const deadline = await this.deadline(params.deadline, 3_600n);
    let domain: { name: string; version: string; chainId: bigint };
    try {
      domain = await token.eip712Domain();
    } catch {
      domain = {
        name: await this.read(() => token.name()),
        version: "1",
        chainId: (await this.provider().getNetwork()).chainId,
      };
    }
    const nonce = await this.read(() => token.nonces(owner));
    const signature = Signature.from(
      await signTypedDataWith(signer, {
        domain: { ...domain, verifyingContract: tokenAddress },
        types: PERMIT_TYPES,
        message: { owner, spender: this.address, value: maxPrice, nonce, deadline },
      }),
    );
    return this.write(
      () =>
        this.contract.buyWithPermit(
          productId,
          purpose,
          maxPrice,
          deadline,
          signature.v,
          signature.r,
          signature.s,
        ),
      "LicenceIssued",
      issuedLicenceOf,
    );
  }

  /**
   * Renews the signer's licence for one more period at the product's current price and terms, from the later
   * of now and its current expiry. Payment as in {@link LicensingClient.buy}. A perpetual licence is refused
   * before sending: there is nothing to renew.
   *
   * @example
   * ```ts
   * const { expiresAt } = await licensing.renew({ productId, purpose: "ResearchAndDevelopment", maxPrice, approve: true });
   * ```
   */
  async renew(params: {
    productId: bigint | number;
    purpose: PurposeInput;
    maxPrice: bigint | number;
    approve?: boolean;
  }): Promise<IssuedLicence> {
    const productId = toProductId(params.productId);
    const purpose = toPurposeId(params.purpose);
    const maxPrice = toUint(params.maxPrice, 256, "maxPrice");
    const approve = toBool(params.approve ?? false, "approve");
    const { product } = await this.read(() => this.contract.getProduct(productId));
    if (product.price > maxPrice) throw priceAboveLimit(product.price, maxPrice, productId);
    const licensee = toAddress(await this.signer().getAddress(), "signer");
    const licence = await this.read(() => this.contract.getLicence(productId, licensee, purpose));
    if (licence.expiresAt === PERPETUAL && Number(licence.status) === 1) {
      throw new InvalidInputError(
        `The licence of product ${productId} for this purpose is perpetual: there is nothing to renew`,
      );
    }
    const value = await this.pay(product.token, product.price, approve, () =>
      this.contract.renew.staticCall(productId, purpose, maxPrice),
    );
    return this.write(
      () => this.contract.renew(productId, purpose, maxPrice, { value }),
      "LicenceIssued",
      issuedLicenceOf,
    );
  }

  /**
   * Accepts an offer the provider signed for the signer. For a native-coin product exactly the offer's price is
   * sent; for an ERC-20 product payment works as in {@link LicensingClient.buy} (`approve: true` approves the
   * offer's price when the allowance is short).
   *
   * @example
   * ```ts
   * const issued = await licensing.withRunner(buyerSigner).acceptOffer({ ...signed, approve: true });
   * ```
   */
  async acceptOffer(params: {
    offer: Offer;
    signature: string;
    approve?: boolean;
  }): Promise<IssuedLicence> {
    const offer = toOffer(params.offer);
    if (!isHexString(params.signature) || params.signature.length < 4) {
      throw new InvalidInputError("signature must be a hex string", {
        details: `got ${JSON.stringify(params.signature)}`,
      });
    }
    const signature = params.signature;
    const approve = toBool(params.approve ?? false, "approve");
    const { product } = await this.read(() => this.contract.getProduct(offer.productId));
    const value = await this.pay(product.token, offer.price, approve, () =>
      this.contract.acceptOffer.staticCall(offer, signature),
    );
    return this.write(
      () => this.contract.acceptOffer(offer, signature, { value }),
      "LicenceIssued",
      issuedLicenceOf,
    );
  }

  /**
   * Takes the free public-interest licence the provider made the signer eligible for.
   *
   * @example
   * ```ts
   * const { model, sale } = await licensing.claimPublicInterest({ productId, purpose: "ImproveHealthcare" });
   * ```
   */
  async claimPublicInterest(params: {
    productId: bigint | number;
    purpose: PurposeInput;
  }): Promise<IssuedLicence> {
    const productId = toProductId(params.productId);
    const purpose = toPurposeId(params.purpose);
    return this.write(
      () => this.contract.claimPublicInterest(productId, purpose),
      "LicenceIssued",
      issuedLicenceOf,
    );
  }

  /**
   * Cancels the signer's licence. Nothing is refunded; a cancelled licence can be bought again.
   *
   * @example
   * ```ts
   * await licensing.cancel({ productId, purpose: "ResearchAndDevelopment" });
   * ```
   */
  async cancel(params: {
    productId: bigint | number;
    purpose: PurposeInput;
  }): Promise<CancelledLicence> {
    const productId = toProductId(params.productId);
    const purpose = toPurposeId(params.purpose);
    return this.write(
      () => this.contract.cancel(productId, purpose),
      "LicenceCancelled",
      licenceEventOf,
    );
  }

  // ---------------------------------------------------------------- anyone

  /**
   * Pays a party what `productId` owes it, to the party's recorded account (the platform's treasury, the city,
   * the provider or the contributors' pool). Anyone may send it.
   *
   * @example
   * ```ts
   * const { amount, to } = await licensing.withdraw({ productId, role: "contributors" });
   * ```
   */
  async withdraw(params: {
    productId: bigint | number;
    role: RevenueRole;
  }): Promise<RevenueWithdrawal> {
    const productId = toProductId(params.productId);
    const role = toRole(params.role);
    return this.write(
      () => this.contract.withdraw(productId, role),
      "RevenueWithdrawn",
      (log, info) => ({
        ...info,
        productId: log.args.getValue("productId") as bigint,
        role: enumName(ROLES, log.args.getValue("role") as bigint, "role"),
        to: log.args.getValue("to") as Hex,
        amount: log.args.getValue("amount") as bigint,
      }),
    );
  }

  // ---------------------------------------------------------------- platform owner

  /**
   * Sets the platform fee for later sales, in basis points (at most `MAX_PLATFORM_FEE_BPS`, 10%). Owner only.
   *
   * @example
   * ```ts
   * await licensing.withRunner(platformOwner).setPlatformFee({ feeBps: 300 });
   * ```
   */
  async setPlatformFee(params: { feeBps: number | bigint }): Promise<PlatformFeeChanged> {
    const feeBps = toUint(params.feeBps, 16, "feeBps", "a number of basis points");
    return this.write(
      () => this.contract.setPlatformFee(feeBps),
      "PlatformFeeSet",
      (log, info) => ({
        ...info,
        previousFeeBps: Number(log.args.getValue("previousFeeBps")),
        feeBps: Number(log.args.getValue("feeBps")),
      }),
    );
  }

  /**
   * Sets the account platform fees are paid to. Owner only.
   *
   * @example
   * ```ts
   * await licensing.withRunner(platformOwner).setPlatformTreasury({ treasury: newTreasury });
   * ```
   */
  async setPlatformTreasury(params: { treasury: string }): Promise<PlatformTreasuryChanged> {
    const treasury = toNonZeroAddress(params.treasury, "treasury");
    return this.write(
      () => this.contract.setPlatformTreasury(treasury),
      "PlatformTreasurySet",
      (log, info) => ({
        ...info,
        previousTreasury: log.args.getValue("previousTreasury") as Hex,
        treasury: log.args.getValue("treasury") as Hex,
      }),
    );
  }

  // ---------------------------------------------------------------- views

  /**
   * A product, its parties, and what its events record: the purposes allowed now, the consent grantee, the
   * latest metadata URI and terms hash, and the arbiter. Events are read from the chain's first block.
   *
   * @example
   * ```ts
   * const { price, token, purposes, parties, termsHash } = await licensing.getProduct(productId);
   * ```
   */
  async getProduct(productId: bigint | number): Promise<ProductDetails> {
    const id = toProductId(productId);
    const { product, parties } = await this.read(() => this.contract.getProduct(id));
    const [published, updates, arbiters] = await this.read(() =>
      Promise.all([
        this.contract.queryFilter(this.contract.filters.ProductPublished(id), this.fromBlock),
        this.contract.queryFilter(this.contract.filters.TermsUpdated(id), this.fromBlock),
        this.contract.queryFilter(this.contract.filters.ArbiterSet(id), this.fromBlock),
      ]),
    );
    const origin = published[0];
    if (!origin) throw new CitizenDataError(`No ProductPublished event found for product ${id}`);
    const purposes = new Set<Hex>(origin.args.purposes as Hex[]);
    let metadataURI = origin.args.metadataURI;
    let termsHash = origin.args.termsHash as Hex;
    for (const update of updates) {
      for (const p of update.args.allowedPurposes) purposes.add(p as Hex);
      for (const p of update.args.disallowedPurposes) purposes.delete(p as Hex);
      metadataURI = update.args.metadataURI;
      termsHash = update.args.termsHash as Hex;
    }
    const arbiter = arbiters.at(-1)?.args.arbiter;
    return {
      ...productTermsOf(id, product),
      parties: {
        provider: parties.provider as Hex,
        city: parties.city as Hex,
        contributors: parties.contributors as Hex,
      },
      purposes: [...purposes],
      consentGrantee: origin.args.consentGrantee as Hex,
      metadataURI,
      termsHash,
      arbiter: arbiter === undefined ? null : nullIfZero(arbiter),
    };
  }

  /**
   * Whether `licensee` holds an active, unexpired licence of `productId` for `purpose` now.
   *
   * @example
   * ```ts
   * if (await licensing.isLicensed({ productId, licensee, purpose: "ResearchAndDevelopment" })) deliver();
   * ```
   */
  async isLicensed(params: {
    productId: bigint | number;
    licensee: string;
    purpose: PurposeInput;
  }): Promise<boolean> {
    const productId = toProductId(params.productId);
    const licensee = toAddress(params.licensee, "licensee");
    const purpose = toPurposeId(params.purpose);
    return this.read(() => this.contract.isLicensed(productId, licensee, purpose));
  }

  /**
   * A licence's record (status as a word, expiry, terms version) and whether it is in force now.
   *
   * @example
   * ```ts
   * const { status, expiresAt, perpetual, inForce } = await licensing.getLicence({ productId, licensee, purpose: "ResearchAndDevelopment" });
   * ```
   */
  async getLicence(params: {
    productId: bigint | number;
    licensee: string;
    purpose: PurposeInput;
  }): Promise<LicenceState> {
    const productId = toProductId(params.productId);
    const licensee = toAddress(params.licensee, "licensee");
    const purpose = toPurposeId(params.purpose);
    const [licence, inForce] = await this.read(() =>
      Promise.all([
        this.contract.getLicence(productId, licensee, purpose),
        this.contract.isLicensed(productId, licensee, purpose),
      ]),
    );
    return {
      licenceId: computeLicenceId(productId, licensee, purpose),
      status: enumName(STATUSES, licence.status, "licence status"),
      expiresAt: licence.expiresAt,
      perpetual: licence.expiresAt === PERPETUAL,
      termsVersion: Number(licence.termsVersion),
      inForce,
    };
  }

  /**
   * What a product owes each party now.
   *
   * @example
   * ```ts
   * const { platform, city, provider, contributors } = await licensing.owed(productId);
   * ```
   */
  async owed(productId: bigint | number): Promise<Owed> {
    const id = toProductId(productId);
    const amounts = await this.read(() => this.contract.owed(id));
    const [platform, city, provider, contributors] = amounts;
    return { platform, city, provider, contributors };
  }

  /**
   * The rounding remainder (at most 2 wei) a product holds that no party is entitled to yet; it is assigned as
   * the product's revenue grows. What the contract holds for a product = withdrawn-not-yet + owed + this.
   *
   * @example
   * ```ts
   * const dust = await licensing.carriedRemainder(productId);
   * ```
   */
  async carriedRemainder(productId: bigint | number): Promise<bigint> {
    const id = toProductId(productId);
    return this.read(() => this.contract.carriedRemainder(id));
  }

  /**
   * The id of the licence `(productId, licensee, purpose)`, from the contract (same as {@link computeLicenceId}).
   *
   * @example
   * ```ts
   * const licenceId = await licensing.licenceIdOf({ productId, licensee, purpose: "ResearchAndDevelopment" });
   * ```
   */
  async licenceIdOf(params: {
    productId: bigint | number;
    licensee: string;
    purpose: PurposeInput;
  }): Promise<Hex> {
    const productId = toProductId(params.productId);
    const licensee = toAddress(params.licensee, "licensee");
    const purpose = toPurposeId(params.purpose);
    return (await this.read(() => this.contract.licenceIdOf(productId, licensee, purpose))) as Hex;
  }

  /**
   * Whether a seeker is eligible for a free public-interest licence for `purpose`.
   *
   * @example
   * ```ts
   * const eligible = await licensing.isEligible({ productId, seeker, purpose: "ImproveHealthcare" });
   * ```
   */
  async isEligible(params: {
    productId: bigint | number;
    seeker: string;
    purpose: PurposeInput;
  }): Promise<boolean> {
    const productId = toProductId(params.productId);
    const seeker = toAddress(params.seeker, "seeker");
    const purpose = toPurposeId(params.purpose);
    return this.read(() => this.contract.isEligible(productId, seeker, purpose));
  }

  /**
   * The platform fee for the next sale and its cap, in basis points, and the account fees are paid to.
   *
   * @example
   * ```ts
   * const { feeBps, capBps, treasury } = await licensing.platformFee();
   * ```
   */
  async platformFee(): Promise<{ feeBps: number; capBps: number; treasury: Hex }> {
    const [feeBps, capBps, treasury] = await this.read(() =>
      Promise.all([
        this.contract.platformFeeBps(),
        this.contract.MAX_PLATFORM_FEE_BPS(),
        this.contract.platformTreasury(),
      ]),
    );
    return { feeBps: Number(feeBps), capBps: Number(capBps), treasury: treasury as Hex };
  }

  /**
   * The contract's EIP-712 domain, read from the contract (ERC-5267), for signing offers with any wallet.
   *
   * @example
   * ```ts
   * const signature = await account.signTypedData(offerTypedData(await licensing.domain(), offer)); // viem
   * ```
   */
  async domain(): Promise<LicensingDomain> {
    return toDomain(await this.read(() => this.contract.eip712Domain()));
  }

  /**
   * An offer's EIP-712 hash, the key that marks it used once accepted or cancelled.
   *
   * @example
   * ```ts
   * const hash = await licensing.offerHash(signed.offer);
   * ```
   */
  async offerHash(offer: Offer): Promise<Hex> {
    const checked = toOffer(offer);
    return (await this.read(() => this.contract.offerHash(checked))) as Hex;
  }

  /**
   * Whether an offer was already accepted or cancelled.
   *
   * @example
   * ```ts
   * if (await licensing.isOfferUsed(signed.offer)) console.log("no longer valid");
   * ```
   */
  async isOfferUsed(offer: Offer): Promise<boolean> {
    const hash = await this.offerHash(offer);
    return this.read(() => this.contract.isOfferUsed(hash));
  }

  /**
   * Prepares a payment of `amount`: the native coin to send with the call, or, for an ERC-20, an allowance
   * that covers it (see {@link ContractClient.ensureAllowance}).
   */
  private async pay(
    token: string,
    amount: bigint,
    approve: boolean,
    simulate: () => Promise<unknown>,
  ): Promise<bigint> {
    if (token === ZERO_ADDRESS) return amount;
    await this.ensureAllowance({
      token: token as Hex,
      amount,
      approve,
      simulate,
      tokenSource: TOKEN_SOURCE,
      refuse: (allowance) =>
        new InvalidInputError(
          `allowance: the licensing contract (${this.address}) may transfer ${allowance} of your tokens, ` +
            `less than the ${amount} to pay: approve it first, or pass approve: true`,
        ),
    });
    return 0n;
  }
}

function productTermsOf(productId: bigint, p: IDataLicensing.ProductStructOutput): ProductTerms {
  return {
    productId,
    token: tokenOf(p.token),
    price: p.price,
    partiesId: Number(p.partiesId),
    period: p.period,
    termsVersion: Number(p.termsVersion),
    cityBps: Number(p.cityBps),
    providerBps: Number(p.providerBps),
    renewable: p.renewable,
    paused: p.paused,
    purposeCount: Number(p.purposeCount),
    poolId: p.poolId,
  };
}

function licenceEventOf(log: LogDescription, info: TransactionInfo): CancelledLicence {
  const a = log.args;
  const productId = a.getValue("productId") as bigint;
  const licensee = a.getValue("licensee") as Hex;
  const purpose = a.getValue("purpose") as Hex;
  return {
    ...info,
    licenceId: computeLicenceId(productId, licensee, purpose),
    productId,
    licensee,
    purpose,
  };
}

function issuedLicenceOf(log: LogDescription, info: TransactionInfo): IssuedLicence {
  const a = log.args;
  const sale = a.getValue("sale") as Result;
  return {
    ...licenceEventOf(log, info),
    model: enumName(MODELS, a.getValue("model") as bigint, "licence model"),
    termsVersion: Number(a.getValue("termsVersion")),
    expiresAt: a.getValue("expiresAt") as bigint,
    sale: {
      price: sale.getValue("price") as bigint,
      platformFee: sale.getValue("platformFee") as bigint,
      cityShare: sale.getValue("cityShare") as bigint,
      providerShare: sale.getValue("providerShare") as bigint,
      contributorsShare: sale.getValue("contributorsShare") as bigint,
    },
  };
}
