/**
 * Client of the RevenuePool contract: pools that split every payment into them between the platform, the city,
 * the provider and the pool's members (citizens who joined on their consent); membership and weights, signed
 * joins and claims, deposits, claims, donations, batch payouts, the parties' withdrawals, and the event queries
 * a payout script or a backend needs.
 *
 * @module
 */
import {
  getAddress,
  isHexString,
  toBeHex,
  zeroPadValue,
  type ContractRunner,
  type Interface,
  type Log,
  type LogDescription,
  type Signer,
} from "ethers";
import { ConsentRegistry__factory } from "../typechain-types/factories/consent/ConsentRegistry__factory.js";
import { DataLicensing__factory } from "../typechain-types/factories/licensing/DataLicensing__factory.js";
import { RevenuePool__factory } from "../typechain-types/factories/revenue/RevenuePool__factory.js";
import type { RevenuePool } from "../typechain-types/revenue/RevenuePool.js";
import type { IRevenuePool } from "../typechain-types/revenue/RevenuePool.js";
import { ConsentClient, type CategoryInput, type Signed } from "./consent.js";
import {
  ContractClient,
  ZERO_ADDRESS,
  enumName,
  nullIfZero,
  signTypedDataWith,
  toAddress,
  toBool,
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
import { ERC20_ABI } from "./erc20.js";
import { CitizenDataError, ContractRevertError, InvalidInputError } from "./errors.js";
import type { PaymentToken } from "./licensing.js";
import {
  revenueTypedData,
  type ClaimRequest,
  type JoinRequest,
  type RevenueDomain,
  type RevenuePrimaryType,
  type RevenueRequests,
} from "./revenue-typed-data.js";

/**
 * A party a pool pays besides its members (the contract's `Role`).
 *
 * @example
 * ```ts
 * const { amount, to } = await revenue.withdraw({ poolId, role: "city" });
 * ```
 */
export type PoolRole = "platform" | "city" | "provider";
const POOL_ROLES: readonly PoolRole[] = ["platform", "city", "provider"];

/**
 * Why a member's weight changed (the contract's `WeightChange`): it joined, the provider set it, it left, or it
 * was settled out after its consent lapsed.
 *
 * @example
 * ```ts
 * const { change } = await revenue.join({ poolId }); // "joined"
 * ```
 */
export type WeightChangeKind = "joined" | "set" | "left" | "settledOut";
const WEIGHT_CHANGES: readonly WeightChangeKind[] = ["joined", "set", "left", "settledOut"];

/**
 * The largest weight one member may hold: `type(uint32).max`.
 *
 * @example
 * ```ts
 * await revenue.setWeight({ poolId, member, weight: MAX_WEIGHT });
 * ```
 */
export const MAX_WEIGHT = 2 ** 32 - 1;

/** 100% in basis points: a pool's four shares add up to this. */
const BPS = 10_000;

/**
 * How a pool divides each payment, in basis points; the four add up to 10,000.
 *
 * @example
 * ```ts
 * const shares: PoolShares = { platformBps: 500, cityBps: 1_500, providerBps: 2_000, contributorsBps: 6_000 };
 * ```
 */
export interface PoolShares {
  platformBps: number;
  cityBps: number;
  providerBps: number;
  /** The members' share, spread over their weights. */
  contributorsBps: number;
}

/**
 * What a provider fixes when creating a pool; none of it can change afterwards.
 *
 * @example
 * ```ts
 * const { token, shares, purpose, categorySetId } = await revenue.getPool(poolId);
 * ```
 */
export interface PoolTerms {
  /** `"native"`, or the ERC-20 token's address. */
  token: PaymentToken;
  /** The city's account: paid the city share, and the default beneficiary of donations. */
  city: Hex;
  shares: PoolShares;
  /** The controller the members' consent must be given to. */
  consentGrantee: Hex;
  /** The DPV purpose id the members' consent must cover. */
  purpose: Hex;
  /** The ConsentRegistry category set the members' consent must cover entirely. */
  categorySetId: number;
  /** The weight a member gets on joining. */
  defaultWeight: number;
}

/**
 * A pool as created, decoded from a `PoolCreated` event.
 *
 * @example
 * ```ts
 * const { poolId, categorySetId } = await revenue.createPool({ … });
 * ```
 */
export interface CreatedPool extends PoolTerms, TransactionInfo {
  poolId: bigint;
  provider: Hex;
}

/**
 * A pool's terms, its provider and its members' total weight now.
 *
 * @example
 * ```ts
 * const { provider, totalWeight } = await revenue.getPool(poolId);
 * ```
 */
export interface PoolDetails extends PoolTerms {
  poolId: bigint;
  provider: Hex;
  totalWeight: number;
}

/**
 * A pool's running totals (the contract's `Accounts`).
 *
 * @example
 * ```ts
 * const { received } = await revenue.accountsOf(poolId);
 * ```
 */
export interface PoolAccounts {
  /** Everything paid into the pool: deposits and licence sales. */
  received: bigint;
  /** What one unit of weight has earned since the pool was created. */
  accumulatedPerWeight: bigint;
  /** Contributors' money not yet spread over the weights: the remainder of the last division. */
  carried: bigint;
  /** Contributors' money received while the pool had no weight; spread at the next payment. */
  unassigned: bigint;
}

/**
 * A member as the contract reports it.
 *
 * @example
 * ```ts
 * const { weight, claimable } = await revenue.memberOf({ poolId, member });
 * ```
 */
export interface PoolMember {
  /** Zero if not (or no longer) a member. */
  weight: number;
  /** The part of every claim and payout the member gives away, in basis points. */
  autoDonateBps: number;
  /** Who receives it (the city unless the member chose a registered beneficiary). */
  autoDonateTo: Hex;
  /** What the member can claim now. */
  claimable: bigint;
}

/**
 * What a pool owes the platform, the city and the provider now.
 *
 * @example
 * ```ts
 * const { platform, city, provider } = await revenue.owed(poolId);
 * ```
 */
export interface PoolOwed {
  platform: bigint;
  city: bigint;
  provider: bigint;
}

/**
 * How one payment into a pool was divided; the four parts add up to the payment, to the wei.
 *
 * @example
 * ```ts
 * const { split } = await revenue.deposit({ poolId, amount: 1_000n, approve: true });
 * ```
 */
export interface PoolSplit {
  platform: bigint;
  city: bigint;
  provider: bigint;
  contributors: bigint;
}

/**
 * A beneficiary registration or removal, decoded from a `BeneficiarySet` event.
 *
 * @example
 * ```ts
 * const { allowed } = await revenue.setBeneficiary({ poolId, beneficiary: foodBank, allowed: true });
 * ```
 */
export interface BeneficiaryChanged extends TransactionInfo {
  poolId: bigint;
  beneficiary: Hex;
  allowed: boolean;
}

/**
 * One member's weight change, as a `WeightChanged` event records it.
 *
 * @example
 * ```ts
 * const update: WeightUpdate = { poolId: 1n, member, previousWeight: 1, weight: 3, change: "set" };
 * ```
 */
export interface WeightUpdate {
  poolId: bigint;
  member: Hex;
  previousWeight: number;
  weight: number;
  change: WeightChangeKind;
}

/**
 * A weight change sent in its own transaction (join, leave, set, settle out).
 *
 * @example
 * ```ts
 * const { weight, change } = await revenue.join({ poolId });
 * ```
 */
export interface WeightChanged extends WeightUpdate, TransactionInfo {}

/**
 * The weight changes of one {@link RevenueClient.setWeights} transaction, in list order.
 *
 * @example
 * ```ts
 * const { changes } = await revenue.setWeights({ poolId, members: [alice, bob], weights: [2, 3] });
 * ```
 */
export interface WeightsChanged extends TransactionInfo {
  poolId: bigint;
  changes: WeightUpdate[];
}

/**
 * The members a {@link RevenueClient.settleOutBatch} settled out; the others listed were skipped.
 *
 * @example
 * ```ts
 * const { settled, members } = await revenue.settleOutBatch({ poolId, members: candidates });
 * ```
 */
export interface SettledOut extends TransactionInfo {
  poolId: bigint;
  /** How many were settled out. */
  settled: number;
  /** Who was settled out, in list order. */
  members: Hex[];
}

/**
 * A deposit, decoded from a `Deposited` event.
 *
 * @example
 * ```ts
 * const { amount, split } = await revenue.deposit({ poolId, amount: 500n * 10n ** 18n, approve: true });
 * ```
 */
export interface PoolDeposit extends TransactionInfo {
  poolId: bigint;
  payer: Hex;
  amount: bigint;
  split: PoolSplit;
}

/**
 * A donation to a beneficiary: what a `Donated` event records.
 *
 * @example
 * ```ts
 * const gift: DonationRecord = { beneficiary: city, amount: 10n };
 * ```
 */
export interface DonationRecord {
  beneficiary: Hex;
  amount: bigint;
}

/**
 * A claim, decoded from its `Claimed` event and the `Donated` event of a standing auto-donation taken from it.
 *
 * @example
 * ```ts
 * const { amount, fee, autoDonation } = await revenue.claim({ poolId });
 * ```
 */
export interface PoolClaim extends TransactionInfo {
  poolId: bigint;
  member: Hex;
  /** Who was paid `amount`. */
  to: Hex;
  amount: bigint;
  /** What the relayer of a signed claim was paid (0 for a direct claim). */
  fee: bigint;
  /** The member's standing auto-donation taken from the claim, or null when none. */
  autoDonation: DonationRecord | null;
}

/**
 * A direct donation, decoded from a `Donated` event.
 *
 * @example
 * ```ts
 * const { beneficiary, amount } = await revenue.donate({ poolId, beneficiary: "city", amount: 10n });
 * ```
 */
export interface PoolDonation extends TransactionInfo, DonationRecord {
  poolId: bigint;
  member: Hex;
}

/**
 * A standing auto-donation, decoded from an `AutoDonateSet` event (`beneficiary` is the city when none was named).
 *
 * @example
 * ```ts
 * const { bps } = await revenue.setAutoDonate({ poolId, percent: 10 }); // 1_000
 * ```
 */
export interface AutoDonateChanged extends TransactionInfo {
  poolId: bigint;
  member: Hex;
  beneficiary: Hex;
  bps: number;
}

/**
 * A payout address change, decoded from a `PayoutAddressSet` event; null means the member itself.
 *
 * @example
 * ```ts
 * await revenue.setPayoutAddress({ poolId, payoutAddress: coldWallet });
 * ```
 */
export interface PayoutAddressChanged extends TransactionInfo {
  poolId: bigint;
  member: Hex;
  payoutAddress: Hex | null;
}

/**
 * A member a batch payout paid, with the auto-donation taken from its balance.
 *
 * @example
 * ```ts
 * for (const { member, to, amount, donated } of result.paid) console.log(member, to, amount, donated);
 * ```
 */
export interface PaidMember {
  member: Hex;
  /** The member's payout address, which received `amount`. */
  to: Hex;
  amount: bigint;
  /** The member's standing auto-donation taken from its balance (0 when none). */
  donated: bigint;
}

/**
 * A member a batch payout could not pay (the recipient or the token refused); its balance stays claimable.
 *
 * @example
 * ```ts
 * const retry = result.failed.map((f) => f.member);
 * ```
 */
export interface FailedPayout {
  member: Hex;
  to: Hex;
  amount: bigint;
}

/**
 * What a batch payout did to each member listed, decoded from its `PaidOut`, `PayoutFailed` and `Donated` events.
 *
 * @example
 * ```ts
 * const { paid, failed, skipped, total } = await revenue.payout({ poolId, members });
 * ```
 */
export interface PayoutResult extends TransactionInfo {
  poolId: bigint;
  paid: PaidMember[];
  failed: FailedPayout[];
  /** Members listed who were neither paid nor failed: they had nothing owed (or were listed twice). */
  skipped: Hex[];
  /** The total paid to members (auto-donations excluded). */
  total: bigint;
}

/**
 * A payment of what a pool owed a party, decoded from a `RevenueWithdrawn` event.
 *
 * @example
 * ```ts
 * const { to, amount } = await revenue.withdraw({ poolId, role: "provider" });
 * ```
 */
export interface PoolWithdrawal extends TransactionInfo {
  poolId: bigint;
  role: PoolRole;
  to: Hex;
  amount: bigint;
}

/**
 * A payment of the donations a pool held for a beneficiary, decoded from a `DonationsWithdrawn` event.
 *
 * @example
 * ```ts
 * const { amount } = await revenue.withdrawDonations({ poolId, beneficiary: "city" });
 * ```
 */
export interface DonationsWithdrawal extends TransactionInfo {
  poolId: bigint;
  beneficiary: Hex;
  amount: bigint;
}

/**
 * A member who has something to claim, as {@link RevenueClient.membersWithBalance} lists it.
 *
 * @example
 * ```ts
 * const owed: MemberBalance[] = await revenue.membersWithBalance(poolId);
 * ```
 */
export interface MemberBalance {
  member: Hex;
  claimable: bigint;
}

/**
 * A block range for event queries: from `fromBlock` (default: the deployment block when the client was connected
 * by chain id or deployment record, else 0) to `toBlock` (default: the latest block), both
 * inclusive. A public RPC node may limit how many blocks one query can span.
 *
 * @example
 * ```ts
 * const range: BlockRange = { fromBlock: deploymentBlock };
 * ```
 */
export interface BlockRange {
  fromBlock?: number;
  toBlock?: number;
}

/**
 * Where and when a pool event was emitted.
 *
 * @example
 * ```ts
 * const { blockNumber, transactionHash, logIndex } = activity[0];
 * ```
 */
export interface PoolEventBase {
  poolId: bigint;
  blockNumber: number;
  transactionHash: Hex;
  logIndex: number;
}

/** A `PoolCreated` event. */
export interface PoolCreatedActivity extends PoolEventBase {
  type: "poolCreated";
  provider: Hex;
  terms: PoolTerms;
}
/** A `BeneficiarySet` event. */
export interface BeneficiarySetActivity extends PoolEventBase {
  type: "beneficiarySet";
  beneficiary: Hex;
  allowed: boolean;
}
/** A `WeightChanged` event: a join, a weight set by the provider, a leave or a settle-out. */
export interface WeightChangedActivity extends PoolEventBase, WeightUpdate {
  type: "weightChanged";
}
/** A `Deposited` event. */
export interface DepositedActivity extends PoolEventBase {
  type: "deposited";
  payer: Hex;
  amount: bigint;
  split: PoolSplit;
}
/** A `Claimed` event. */
export interface ClaimedActivity extends PoolEventBase {
  type: "claimed";
  member: Hex;
  to: Hex;
  amount: bigint;
  fee: bigint;
}
/** A `PaidOut` event. */
export interface PaidOutActivity extends PoolEventBase {
  type: "paidOut";
  member: Hex;
  to: Hex;
  amount: bigint;
}
/** A `PayoutFailed` event. */
export interface PayoutFailedActivity extends PoolEventBase {
  type: "payoutFailed";
  member: Hex;
  to: Hex;
  amount: bigint;
}
/** A `Donated` event (a direct donation, or an auto-donation at a claim or payout). */
export interface DonatedActivity extends PoolEventBase, DonationRecord {
  type: "donated";
  member: Hex;
}
/** An `AutoDonateSet` event. */
export interface AutoDonateSetActivity extends PoolEventBase {
  type: "autoDonateSet";
  member: Hex;
  beneficiary: Hex;
  bps: number;
}
/** A `PayoutAddressSet` event; `payoutAddress` is null when the member is paid itself. */
export interface PayoutAddressSetActivity extends PoolEventBase {
  type: "payoutAddressSet";
  member: Hex;
  payoutAddress: Hex | null;
}
/** A `RevenueWithdrawn` event. */
export interface RevenueWithdrawnActivity extends PoolEventBase {
  type: "revenueWithdrawn";
  role: PoolRole;
  to: Hex;
  amount: bigint;
}
/** A `DonationsWithdrawn` event. */
export interface DonationsWithdrawnActivity extends PoolEventBase {
  type: "donationsWithdrawn";
  beneficiary: Hex;
  amount: bigint;
}

/**
 * Something that happened in a pool, decoded from one of the RevenuePool contract's events; tell them apart by
 * `type`. A licence sale into the pool is not among them: see {@link RevenueClient.poolActivity}.
 *
 * @example
 * ```ts
 * for (const event of await revenue.poolActivity(poolId)) {
 *   if (event.type === "deposited") console.log(event.payer, event.amount, event.split.contributors);
 * }
 * ```
 */
export type PoolActivity =
  | PoolCreatedActivity
  | BeneficiarySetActivity
  | WeightChangedActivity
  | DepositedActivity
  | ClaimedActivity
  | PaidOutActivity
  | PayoutFailedActivity
  | DonatedActivity
  | AutoDonateSetActivity
  | PayoutAddressSetActivity
  | RevenueWithdrawnActivity
  | DonationsWithdrawnActivity;

/**
 * The `type` of a {@link PoolActivity}.
 *
 * @example
 * ```ts
 * const money: PoolActivityType[] = ["deposited", "claimed", "paidOut", "revenueWithdrawn"];
 * ```
 */
export type PoolActivityType = PoolActivity["type"];

/** Each activity type's event name in the contract. */
const ACTIVITY_EVENTS: Readonly<Record<PoolActivityType, string>> = {
  poolCreated: "PoolCreated",
  beneficiarySet: "BeneficiarySet",
  weightChanged: "WeightChanged",
  deposited: "Deposited",
  claimed: "Claimed",
  paidOut: "PaidOut",
  payoutFailed: "PayoutFailed",
  donated: "Donated",
  autoDonateSet: "AutoDonateSet",
  payoutAddressSet: "PayoutAddressSet",
  revenueWithdrawn: "RevenueWithdrawn",
  donationsWithdrawn: "DonationsWithdrawn",
};
const ACTIVITY_TYPES = Object.keys(ACTIVITY_EVENTS) as PoolActivityType[];

/**
 * Plain-language explanation of every error a RevenuePool call can revert with: the contract's own,
 * OpenZeppelin's, and those of the ERC-20 token it moves (ERC-6093).
 *
 * @example
 * ```ts
 * REVENUE_ERROR_EXPLANATIONS.RevenuePoolNoValidConsent; // "The member has no consent that covers …"
 * ```
 */
export const REVENUE_ERROR_EXPLANATIONS: Readonly<Record<string, string>> = {
  AddressEmptyCode:
    "A call in a batch (multicall) reached an address without code; this contract does not make such calls, so this should not happen.",
  FailedCall:
    "A call in a batch (multicall) failed without a reason; nothing in the batch took effect.",
  RevenuePoolUnknownPool: "No pool with that id has been created.",
  RevenuePoolNotProvider: "Only the pool's provider (the account that created it) may do this.",
  RevenuePoolZeroAddress: "An address that must be set is the zero address.",
  RevenuePoolInvalidShares:
    "The platform, city, provider and contributors' shares must add up to exactly 10,000 basis points (100%).",
  RevenuePoolPlatformShareTooLow:
    "The platform's share must be at least the DataLicensing platform fee in force.",
  RevenuePoolInvalidConsentBasis:
    "The pool needs a purpose and a category set registered in the ConsentRegistry for its members' consent.",
  RevenuePoolInvalidWeight:
    "A member's weight must be at least 1 (and a pool's default weight too); 0 only removes a member.",
  RevenuePoolTotalWeightOverflow:
    "The pool's members' weights would add up to more than the pool can hold (2^40 - 1); use smaller weights.",
  RevenuePoolAlreadyMember: "This account is already a member of the pool.",
  RevenuePoolNotMember:
    "This account is not a member of the pool (it never joined, left or was settled out).",
  RevenuePoolNoValidConsent:
    "The member has no consent in force that covers the pool's grantee, purpose and every one of its categories; grant (or renew) it first.",
  RevenuePoolConsentStillValid:
    "The member's consent still holds, so it cannot be settled out; only a member whose consent was withdrawn or expired can be.",
  RevenuePoolWeightNeedsProvider:
    "Only the pool's provider may give a member a weight other than the pool's default; sign the join with the default weight.",
  RevenuePoolUnauthorizedRelayer:
    "A signed join can be relayed only by the pool's provider or by the member's operator in the ConsentRegistry.",
  RevenuePoolExpiredSignature:
    "The signed request's deadline has passed; ask the member to sign again.",
  RevenuePoolInvalidSignature:
    "The signature is not the member's for this request, chain and contract (or the member's wallet refused it).",
  RevenuePoolNothingToClaim:
    "There is nothing to pay this account at the moment (nothing earned, owed or donated yet, or already paid).",
  RevenuePoolInsufficientBalance: "The member is donating more than it can claim now.",
  RevenuePoolFeeExceedsClaim:
    "The relayer's fee is more than the claim pays (after any auto-donation); sign a claim with a smaller fee.",
  RevenuePoolNotBeneficiary:
    "Members may donate only to the pool's city or to a beneficiary the provider registered.",
  RevenuePoolInvalidBps: "Basis points cannot exceed 10,000 (100%).",
  RevenuePoolZeroAmount: "The amount must be more than zero.",
  RevenuePoolValueMismatch:
    "The native coin sent must equal the amount for a native-coin pool, and be zero for a pool paid in an ERC-20 token.",
  RevenuePoolTransferShortfall:
    "The token delivered less than was transferred (a fee-on-transfer or deflationary token), which the pool refuses.",
  RevenuePoolNativeTransferFailed: "The recipient refused the native coin sent to it.",
  RevenuePoolNotLicensing: "Only the DataLicensing contract may credit a licence sale to a pool.",
  RevenuePoolLengthMismatch: "The members and weights lists must have the same length.",
  InvalidAccountNonce:
    "The signed request's nonce is not the member's current one: the member has signed (and used) another join or claim since; sign again.",
  ReentrancyGuardReentrantCall:
    "The pool contract was called again from within one of its own payments (a recipient re-entered), which it refuses.",
  SafeERC20FailedOperation:
    "The token refused the transfer (it returned false, or is not a token).",
  SafeCastOverflowedUintDowncast:
    "The payment would overflow the pool's running totals: everything it received must stay below 2^104, and what one unit of weight earned below 2^96 (a pool whose members hold very little weight reaches that first). Pay in smaller amounts, or into another pool.",
  InvalidShortString: "A string given to the constructor is too long.",
  StringTooLong: "A string given to the constructor is too long.",
  ERC20InsufficientBalance: "The payer's token balance is below the amount to transfer.",
  ERC20InsufficientAllowance:
    "The pool contract is not approved for enough of the payer's tokens; approve it for the amount first (or pass approve: true).",
  ERC20InvalidSender: "The token refuses transfers from the zero address.",
  ERC20InvalidReceiver: "The token refuses transfers to this receiver.",
  ERC20InvalidApprover: "The token refuses approvals from the zero address.",
  ERC20InvalidSpender: "The token refuses approvals to the zero address.",
  ERC2612ExpiredSignature: "The permit's deadline has passed.",
  ERC2612InvalidSigner: "The permit was not signed by the token owner.",
};

const POOL_SOURCE: RevertSource = {
  contractName: "RevenuePool",
  abi: RevenuePool__factory.abi,
  explanations: REVENUE_ERROR_EXPLANATIONS,
};
const TOKEN_SOURCE: RevertSource = {
  contractName: "The payment token",
  abi: ERC20_ABI,
  explanations: REVENUE_ERROR_EXPLANATIONS,
};

/** How many reads {@link RevenueClient.membersWithBalance} runs at once by default. */
const DEFAULT_CONCURRENCY = 8;

function toPoolId(value: bigint | number): bigint {
  return toUint(value, 256, "poolId");
}

function toShare(value: number | bigint, field: string): number {
  const bps = toUint(value, 16, field, "a number of basis points");
  if (bps > BigInt(BPS)) {
    throw new InvalidInputError(`${field} must be between 0 and ${BPS} basis points (100%)`, {
      details: `got ${bps}`,
    });
  }
  return Number(bps);
}

/** A weight: 1..2^32-1, or 0 too when `allowZero` (a provider's removal). */
function toWeight(value: number | bigint, field: string, allowZero: boolean): number {
  const weight = Number(toUint(value, 32, field, "a whole number of weight units"));
  if (weight === 0 && !allowZero) {
    throw new InvalidInputError(`${field} must be between 1 and ${MAX_WEIGHT}`, {
      details: "got 0",
    });
  }
  return weight;
}

function toPositiveAmount(value: bigint | number, field: string): bigint {
  const amount = toUint(value, 256, field, "an amount in the token's smallest unit");
  if (amount === 0n) throw new InvalidInputError(`${field} must be more than zero`);
  return amount;
}

function toSignature(value: string): Hex {
  if (typeof value !== "string" || !isHexString(value) || value.length < 4) {
    throw new InvalidInputError("signature must be a hex string", {
      details: `got ${JSON.stringify(value)}`,
    });
  }
  return value as Hex;
}

function toMemberList(members: readonly string[], field: string): Hex[] {
  if (!Array.isArray(members) || members.length === 0) {
    throw new InvalidInputError(`${field} must list at least one member`);
  }
  return members.map((member: string, i) => toAddress(member, `${field}[${i}]`));
}

function toBlockRange(
  range: BlockRange,
  defaultFromBlock: number,
): { fromBlock: number; toBlock: number | "latest" } {
  const block = (value: number | undefined, field: string): number | undefined =>
    value === undefined ? undefined : Number(toUint(value, 53, field, "a block number"));
  const fromBlock = block(range.fromBlock, "fromBlock") ?? defaultFromBlock;
  const toBlock = block(range.toBlock, "toBlock");
  if (toBlock !== undefined && toBlock < fromBlock) {
    throw new InvalidInputError("toBlock must not be before fromBlock", {
      details: `fromBlock ${fromBlock}, toBlock ${toBlock}`,
    });
  }
  return { fromBlock, toBlock: toBlock ?? "latest" };
}

/** Basis points from `{ bps }` or `{ percent }` (at most two decimals): exactly one of the two. */
function toDonationBps(params: { percent?: number; bps?: number | bigint }): number {
  if ((params.percent === undefined) === (params.bps === undefined)) {
    throw new InvalidInputError(
      "give the auto-donation as either percent (0 to 100) or bps (0 to 10,000), not both or neither",
    );
  }
  if (params.bps !== undefined) return toShare(params.bps, "bps");
  const percent = params.percent;
  if (typeof percent !== "number" || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new InvalidInputError("percent must be a number from 0 to 100", {
      details: `got ${String(percent)}`,
    });
  }
  const raw = percent * 100;
  const bps = Math.round(raw);
  if (Math.abs(raw - bps) > 1e-6) {
    throw new InvalidInputError(
      "percent can have at most two decimals: the contract stores basis points (0.01%)",
      { details: `got ${percent}` },
    );
  }
  return bps;
}

function toJoinRequest(request: JoinRequest): JoinRequest {
  if (request === null || typeof request !== "object") {
    throw new InvalidInputError("request must be a join request (as signJoin returns it)");
  }
  return {
    poolId: toUint(request.poolId, 256, "request.poolId"),
    member: toNonZeroAddress(request.member, "request.member"),
    weight: toWeight(request.weight, "request.weight", false),
    nonce: toUint(request.nonce, 256, "request.nonce"),
    deadline: toUint(request.deadline, 256, "request.deadline", "a unix time in seconds"),
  };
}

function toClaimRequest(request: ClaimRequest): ClaimRequest {
  if (request === null || typeof request !== "object") {
    throw new InvalidInputError("request must be a claim request (as signClaim returns it)");
  }
  return {
    poolId: toUint(request.poolId, 256, "request.poolId"),
    member: toNonZeroAddress(request.member, "request.member"),
    to: toNonZeroAddress(request.to, "request.to"),
    fee: toUint(request.fee, 256, "request.fee"),
    nonce: toUint(request.nonce, 256, "request.nonce"),
    deadline: toUint(request.deadline, 256, "request.deadline", "a unix time in seconds"),
  };
}

/** A pool's terms from the contract's `PoolParams` (an event) or `Pool` (a view). */
function poolTermsOf(
  p: IRevenuePool.PoolParamsStructOutput | IRevenuePool.PoolStructOutput,
): PoolTerms {
  return {
    token: tokenOf(p.token),
    city: p.city as Hex,
    shares: {
      platformBps: Number(p.platformBps),
      cityBps: Number(p.cityBps),
      providerBps: Number(p.providerBps),
      contributorsBps: Number(p.contributorsBps),
    },
    consentGrantee: p.consentGrantee as Hex,
    purpose: p.purpose as Hex,
    categorySetId: Number(p.categorySetId),
    defaultWeight: Number(p.defaultWeight),
  };
}

function splitOf(s: IRevenuePool.SplitStructOutput): PoolSplit {
  return { platform: s.platform, city: s.city, provider: s.provider, contributors: s.contributors };
}

function weightUpdateOf(log: LogDescription): WeightUpdate {
  const a = log.args;
  return {
    poolId: a.getValue("poolId") as bigint,
    member: a.getValue("member") as Hex,
    previousWeight: Number(a.getValue("previousWeight")),
    weight: Number(a.getValue("weight")),
    change: enumName(WEIGHT_CHANGES, a.getValue("change") as bigint, "weight change"),
  };
}

/** The claim of a `Claimed` event, with the `Donated` event of the member's auto-donation in the same claim. */
function claimOf(events: readonly LogDescription[], info: TransactionInfo): PoolClaim {
  const claimed = events.find((event) => event.name === "Claimed");
  if (!claimed) {
    throw new CitizenDataError(`The transaction ${info.transactionHash} emitted no Claimed event`);
  }
  const a = claimed.args;
  const member = a.getValue("member") as Hex;
  const donation = events.find(
    (event) => event.name === "Donated" && event.args.getValue("member") === member,
  );
  const autoDonation = donation
    ? {
        beneficiary: donation.args.getValue("beneficiary") as Hex,
        amount: donation.args.getValue("amount") as bigint,
      }
    : null;
  return {
    ...info,
    poolId: a.getValue("poolId") as bigint,
    member,
    to: a.getValue("to") as Hex,
    amount: a.getValue("amount") as bigint,
    fee: a.getValue("fee") as bigint,
    autoDonation,
  };
}

/** Runs `fn` over `items`, at most `limit` at a time, and returns the results in order. */
async function mapWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Client of a RevenuePool deployment.
 *
 * Providers create pools (shares, consent basis, default weight), register beneficiaries, set weights and relay
 * signed joins. Citizens with a consent in force join, leave, claim (or sign a claim a relayer sends for a fee),
 * donate, set a standing auto-donation and a payout address. Anyone deposits, settles out members whose consent
 * lapsed, pays members in batches, and pays the platform, the city, the provider and beneficiaries what they are
 * owed.
 *
 * Every write checks its input before sending (an {@link InvalidInputError} names the field), returns the
 * decoded event with `{ transactionHash, blockNumber, gasUsed }` once the receipt is in, and turns a revert into
 * a {@link ContractRevertError} (the contract's errors, OpenZeppelin's and the token's, each explained in
 * {@link REVENUE_ERROR_EXPLANATIONS}).
 *
 * Money reaches a pool two ways: {@link RevenueClient.deposit}, and sales of DataLicensing products published
 * with the pool's `poolId` (see `LicensingClient.publish`), which the buyer pays straight into the pool.
 *
 * @example
 * ```ts
 * const provider = RevenueClient.connect(poolAddress, providerSigner);
 * const { poolId } = await provider.createPool({
 *   token: euroToken, city: cityTreasury,
 *   shares: { platformBps: 500, cityBps: 1_500, providerBps: 2_000, contributorsBps: 6_000 },
 *   consentGrantee: mobilityDept, purpose: "ImproveTransportMobility", categories: ["Location", "TravelHistory"],
 * });
 * await provider.withRunner(citizenSigner).join({ poolId }); // needs the citizen's consent in force
 * await provider.withRunner(sponsor).deposit({ poolId, amount: 1_000n * 10n ** 18n, approve: true });
 * const { amount } = await provider.withRunner(citizenSigner).claim({ poolId });
 * ```
 */
export class RevenueClient extends ContractClient<RevenuePool> {
  private constructor(contract: RevenuePool, fromBlock = 0) {
    super(contract, [POOL_SOURCE, TOKEN_SOURCE], fromBlock);
  }

  /**
   * Connects to a RevenuePool contract through `runner` (a signer to write, a provider to read). `target` is the
   * contract's address, or a chain id whose deployment record (`deployments/<network>.json`) names it, or a
   * loaded {@link Deployment}. Event queries then start at the deployment's block by default.
   *
   * @throws {DeploymentNotFoundError} When a chain id is given and no RevenuePool deployment is recorded for it.
   * @example
   * ```ts
   * const revenue = RevenueClient.connect("0x…", signer);
   * const onSepolia = RevenueClient.connect(11155111n, signer);
   * ```
   */
  static connect(
    target: ContractTarget,
    runner: ContractRunner,
    options: ConnectOptions = {},
  ): RevenueClient {
    const { address, fromBlock } = resolveContract(
      target,
      "RevenuePool",
      "revenue pool address",
      options,
    );
    return new RevenueClient(RevenuePool__factory.connect(address, runner), fromBlock);
  }

  /**
   * Connects to the RevenuePool contract recorded for the runner's chain (its provider is asked for the chain
   * id).
   *
   * @throws {DeploymentNotFoundError} When no RevenuePool deployment is recorded for that chain.
   * @example
   * ```ts
   * const revenue = await RevenueClient.fromDeployment(signer);
   * ```
   */
  static async fromDeployment(
    runner: ContractRunner,
    options: ConnectOptions = {},
  ): Promise<RevenueClient> {
    return RevenueClient.connect(await ContractClient.chainIdOf(runner), runner, options);
  }

  /**
   * The same client acting through another signer or provider.
   *
   * @example
   * ```ts
   * const asCitizen = revenue.withRunner(citizenSigner);
   * ```
   */
  withRunner(runner: ContractRunner): RevenueClient {
    return new RevenueClient(this.contract.connect(runner), this.fromBlock);
  }

  // ---------------------------------------------------------------- provider side

  /**
   * Creates a pool; the signer becomes its provider. The shares must add up to 10,000 basis points, and the
   * platform's must be at least the DataLicensing platform fee now (read from the chain). The members' consent
   * basis is a grantee, a purpose (DPV name, IRI or id) and a set of personal-data categories: give either
   * `categories` (DPV names, IRIs or ids), which the client looks up in the ConsentRegistry and registers there
   * first if no set of exactly those exists yet (a transaction of its own), or the id of a registered set.
   * `defaultWeight`, the weight a member joins with, is 1 unless given. Nothing here can change later.
   *
   * @example
   * ```ts
   * const { poolId, categorySetId } = await revenue.createPool({
   *   token: "native", city: cityTreasury,
   *   shares: { platformBps: 500, cityBps: 1_500, providerBps: 2_000, contributorsBps: 6_000 },
   *   consentGrantee: mobilityDept, purpose: "ResearchAndDevelopment", categories: ["Location", "Age"],
   * });
   * ```
   */
  async createPool(params: {
    token: PaymentToken | (string & {});
    city: string;
    shares: {
      platformBps: number | bigint;
      cityBps: number | bigint;
      providerBps: number | bigint;
      contributorsBps: number | bigint;
    };
    consentGrantee: string;
    purpose: PurposeInput;
    /** The personal-data categories the members' consent must cover; or give `categorySetId`. */
    categories?: readonly CategoryInput[];
    /** A category set registered in the ConsentRegistry; or give `categories`. */
    categorySetId?: number | bigint;
    /** The weight a member joins with (default 1). */
    defaultWeight?: number | bigint;
  }): Promise<CreatedPool> {
    const token = toToken(params.token);
    const city = toNonZeroAddress(params.city, "city");
    const consentGrantee = toNonZeroAddress(params.consentGrantee, "consentGrantee");
    if (params.shares === null || typeof params.shares !== "object") {
      throw new InvalidInputError(
        "shares must give platformBps, cityBps, providerBps and contributorsBps",
      );
    }
    const shares: PoolShares = {
      platformBps: toShare(params.shares.platformBps, "shares.platformBps"),
      cityBps: toShare(params.shares.cityBps, "shares.cityBps"),
      providerBps: toShare(params.shares.providerBps, "shares.providerBps"),
      contributorsBps: toShare(params.shares.contributorsBps, "shares.contributorsBps"),
    };
    const total = shares.platformBps + shares.cityBps + shares.providerBps + shares.contributorsBps;
    if (total !== BPS) {
      throw new InvalidInputError(
        `shares must add up to ${BPS} basis points (100%); adjust them so that they do`,
        {
          details: `${shares.platformBps} + ${shares.cityBps} + ${shares.providerBps} + ${shares.contributorsBps} = ${total}`,
        },
      );
    }
    const purpose = toPurposeId(params.purpose);
    if (BigInt(purpose) === 0n) throw new InvalidInputError("purpose must not be the zero id");
    const defaultWeight = toWeight(params.defaultWeight ?? 1, "defaultWeight", false);
    if ((params.categories === undefined) === (params.categorySetId === undefined)) {
      throw new InvalidInputError(
        "give the members' personal-data categories either as categories or as a categorySetId, not both or neither",
      );
    }
    const givenSetId =
      params.categorySetId === undefined
        ? undefined
        : Number(toUint(params.categorySetId, 32, "categorySetId"));
    this.signer(); // the provider is the caller: refuse a read-only client before reading

    const [licensingAddress, registryAddress] = await this.read(() =>
      Promise.all([this.contract.dataLicensing(), this.contract.consentRegistry()]),
    );
    const runner = this.contract.runner;
    const licensing = DataLicensing__factory.connect(licensingAddress, runner);
    const feeBps = Number(await this.read(() => licensing.platformFeeBps()));
    if (shares.platformBps < feeBps) {
      throw new InvalidInputError(
        `shares.platformBps must be at least the DataLicensing platform fee, ${feeBps} basis points now; raise it`,
        { details: `got ${shares.platformBps}` },
      );
    }
    let categorySetId: number;
    if (givenSetId === undefined) {
      // Checks the categories (names, duplicates, count) before anything is sent, then looks the set up and
      // registers it only when it is new.
      const consent = ConsentClient.connect(registryAddress, this.signer());
      categorySetId = await consent.registerCategorySet({ categories: params.categories ?? [] });
    } else {
      const registry = ConsentRegistry__factory.connect(registryAddress, runner);
      let known = false;
      try {
        known = givenSetId !== 0 && (await registry.categoriesOf(givenSetId)).length > 0;
      } catch {
        known = false;
      }
      if (!known) {
        throw new InvalidInputError(
          `categorySetId ${givenSetId} is not a category set registered in the ConsentRegistry (${registryAddress}): give categories instead, or register the set first`,
        );
      }
      categorySetId = givenSetId;
    }
    const args = {
      token,
      city,
      ...shares,
      consentGrantee,
      purpose,
      categorySetId,
      defaultWeight,
    };
    return this.write(
      () => this.contract.createPool(args),
      "PoolCreated",
      (log, info) => ({
        ...info,
        poolId: log.args.getValue("poolId") as bigint,
        provider: log.args.getValue("provider") as Hex,
        ...poolTermsOf(log.args.getValue("params") as IRevenuePool.PoolParamsStructOutput),
      }),
    );
  }

  /**
   * Registers (or, with `allowed: false`, removes) an account members may donate to besides the city.
   * Provider only.
   *
   * @example
   * ```ts
   * await revenue.setBeneficiary({ poolId, beneficiary: foodBank, allowed: true });
   * ```
   */
  async setBeneficiary(params: {
    poolId: bigint | number;
    beneficiary: string;
    allowed: boolean;
  }): Promise<BeneficiaryChanged> {
    const poolId = toPoolId(params.poolId);
    const beneficiary = toNonZeroAddress(params.beneficiary, "beneficiary");
    const allowed = toBool(params.allowed, "allowed");
    return this.write(
      () => this.contract.setBeneficiary(poolId, beneficiary, allowed),
      "BeneficiarySet",
      (log, info) => ({
        ...info,
        poolId: log.args.getValue("poolId") as bigint,
        beneficiary: log.args.getValue("beneficiary") as Hex,
        allowed: log.args.getValue("allowed") as boolean,
      }),
    );
  }

  /**
   * Sets a member's weight; 0 removes it from the pool (what it earned stays claimable). A weight above 0 needs
   * the member's consent in force. What the member earned at its previous weight is settled first. Provider only.
   *
   * @example
   * ```ts
   * await revenue.setWeight({ poolId, member: alice, weight: 3 });
   * ```
   */
  async setWeight(params: {
    poolId: bigint | number;
    member: string;
    weight: number | bigint;
  }): Promise<WeightChanged> {
    const poolId = toPoolId(params.poolId);
    const member = toAddress(params.member, "member");
    const weight = toWeight(params.weight, "weight", true);
    return this.write(
      () => this.contract.setWeight(poolId, member, weight),
      "WeightChanged",
      (log, info) => ({ ...info, ...weightUpdateOf(log) }),
    );
  }

  /**
   * {@link RevenueClient.setWeight} for many members in one transaction (`members[i]` gets `weights[i]`); the
   * whole batch reverts if one change is refused. Provider only.
   *
   * @example
   * ```ts
   * const { changes } = await revenue.setWeights({ poolId, members: [alice, bob], weights: [2, 0] });
   * ```
   */
  async setWeights(params: {
    poolId: bigint | number;
    members: readonly string[];
    weights: readonly (number | bigint)[];
  }): Promise<WeightsChanged> {
    const poolId = toPoolId(params.poolId);
    const members = toMemberList(params.members, "members");
    if (!Array.isArray(params.weights) || params.weights.length !== members.length) {
      throw new InvalidInputError(
        "members and weights must have the same length: one weight per member",
        {
          details: `${members.length} members, ${Array.isArray(params.weights) ? params.weights.length : "no"} weights`,
        },
      );
    }
    const weights = params.weights.map((w: number | bigint, i) =>
      toWeight(w, `weights[${i}]`, true),
    );
    return this.writeAll(
      () => this.contract.setWeights(poolId, members, weights),
      (events, info) => ({
        ...info,
        poolId,
        changes: events.filter((e) => e.name === "WeightChanged").map(weightUpdateOf),
      }),
    );
  }

  /**
   * Builds and signs (EIP-712) a request for `member` to join a pool, for the pool's provider or the member's
   * operator to relay with {@link RevenueClient.joinBySig}. `member` defaults to the signer's address (give it
   * when the member is an ERC-1271 wallet and `signer` the key behind it); `weight` defaults to the pool's
   * default weight, and only the provider may relay another; the nonce is the member's current one (read from
   * the chain, and shared with signed claims: sign and relay one request at a time); the deadline defaults to
   * the latest block's time plus one hour. Nothing is sent.
   *
   * @example
   * ```ts
   * const signed = await revenue.signJoin(citizenSigner, { poolId });
   * await revenue.withRunner(providerSigner).joinBySig(signed);
   * ```
   */
  async signJoin(
    signer: Signer,
    params: {
      poolId: bigint | number;
      member?: string;
      weight?: number | bigint;
      deadline?: bigint | number;
    },
  ): Promise<Signed<JoinRequest>> {
    const poolId = toPoolId(params.poolId);
    const member = toNonZeroAddress(params.member ?? (await signer.getAddress()), "member");
    const given =
      params.weight === undefined ? undefined : toWeight(params.weight, "weight", false);
    const deadline = await this.deadline(params.deadline, 3_600n);
    const weight = given ?? (await this.getPool(poolId)).defaultWeight;
    const nonce = await this.nonces(member);
    return this.sign(signer, "JoinRequest", { poolId, member, weight, nonce, deadline });
  }

  /**
   * Relays a signed join (see {@link RevenueClient.signJoin}). The connected signer must be the pool's provider
   * or the member's operator in the ConsentRegistry, and pays the gas; the member's consent must be in force.
   *
   * @example
   * ```ts
   * const { member, weight } = await revenue.withRunner(providerSigner).joinBySig(signed);
   * ```
   */
  async joinBySig(signed: Signed<JoinRequest>): Promise<WeightChanged> {
    const request = toJoinRequest(signed.request);
    const signature = toSignature(signed.signature);
    return this.write(
      () => this.contract.joinBySig(request, signature),
      "WeightChanged",
      (log, info) => ({ ...info, ...weightUpdateOf(log) }),
    );
  }

  /**
   * Relays many signed joins in one transaction (the pool contract's `multicall`). All or nothing: if one
   * request is refused, the whole batch reverts with that request's error and nobody joins.
   *
   * @example
   * ```ts
   * const batch = await Promise.all(citizens.map((c) => revenue.signJoin(c.key, { poolId })));
   * const joined = await revenue.withRunner(operator).joinBatchBySig(batch);
   * ```
   */
  async joinBatchBySig(batch: readonly Signed<JoinRequest>[]): Promise<WeightChanged[]> {
    if (batch.length === 0)
      throw new InvalidInputError("joinBatchBySig needs at least one signed join");
    const calls = batch.map((signed) =>
      this.contract.interface.encodeFunctionData("joinBySig", [
        toJoinRequest(signed.request),
        toSignature(signed.signature),
      ]),
    );
    return this.writeAll(
      () => this.contract.multicall(calls),
      (events, info) =>
        events
          .filter((e) => e.name === "WeightChanged")
          .map((e) => ({ ...info, ...weightUpdateOf(e) })),
    );
  }

  // ---------------------------------------------------------------- members

  /**
   * Joins a pool with its default weight. The signer's consent must be in force for the pool's grantee, purpose
   * and every one of its categories.
   *
   * @example
   * ```ts
   * const { weight } = await revenue.withRunner(citizenSigner).join({ poolId });
   * ```
   */
  async join(params: { poolId: bigint | number }): Promise<WeightChanged> {
    const poolId = toPoolId(params.poolId);
    return this.write(
      () => this.contract.join(poolId),
      "WeightChanged",
      (log, info) => ({ ...info, ...weightUpdateOf(log) }),
    );
  }

  /**
   * Leaves a pool: the signer stops earning and keeps what it earned, to claim whenever it likes.
   *
   * @example
   * ```ts
   * await revenue.leave({ poolId });
   * ```
   */
  async leave(params: { poolId: bigint | number }): Promise<WeightChanged> {
    const poolId = toPoolId(params.poolId);
    return this.write(
      () => this.contract.leave(poolId),
      "WeightChanged",
      (log, info) => ({ ...info, ...weightUpdateOf(log) }),
    );
  }

  /**
   * Claims everything the signer has earned in a pool, paid to `to` (default: the signer), less its standing
   * auto-donation, which the result reports.
   *
   * @example
   * ```ts
   * const { amount, autoDonation } = await revenue.claim({ poolId });
   * ```
   */
  async claim(params: { poolId: bigint | number; to?: string }): Promise<PoolClaim> {
    const poolId = toPoolId(params.poolId);
    const to =
      params.to === undefined
        ? toAddress(await this.signer().getAddress(), "signer")
        : toNonZeroAddress(params.to, "to");
    return this.writeAll(() => this.contract.claim(poolId, to), claimOf);
  }

  /**
   * Builds and signs (EIP-712) a claim of everything `member` (default: the signer's address) has earned, paid
   * to `to` (default: the member), for anyone to relay with {@link RevenueClient.claimBySig}; the relayer is
   * paid exactly `fee` out of the claim. The nonce is the member's current one (shared with signed joins); the
   * deadline defaults to the latest block's time plus one hour. Nothing is sent.
   *
   * @example
   * ```ts
   * const signed = await revenue.signClaim(citizenSigner, { poolId, fee: 10n ** 15n });
   * await revenue.withRunner(relayerSigner).claimBySig(signed);
   * ```
   */
  async signClaim(
    signer: Signer,
    params: {
      poolId: bigint | number;
      member?: string;
      to?: string;
      fee: bigint | number;
      deadline?: bigint | number;
    },
  ): Promise<Signed<ClaimRequest>> {
    const poolId = toPoolId(params.poolId);
    const member = toNonZeroAddress(params.member ?? (await signer.getAddress()), "member");
    const to = params.to === undefined ? member : toNonZeroAddress(params.to, "to");
    const fee = toUint(params.fee, 256, "fee", "an amount in the pool's token");
    const deadline = await this.deadline(params.deadline, 3_600n);
    const nonce = await this.nonces(member);
    return this.sign(signer, "ClaimRequest", { poolId, member, to, fee, nonce, deadline });
  }

  /**
   * Relays a signed claim (see {@link RevenueClient.signClaim}); the connected signer is paid the signed fee.
   *
   * @example
   * ```ts
   * const { amount, fee } = await revenue.withRunner(relayerSigner).claimBySig(signed);
   * ```
   */
  async claimBySig(signed: Signed<ClaimRequest>): Promise<PoolClaim> {
    const request = toClaimRequest(signed.request);
    const signature = toSignature(signed.signature);
    return this.writeAll(() => this.contract.claimBySig(request, signature), claimOf);
  }

  /**
   * Gives `amount` of what the signer has earned to the pool's city (`"city"`) or to a beneficiary the provider
   * registered. The pool holds it for the beneficiary until {@link RevenueClient.withdrawDonations}.
   *
   * @example
   * ```ts
   * await revenue.donate({ poolId, beneficiary: "city", amount: 5n * 10n ** 18n });
   * ```
   */
  async donate(params: {
    poolId: bigint | number;
    beneficiary: "city" | (string & {});
    amount: bigint | number;
  }): Promise<PoolDonation> {
    const poolId = toPoolId(params.poolId);
    const amount = toPositiveAmount(params.amount, "amount");
    const beneficiary =
      params.beneficiary === "city"
        ? (await this.getPool(poolId)).city
        : toNonZeroAddress(params.beneficiary, "beneficiary");
    return this.write(
      () => this.contract.donate(poolId, beneficiary, amount),
      "Donated",
      (log, info) => ({
        ...info,
        poolId: log.args.getValue("poolId") as bigint,
        member: log.args.getValue("member") as Hex,
        beneficiary: log.args.getValue("beneficiary") as Hex,
        amount: log.args.getValue("amount") as bigint,
      }),
    );
  }

  /**
   * Sets the part of every later claim and payout the signer gives away, as `percent` (0 to 100, at most two
   * decimals) or `bps` (0 to 10,000), to the city (the default) or a registered beneficiary. 0 stops it. If the
   * provider later removes the beneficiary, the auto-donation goes to the city.
   *
   * @example
   * ```ts
   * await revenue.setAutoDonate({ poolId, percent: 10 });                           // 10% to the city
   * await revenue.setAutoDonate({ poolId, beneficiary: foodBank, bps: 2_500 });   // 25% to a beneficiary
   * ```
   */
  async setAutoDonate(params: {
    poolId: bigint | number;
    beneficiary?: "city" | (string & {});
    percent?: number;
    bps?: number | bigint;
  }): Promise<AutoDonateChanged> {
    const poolId = toPoolId(params.poolId);
    const bps = toDonationBps(params);
    const beneficiary =
      params.beneficiary === undefined || params.beneficiary === "city"
        ? ZERO_ADDRESS
        : toNonZeroAddress(params.beneficiary, "beneficiary");
    return this.write(
      () => this.contract.setAutoDonate(poolId, beneficiary, bps),
      "AutoDonateSet",
      (log, info) => ({
        ...info,
        poolId: log.args.getValue("poolId") as bigint,
        member: log.args.getValue("member") as Hex,
        beneficiary: log.args.getValue("beneficiary") as Hex,
        bps: Number(log.args.getValue("bps")),
      }),
    );
  }

  /**
   * Sets where batch payouts of a pool pay the signer; `null` pays the signer itself. Claims name their own
   * recipient and ignore it.
   *
   * @example
   * ```ts
   * await revenue.setPayoutAddress({ poolId, payoutAddress: savingsWallet });
   * ```
   */
  async setPayoutAddress(params: {
    poolId: bigint | number;
    payoutAddress: string | null;
  }): Promise<PayoutAddressChanged> {
    const poolId = toPoolId(params.poolId);
    const payoutAddress =
      params.payoutAddress === null
        ? ZERO_ADDRESS
        : toAddress(params.payoutAddress, "payoutAddress");
    return this.write(
      () => this.contract.setPayoutAddress(poolId, payoutAddress),
      "PayoutAddressSet",
      (log, info) => ({
        ...info,
        poolId: log.args.getValue("poolId") as bigint,
        member: log.args.getValue("member") as Hex,
        payoutAddress: nullIfZero(log.args.getValue("payoutAddress") as string),
      }),
    );
  }

  // ---------------------------------------------------------------- anyone

  /**
   * Pays `amount` into a pool, split and credited at once. Native-coin pool: exactly `amount` is sent with the
   * call. ERC-20 pool: the pool contract must be approved for `amount`; with `approve: true` the SDK first
   * approves exactly `amount` when the allowance is short (after checking the deposit would otherwise go
   * through), otherwise it refuses before sending, saying what to approve.
   *
   * @example
   * ```ts
   * const { split } = await revenue.deposit({ poolId, amount: 1_000n * 10n ** 18n, approve: true });
   * ```
   */
  async deposit(params: {
    poolId: bigint | number;
    amount: bigint | number;
    approve?: boolean;
  }): Promise<PoolDeposit> {
    const poolId = toPoolId(params.poolId);
    const amount = toPositiveAmount(params.amount, "amount");
    const approve = toBool(params.approve ?? false, "approve");
    const { token } = await this.getPool(poolId);
    const value = await this.pay(token, amount, approve, () =>
      this.contract.deposit.staticCall(poolId, amount),
    );
    return this.write(
      () => this.contract.deposit(poolId, amount, { value }),
      "Deposited",
      (log, info) => ({
        ...info,
        poolId: log.args.getValue("poolId") as bigint,
        payer: log.args.getValue("payer") as Hex,
        amount: log.args.getValue("amount") as bigint,
        split: splitOf(log.args.getValue("split") as IRevenuePool.SplitStructOutput),
      }),
    );
  }

  /**
   * Stops a member whose consent was withdrawn or has expired from earning; what it earned stays claimable.
   * Anyone may send it.
   *
   * @example
   * ```ts
   * if (!(await revenue.hasValidConsent({ poolId, member }))) await revenue.settleOut({ poolId, member });
   * ```
   */
  async settleOut(params: { poolId: bigint | number; member: string }): Promise<WeightChanged> {
    const poolId = toPoolId(params.poolId);
    const member = toAddress(params.member, "member");
    return this.write(
      () => this.contract.settleOut(poolId, member),
      "WeightChanged",
      (log, info) => ({ ...info, ...weightUpdateOf(log) }),
    );
  }

  /**
   * {@link RevenueClient.settleOut} for many members, skipping those who are not members or whose consent still
   * holds; returns who was settled out, from the transaction's events. Anyone may send it.
   *
   * @example
   * ```ts
   * const { settled } = await revenue.settleOutBatch({ poolId, members: everyone });
   * ```
   */
  async settleOutBatch(params: {
    poolId: bigint | number;
    members: readonly string[];
  }): Promise<SettledOut> {
    const poolId = toPoolId(params.poolId);
    const members = toMemberList(params.members, "members");
    return this.writeAll(
      () => this.contract.settleOutBatch(poolId, members),
      (events, info) => {
        const settledOut = events
          .filter((e) => e.name === "WeightChanged")
          .map(weightUpdateOf)
          .filter((u) => u.change === "settledOut")
          .map((u) => u.member);
        return { ...info, poolId, settled: settledOut.length, members: settledOut };
      },
    );
  }

  /**
   * Pays each listed member everything it has earned, to its payout address, less its auto-donation. A member
   * who cannot be paid (its recipient or the token refuses) keeps its balance claimable and the batch goes on; a
   * member with nothing owed is skipped, so the same batch sent twice pays nobody twice. Anyone may send it; the
   * caller chooses the batch size (see {@link RevenueClient.membersWithBalance} to build the list).
   *
   * @example
   * ```ts
   * const owed = await revenue.membersWithBalance(poolId);
   * const { paid, failed, total } = await revenue.payout({ poolId, members: owed.map((m) => m.member) });
   * ```
   */
  async payout(params: {
    poolId: bigint | number;
    members: readonly string[];
  }): Promise<PayoutResult> {
    const poolId = toPoolId(params.poolId);
    const members = toMemberList(params.members, "members");
    return this.writeAll(
      () => this.contract.payout(poolId, members),
      (events, info) => {
        const paid: PaidMember[] = [];
        const failed: FailedPayout[] = [];
        const donated = new Map<Hex, bigint>();
        for (const event of events) {
          const a = event.args;
          if (event.name === "PaidOut") {
            paid.push({
              member: a.getValue("member") as Hex,
              to: a.getValue("to") as Hex,
              amount: a.getValue("amount") as bigint,
              donated: 0n,
            });
          } else if (event.name === "PayoutFailed") {
            failed.push({
              member: a.getValue("member") as Hex,
              to: a.getValue("to") as Hex,
              amount: a.getValue("amount") as bigint,
            });
          } else if (event.name === "Donated") {
            // A payout's auto-donations; the contract emits each just before the member's PaidOut event (the
            // interface's NatSpec says after), so they are matched by member, not by position.
            const member = a.getValue("member") as Hex;
            donated.set(member, (donated.get(member) ?? 0n) + (a.getValue("amount") as bigint));
          }
        }
        for (const p of paid) p.donated = donated.get(p.member) ?? 0n;
        const acted = new Set([...paid, ...failed].map((p) => p.member));
        const skipped = [...new Set(members)].filter((m) => !acted.has(m));
        const total = paid.reduce((sum, p) => sum + p.amount, 0n);
        return { ...info, poolId, paid, failed, skipped, total };
      },
    );
  }

  /**
   * Pays the platform (its DataLicensing treasury), the city or the provider what the pool owes it, to its
   * account. Anyone may send it.
   *
   * @example
   * ```ts
   * const { amount, to } = await revenue.withdraw({ poolId, role: "city" });
   * ```
   */
  async withdraw(params: { poolId: bigint | number; role: PoolRole }): Promise<PoolWithdrawal> {
    const poolId = toPoolId(params.poolId);
    const role = POOL_ROLES.indexOf(params.role);
    if (role < 0) {
      throw new InvalidInputError(
        `role must be one of ${POOL_ROLES.map((r) => `"${r}"`).join(", ")} (members claim instead)`,
        { details: `got ${JSON.stringify(params.role)}` },
      );
    }
    return this.write(
      () => this.contract.withdraw(poolId, role),
      "RevenueWithdrawn",
      (log, info) => ({
        ...info,
        poolId: log.args.getValue("poolId") as bigint,
        role: enumName(POOL_ROLES, log.args.getValue("role") as bigint, "role"),
        to: log.args.getValue("to") as Hex,
        amount: log.args.getValue("amount") as bigint,
      }),
    );
  }

  /**
   * Pays a beneficiary (`"city"` for the pool's city) the donations the pool holds for it. Anyone may send it.
   *
   * @example
   * ```ts
   * const { amount } = await revenue.withdrawDonations({ poolId, beneficiary: "city" });
   * ```
   */
  async withdrawDonations(params: {
    poolId: bigint | number;
    beneficiary: "city" | (string & {});
  }): Promise<DonationsWithdrawal> {
    const poolId = toPoolId(params.poolId);
    const beneficiary =
      params.beneficiary === "city"
        ? (await this.getPool(poolId)).city
        : toNonZeroAddress(params.beneficiary, "beneficiary");
    return this.write(
      () => this.contract.withdrawDonations(poolId, beneficiary),
      "DonationsWithdrawn",
      (log, info) => ({
        ...info,
        poolId: log.args.getValue("poolId") as bigint,
        beneficiary: log.args.getValue("beneficiary") as Hex,
        amount: log.args.getValue("amount") as bigint,
      }),
    );
  }

  // ---------------------------------------------------------------- views

  /**
   * A pool's terms, provider and total weight.
   *
   * @example
   * ```ts
   * const { token, shares, defaultWeight, totalWeight } = await revenue.getPool(poolId);
   * ```
   */
  async getPool(poolId: bigint | number): Promise<PoolDetails> {
    const id = toPoolId(poolId);
    const p = await this.read(() => this.contract.getPool(id));
    return {
      poolId: id,
      provider: p.provider as Hex,
      ...poolTermsOf(p),
      totalWeight: Number(p.totalWeight),
    };
  }

  /**
   * A pool's running totals: received, accumulated per weight, carried and unassigned.
   *
   * @example
   * ```ts
   * const { received } = await revenue.accountsOf(poolId);
   * ```
   */
  async accountsOf(poolId: bigint | number): Promise<PoolAccounts> {
    const id = toPoolId(poolId);
    const a = await this.read(() => this.contract.accountsOf(id));
    return {
      received: a.received,
      accumulatedPerWeight: a.accumulatedPerWeight,
      carried: a.carried,
      unassigned: a.unassigned,
    };
  }

  /**
   * A member's weight, auto-donation and claimable balance (weight 0 if not a member).
   *
   * @example
   * ```ts
   * const { weight, autoDonateBps, autoDonateTo, claimable } = await revenue.memberOf({ poolId, member });
   * ```
   */
  async memberOf(params: { poolId: bigint | number; member: string }): Promise<PoolMember> {
    const poolId = toPoolId(params.poolId);
    const member = toAddress(params.member, "member");
    const m = await this.read(() => this.contract.memberOf(poolId, member));
    return {
      weight: Number(m.weight),
      autoDonateBps: Number(m.autoDonateBps),
      autoDonateTo: m.autoDonateTo as Hex,
      claimable: m.claimable,
    };
  }

  /**
   * What a member can claim now (before its auto-donation).
   *
   * @example
   * ```ts
   * const claimable = await revenue.claimableOf({ poolId, member });
   * ```
   */
  async claimableOf(params: { poolId: bigint | number; member: string }): Promise<bigint> {
    const poolId = toPoolId(params.poolId);
    const member = toAddress(params.member, "member");
    return this.read(() => this.contract.claimableOf(poolId, member));
  }

  /**
   * What a pool owes the platform, the city and the provider now.
   *
   * @example
   * ```ts
   * const { platform, city, provider } = await revenue.owed(poolId);
   * ```
   */
  async owed(poolId: bigint | number): Promise<PoolOwed> {
    const id = toPoolId(poolId);
    const [platform, city, provider] = await this.read(() => this.contract.owed(id));
    return { platform, city, provider };
  }

  /**
   * The rounding remainder (at most 3 wei) of a pool's split that no party is entitled to yet.
   *
   * @example
   * ```ts
   * const dust = await revenue.splitRemainder(poolId);
   * ```
   */
  async splitRemainder(poolId: bigint | number): Promise<bigint> {
    const id = toPoolId(poolId);
    return this.read(() => this.contract.splitRemainder(id));
  }

  /**
   * Donations a pool holds for a beneficiary (`"city"` for the pool's city), not yet withdrawn.
   *
   * @example
   * ```ts
   * const held = await revenue.donationsOf({ poolId, beneficiary: "city" });
   * ```
   */
  async donationsOf(params: {
    poolId: bigint | number;
    beneficiary: "city" | (string & {});
  }): Promise<bigint> {
    const poolId = toPoolId(params.poolId);
    const beneficiary =
      params.beneficiary === "city"
        ? (await this.getPool(poolId)).city
        : toAddress(params.beneficiary, "beneficiary");
    return this.read(() => this.contract.donationsOf(poolId, beneficiary));
  }

  /**
   * Whether members may donate to `account`: the pool's city or a beneficiary the provider registered.
   *
   * @example
   * ```ts
   * if (await revenue.isBeneficiary({ poolId, account: foodBank })) await revenue.donate({ … });
   * ```
   */
  async isBeneficiary(params: { poolId: bigint | number; account: string }): Promise<boolean> {
    const poolId = toPoolId(params.poolId);
    const account = toAddress(params.account, "account");
    return this.read(() => this.contract.isBeneficiary(poolId, account));
  }

  /**
   * Where batch payouts of a pool pay `member` (the member itself unless it set another address).
   *
   * @example
   * ```ts
   * const to = await revenue.payoutAddressOf({ poolId, member });
   * ```
   */
  async payoutAddressOf(params: { poolId: bigint | number; member: string }): Promise<Hex> {
    const poolId = toPoolId(params.poolId);
    const member = toAddress(params.member, "member");
    return (await this.read(() => this.contract.payoutAddressOf(poolId, member))) as Hex;
  }

  /**
   * Whether `member`'s consent covers the pool's grantee, purpose and categories now: the condition to join,
   * and to keep earning (a member without it can be settled out).
   *
   * @example
   * ```ts
   * const ok = await revenue.hasValidConsent({ poolId, member });
   * ```
   */
  async hasValidConsent(params: { poolId: bigint | number; member: string }): Promise<boolean> {
    const poolId = toPoolId(params.poolId);
    const member = toAddress(params.member, "member");
    return this.read(() => this.contract.hasValidConsent(poolId, member));
  }

  /**
   * The nonce `member`'s next signed join or claim must carry (one sequence for both, across all pools).
   *
   * @example
   * ```ts
   * const nonce = await revenue.nonces(member);
   * ```
   */
  async nonces(member: string): Promise<bigint> {
    const account = toAddress(member, "member");
    return this.read(() => this.contract.nonces(account));
  }

  /**
   * How many pools exist; ids run from 1 to this number.
   *
   * @example
   * ```ts
   * const count = await revenue.poolCount();
   * ```
   */
  async poolCount(): Promise<bigint> {
    return this.read(() => this.contract.poolCount());
  }

  /**
   * The contract's EIP-712 domain, read from the contract (ERC-5267), for signing joins and claims with any
   * wallet.
   *
   * @example
   * ```ts
   * const signature = await account.signTypedData(revenueTypedData(await revenue.domain(), "ClaimRequest", request)); // viem
   * ```
   */
  async domain(): Promise<RevenueDomain> {
    return toDomain(await this.read(() => this.contract.eip712Domain()));
  }

  // ---------------------------------------------------------------- event queries

  /**
   * Every account that has something to claim in a pool, sorted by address: the accounts that ever appeared in
   * the pool's `WeightChanged` events in the range (a balance can only be earned with weight), with what each
   * can claim at the range's last block, read `concurrency` at a time (default 8) without a multicall contract.
   * With a `toBlock` in the past, the node must serve state at that block (an archive node). The list is what a
   * batch {@link RevenueClient.payout} takes.
   *
   * @example
   * ```ts
   * const owed = await revenue.membersWithBalance(poolId, { fromBlock: deploymentBlock });
   * for (let i = 0; i < owed.length; i += 200) {
   *   await revenue.payout({ poolId, members: owed.slice(i, i + 200).map((m) => m.member) });
   * }
   * ```
   */
  async membersWithBalance(
    poolId: bigint | number,
    options: BlockRange & { concurrency?: number } = {},
  ): Promise<MemberBalance[]> {
    const id = toPoolId(poolId);
    const range = toBlockRange(options, this.fromBlock);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InvalidInputError("concurrency must be a positive whole number", {
        details: `got ${String(concurrency)}`,
      });
    }
    await this.getPool(id); // an unknown pool is an error, not an empty list
    const toBlock =
      range.toBlock === "latest" ? await this.provider().getBlockNumber() : range.toBlock;
    const events = await this.read(() =>
      this.contract.queryFilter(this.contract.filters.WeightChanged(id), range.fromBlock, toBlock),
    );
    const accounts = [...new Set(events.map((e) => getAddress(e.args.member) as Hex))];
    const balances = await mapWithLimit(accounts, concurrency, async (member) => ({
      member,
      claimable: await this.read(() =>
        this.contract.claimableOf(id, member, { blockTag: toBlock }),
      ),
    }));
    return balances
      .filter((b) => b.claimable > 0n)
      .sort((a, b) => (a.member.toLowerCase() < b.member.toLowerCase() ? -1 : 1));
  }

  /**
   * Everything the RevenuePool contract recorded about a pool in a block range, decoded and in chain order:
   * its creation, beneficiaries, joins and weight changes, deposits, claims, payouts (and failed ones),
   * donations, auto-donation and payout-address settings, and withdrawals. `types` narrows it to some kinds.
   *
   * A licence sale paid into the pool is not a pool event: it is DataLicensing's `LicenceIssued` event for a
   * product whose `poolId` is this pool (its `sale` carries the same split), so read those with the licensing
   * contract. The pool's `accountsOf(poolId).received` counts both.
   *
   * @example
   * ```ts
   * const activity = await revenue.poolActivity(poolId, { fromBlock: deploymentBlock, types: ["deposited", "claimed"] });
   * const deposited = activity.reduce((sum, e) => (e.type === "deposited" ? sum + e.amount : sum), 0n);
   * ```
   */
  async poolActivity(
    poolId: bigint | number,
    options: BlockRange & { types?: readonly PoolActivityType[] } = {},
  ): Promise<PoolActivity[]> {
    const id = toPoolId(poolId);
    const range = toBlockRange(options, this.fromBlock);
    const types = options.types ?? ACTIVITY_TYPES;
    if (!Array.isArray(types) || types.length === 0) {
      throw new InvalidInputError("types must list at least one kind of pool activity");
    }
    const topics = types.map((type: PoolActivityType, i) => {
      const eventName = ACTIVITY_EVENTS[type];
      if (eventName === undefined) {
        throw new InvalidInputError(
          `types[${i}] must be one of ${ACTIVITY_TYPES.map((t) => `"${t}"`).join(", ")}`,
          { details: `got ${JSON.stringify(type)}` },
        );
      }
      const fragment = (this.contract.interface as Interface).getEvent(eventName);
      if (!fragment) throw new CitizenDataError(`The RevenuePool ABI has no ${eventName} event`);
      return fragment.topicHash;
    });
    await this.getPool(id); // an unknown pool is an error, not an empty history
    const logs = await this.read(() =>
      this.provider().getLogs({
        address: this.address,
        topics: [topics, zeroPadValue(toBeHex(id), 32)],
        fromBlock: range.fromBlock,
        toBlock: range.toBlock,
      }),
    );
    return [...logs]
      .sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
      .map((log) => this.activityOf(log));
  }

  // ---------------------------------------------------------------- internals

  private activityOf(log: Log): PoolActivity {
    const event = this.contract.interface.parseLog(log);
    if (!event)
      throw new CitizenDataError(`Unknown event in log ${log.index} of ${log.transactionHash}`);
    const a = event.args;
    const base: PoolEventBase = {
      poolId: a.getValue("poolId") as bigint,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash as Hex,
      logIndex: log.index,
    };
    const address = (name: string): Hex => a.getValue(name) as Hex;
    const amount = (): bigint => a.getValue("amount") as bigint;
    switch (event.name) {
      case "PoolCreated":
        return {
          ...base,
          type: "poolCreated",
          provider: address("provider"),
          terms: poolTermsOf(a.getValue("params") as IRevenuePool.PoolParamsStructOutput),
        };
      case "BeneficiarySet":
        return {
          ...base,
          type: "beneficiarySet",
          beneficiary: address("beneficiary"),
          allowed: a.getValue("allowed") as boolean,
        };
      case "WeightChanged":
        return { ...base, ...weightUpdateOf(event), type: "weightChanged" };
      case "Deposited":
        return {
          ...base,
          type: "deposited",
          payer: address("payer"),
          amount: amount(),
          split: splitOf(a.getValue("split") as IRevenuePool.SplitStructOutput),
        };
      case "Claimed":
        return {
          ...base,
          type: "claimed",
          member: address("member"),
          to: address("to"),
          amount: amount(),
          fee: a.getValue("fee") as bigint,
        };
      case "PaidOut":
        return {
          ...base,
          type: "paidOut",
          member: address("member"),
          to: address("to"),
          amount: amount(),
        };
      case "PayoutFailed":
        return {
          ...base,
          type: "payoutFailed",
          member: address("member"),
          to: address("to"),
          amount: amount(),
        };
      case "Donated":
        return {
          ...base,
          type: "donated",
          member: address("member"),
          beneficiary: address("beneficiary"),
          amount: amount(),
        };
      case "AutoDonateSet":
        return {
          ...base,
          type: "autoDonateSet",
          member: address("member"),
          beneficiary: address("beneficiary"),
          bps: Number(a.getValue("bps")),
        };
      case "PayoutAddressSet":
        return {
          ...base,
          type: "payoutAddressSet",
          member: address("member"),
          payoutAddress: nullIfZero(address("payoutAddress")),
        };
      case "RevenueWithdrawn":
        return {
          ...base,
          type: "revenueWithdrawn",
          role: enumName(POOL_ROLES, a.getValue("role") as bigint, "role"),
          to: address("to"),
          amount: amount(),
        };
      case "DonationsWithdrawn":
        return {
          ...base,
          type: "donationsWithdrawn",
          beneficiary: address("beneficiary"),
          amount: amount(),
        };
      default:
        throw new CitizenDataError(`Unexpected ${event.name} event among pool activity`);
    }
  }

  private async sign<P extends RevenuePrimaryType>(
    signer: Signer,
    primaryType: P,
    message: RevenueRequests[P],
  ): Promise<Signed<RevenueRequests[P]>> {
    const typed = revenueTypedData(await this.domain(), primaryType, message);
    return { request: message, signature: await signTypedDataWith(signer, typed) };
  }

  /**
   * Prepares a payment of `amount` into a pool: the native coin to send with the call, or, for an ERC-20, an
   * allowance that covers it (see {@link ContractClient.ensureAllowance}).
   */
  private async pay(
    token: PaymentToken,
    amount: bigint,
    approve: boolean,
    simulate: () => Promise<unknown>,
  ): Promise<bigint> {
    if (token === "native") return amount;
    await this.ensureAllowance({
      token,
      amount,
      approve,
      simulate,
      tokenSource: TOKEN_SOURCE,
      refuse: (allowance) =>
        new InvalidInputError(
          `allowance: approve the pool contract (${this.address}) for ${amount} of the pool's token (${token}) first, ` +
            `or pass approve: true; it may transfer ${allowance} of your tokens now`,
        ),
    });
    return 0n;
  }
}
