/**
 * EIP-712 typed data of the ConsentRegistry's signed requests, usable with ethers (`signer.signTypedData`)
 * and viem (`walletClient.signTypedData`) alike.
 */

/** The EIP-712 domain of a ConsentRegistry deployment. */
export interface ConsentDomain {
  readonly name: string;
  readonly version: string;
  readonly chainId: bigint;
  readonly verifyingContract: `0x${string}`;
}

/** EIP-712 struct definitions of the registry's four signed requests, `as const` for viem's type inference. */
export const CONSENT_TYPES = {
  GrantRequest: [
    { name: "subject", type: "address" },
    { name: "grantee", type: "address" },
    { name: "purpose", type: "bytes32" },
    { name: "categories", type: "bytes32[]" },
    { name: "validUntil", type: "uint64" },
    { name: "receiptHash", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "epoch", type: "uint32" },
    { name: "deadline", type: "uint256" },
  ],
  WithdrawRequest: [
    { name: "subject", type: "address" },
    { name: "grantee", type: "address" },
    { name: "purpose", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint256" },
  ],
  WithdrawAllRequest: [
    { name: "subject", type: "address" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint256" },
  ],
  SetOperatorRequest: [
    { name: "subject", type: "address" },
    { name: "operator", type: "address" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

type Hex = `0x${string}`;

/** A grant for the subject to sign. */
export interface GrantRequest {
  subject: Hex;
  grantee: Hex;
  purpose: Hex;
  categories: readonly Hex[];
  validUntil: bigint;
  receiptHash: Hex;
  /** The consent's current nonce: any later change to the consent voids the request. */
  nonce: bigint;
  /** The subject's current epoch: a withdraw-all voids the request. */
  epoch: number;
  deadline: bigint;
}

/** A withdrawal for the subject to sign. */
export interface WithdrawRequest {
  subject: Hex;
  grantee: Hex;
  purpose: Hex;
  nonce: bigint;
  deadline: bigint;
}

/** A withdraw-all for the subject to sign. */
export interface WithdrawAllRequest {
  subject: Hex;
  nonce: bigint;
  deadline: bigint;
}

/** An operator appointment (zero address removes the operator) for the subject to sign. */
export interface SetOperatorRequest {
  subject: Hex;
  operator: Hex;
  nonce: bigint;
  deadline: bigint;
}

/** The request type for each primary type. */
export interface ConsentRequests {
  GrantRequest: GrantRequest;
  WithdrawRequest: WithdrawRequest;
  WithdrawAllRequest: WithdrawAllRequest;
  SetOperatorRequest: SetOperatorRequest;
}

/** Name of one of the registry's signed request types. */
export type ConsentPrimaryType = keyof ConsentRequests;

/** Everything a wallet needs to sign one request. */
export interface ConsentTypedData<P extends ConsentPrimaryType> {
  domain: ConsentDomain;
  types: Pick<typeof CONSENT_TYPES, P>;
  primaryType: P;
  message: ConsentRequests[P];
}

/**
 * Builds the typed data of a request, in the shape viem's `signTypedData` takes; for ethers pass
 * `domain`, `types` and `message` to `signer.signTypedData`.
 *
 * @example
 * ```ts
 * const typed = consentTypedData(domain, "WithdrawAllRequest", { subject, nonce: 0n, deadline });
 * const signature = await walletClient.signTypedData({ account, ...typed }); // viem
 * const same = await signer.signTypedData(typed.domain, typed.types, typed.message); // ethers
 * ```
 */
export function consentTypedData<P extends ConsentPrimaryType>(
  domain: ConsentDomain,
  primaryType: P,
  message: ConsentRequests[P],
): ConsentTypedData<P> {
  const types = { [primaryType]: CONSENT_TYPES[primaryType] } as Pick<typeof CONSENT_TYPES, P>;
  return { domain, types, primaryType, message };
}
