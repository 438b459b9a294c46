import { Signature, id, type Signer } from "ethers";
import type { DataLicensing, MockERC20 } from "../../typechain-types/index.js";
import { OFFER_TYPES, PERMIT_TYPES } from "../../sdk/licensing-typed-data.js";
import { domainOf } from "./consent.js";

type Hex = `0x${string}`;

export const RESEARCH = id("https://w3id.org/dpv#ResearchAndDevelopment") as Hex;
export const PUBLIC_BENEFIT = id("https://w3id.org/dpv#PublicBenefit") as Hex;
export const MARKETING = id("https://w3id.org/dpv#Marketing") as Hex;
export const TERMS = id("terms document v1") as Hex;
export const DAY = 86_400n;
export const MAX_UINT64 = 2n ** 64n - 1n;

/** An offer as the contract takes it. */
export interface OfferStruct {
  productId: bigint;
  buyer: Hex;
  purpose: Hex;
  price: bigint;
  period: bigint;
  termsVersion: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** Signs an offer with `signer` over the licensing contract's EIP-712 domain (or an altered one). */
export async function signOffer(
  signer: Signer,
  licensing: DataLicensing,
  offer: OfferStruct,
  domainOverride: Partial<{ chainId: bigint; verifyingContract: string }> = {},
): Promise<Hex> {
  return (await signer.signTypedData(
    await domainOf(licensing, domainOverride),
    { Offer: [...OFFER_TYPES.Offer] },
    offer,
  )) as Hex;
}

/** Signs an EIP-2612 permit letting `spender` take `value` of `token` from `owner`. */
export async function signPermit(
  owner: Signer,
  token: MockERC20,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<{ v: number; r: string; s: string }> {
  const address = await owner.getAddress();
  const signature = await owner.signTypedData(
    await domainOf(token),
    { Permit: [...PERMIT_TYPES.Permit] },
    { owner: address, spender, value, nonce: await token.nonces(address), deadline },
  );
  const { v, r, s } = Signature.from(signature);
  return { v, r, s };
}
