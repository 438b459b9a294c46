/**
 * EIP-712 typed data of the RevenuePool contract's signed joins and claims, usable with ethers
 * (`signer.signTypedData`) and viem (`account.signTypedData`, `walletClient.signTypedData`) alike.
 *
 * @module
 */

type Hex = `0x${string}`;

/**
 * The EIP-712 domain of a RevenuePool deployment: `{ name: "RevenuePool", version: "1", chainId,
 * verifyingContract }`. Read it from the contract with `RevenueClient.domain()`.
 *
 * @example
 * ```ts
 * const domain: RevenueDomain = { name: "RevenuePool", version: "1", chainId: 11155111n, verifyingContract: pool };
 * ```
 */
export interface RevenueDomain {
  readonly name: string;
  readonly version: string;
  readonly chainId: bigint;
  readonly verifyingContract: Hex;
}

/**
 * EIP-712 struct definitions of the two signed requests, `as const` for viem's type inference. They match the
 * contract's `JoinRequest(uint256 poolId,address member,uint32 weight,uint256 nonce,uint256 deadline)` and
 * `ClaimRequest(uint256 poolId,address member,address to,uint256 fee,uint256 nonce,uint256 deadline)`.
 *
 * @example
 * ```ts
 * const signature = await signer.signTypedData(domain, { JoinRequest: [...REVENUE_TYPES.JoinRequest] }, request);
 * ```
 */
export const REVENUE_TYPES = {
  JoinRequest: [
    { name: "poolId", type: "uint256" },
    { name: "member", type: "address" },
    { name: "weight", type: "uint32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
  ClaimRequest: [
    { name: "poolId", type: "uint256" },
    { name: "member", type: "address" },
    { name: "to", type: "address" },
    { name: "fee", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/**
 * A citizen's signed request to join a pool, relayed by the pool's provider or the citizen's operator.
 *
 * @example
 * ```ts
 * const request: JoinRequest = { poolId: 1n, member, weight: 1, nonce: 0n, deadline: 1_900_000_000n };
 * ```
 */
export interface JoinRequest {
  poolId: bigint;
  member: Hex;
  /** The weight to join with (`uint32`): the pool's default, unless the provider relays the request. */
  weight: number;
  /** The member's current nonce in the pool contract (shared by joins and claims). */
  nonce: bigint;
  /** Last second (unix time) the request can be used. */
  deadline: bigint;
}

/**
 * A member's signed claim, relayed by anyone, who is paid exactly `fee` out of the claim.
 *
 * @example
 * ```ts
 * const request: ClaimRequest = { poolId: 1n, member, to: member, fee: 10n ** 15n, nonce: 1n, deadline };
 * ```
 */
export interface ClaimRequest {
  poolId: bigint;
  member: Hex;
  /** Where the claim is paid. */
  to: Hex;
  /** What the relayer takes out of the claim, in the pool's token. */
  fee: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** The requests, by EIP-712 primary type. */
export interface RevenueRequests {
  JoinRequest: JoinRequest;
  ClaimRequest: ClaimRequest;
}

/** The primary types a RevenuePool signature can be over. */
export type RevenuePrimaryType = keyof RevenueRequests;

/**
 * Everything a wallet needs to sign a join or a claim, in the shape viem's `signTypedData` takes.
 *
 * @example
 * ```ts
 * const typed: RevenueTypedData<"ClaimRequest"> = revenueTypedData(domain, "ClaimRequest", request);
 * ```
 */
export interface RevenueTypedData<P extends RevenuePrimaryType> {
  domain: RevenueDomain;
  types: Pick<typeof REVENUE_TYPES, P>;
  primaryType: P;
  message: RevenueRequests[P];
}

/**
 * Builds the typed data of a join or claim request; for ethers pass `domain`, `types` and `message` to
 * `signer.signTypedData`.
 *
 * @example
 * ```ts
 * const typed = revenueTypedData(await revenue.domain(), "JoinRequest", request);
 * const signature = await privateKeyToAccount(key).signTypedData(typed); // viem
 * ```
 */
export function revenueTypedData<P extends RevenuePrimaryType>(
  domain: RevenueDomain,
  primaryType: P,
  message: RevenueRequests[P],
): RevenueTypedData<P> {
  const types = { [primaryType]: REVENUE_TYPES[primaryType] } as Pick<typeof REVENUE_TYPES, P>;
  return { domain, types, primaryType, message };
}
