import { Signature, id, type Signer } from "ethers";
import {
  consentTypedData,
  type ConsentDomain,
  type ConsentPrimaryType,
  type ConsentRequests,
} from "../../sdk/consent-typed-data.js";

type Hex = `0x${string}`;

/** Test purposes and categories: ids as the SDK's DPV vocabulary computes them (keccak256 of the IRI). */
export const PURPOSE = id("https://w3id.org/dpv#ResearchAndDevelopment") as Hex;
export const OTHER_PURPOSE = id("https://w3id.org/dpv#PublicBenefit") as Hex;
const RAW_CATEGORIES = [
  id("https://w3id.org/dpv/pd#Location"),
  id("https://w3id.org/dpv/pd#Age"),
  id("https://w3id.org/dpv/pd#TravelHistory"),
] as Hex[];
/** Three categories, sorted strictly ascending as the registry requires. */
export const CATEGORIES = [...RAW_CATEGORIES].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
export const [CAT_A, CAT_B, CAT_C] = CATEGORIES as [Hex, Hex, Hex];
export const RECEIPT = id("receipt-1") as Hex;
export const FAR_FUTURE = 2n ** 40n - 1n;
/** secp256k1 group order, to build malleable (high-s) signatures. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A contract that reports its EIP-712 domain (EIP-5267): the registry, the licensing contract, the pool, a permit token. */
export interface Eip712Contract {
  eip712Domain(): Promise<{
    name: string;
    version: string;
    chainId: bigint;
    verifyingContract: string;
  }>;
}

/**
 * A contract's EIP-712 domain as the contract reports it, with `override` applied (pass another chain id or
 * verifying contract to sign over an altered domain and test refusals).
 */
export async function domainOf(
  contract: Eip712Contract,
  override: Partial<{ chainId: bigint; verifyingContract: string }> = {},
): Promise<ConsentDomain> {
  const d = await contract.eip712Domain();
  return {
    name: d.name,
    version: d.version,
    chainId: override.chainId ?? d.chainId,
    verifyingContract: (override.verifyingContract ?? d.verifyingContract) as Hex,
  };
}

/** Signs a request over `domain` (pass a tampered domain to test refusals). */
export async function signRequest<P extends ConsentPrimaryType>(
  signer: Signer,
  domain: ConsentDomain,
  primaryType: P,
  message: ConsentRequests[P],
): Promise<Hex> {
  const typed = consentTypedData(domain, primaryType, message);
  const types = typed.types as unknown as Record<string, { name: string; type: string }[]>;
  return (await signer.signTypedData(typed.domain, types, { ...typed.message })) as Hex;
}

/** The same signature with s replaced by n - s and v flipped: valid for ecrecover, refused by OpenZeppelin's ECDSA. */
export function malleate(signature: Hex): Hex {
  const sig = Signature.from(signature);
  const highS = SECP256K1_N - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return `0x${sig.r.slice(2)}${highS.toString(16).padStart(64, "0")}${v.toString(16)}` as Hex;
}
