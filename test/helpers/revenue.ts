import type { Signer } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type {
  ConsentRegistry,
  DataLicensing,
  MockERC20,
  RevenuePool,
} from "../../typechain-types/index.js";
import {
  REVENUE_TYPES,
  type RevenuePrimaryType,
  type RevenueRequests,
} from "../../sdk/revenue-typed-data.js";
import { CAT_A, CAT_B, CATEGORIES, FAR_FUTURE, PURPOSE, domainOf } from "./consent.js";

type Hex = `0x${string}`;

export const ROLE = { Platform: 0n, City: 1n, Provider: 2n } as const;
export const CHANGE = { Joined: 0n, Set: 1n, Left: 2n, SettledOut: 3n } as const;
export const MISMATCH = { Provider: 0n, Token: 1n, City: 2n, Contributors: 3n, Split: 4n } as const;
/** Shares of the test pool, in basis points. */
export const SHARES = {
  platform: 500n,
  city: 1_500n,
  provider: 2_000n,
  contributors: 6_000n,
} as const;
export const LICENSING_FEE_BPS = 250n;
/** The pool's consent basis: two of the three test categories. */
export const POOL_CATEGORIES = [CAT_A, CAT_B].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

/** The split of one payment that raises a pool's running total from `before` by `amount`. */
export function expectedSplit(amount: bigint, before = 0n, shares = SHARES) {
  const after = before + amount;
  const inc = (bps: bigint) => (after * bps) / 10_000n - (before * bps) / 10_000n;
  return {
    platform: inc(shares.platform),
    city: inc(shares.city),
    provider: inc(shares.provider),
    contributors: inc(shares.contributors),
  };
}

/** Signs a join or claim request with `signer` over the pool's EIP-712 domain (or an altered one). */
export async function signRevenue<P extends RevenuePrimaryType>(
  signer: Signer,
  pool: RevenuePool,
  primaryType: P,
  message: RevenueRequests[P],
  domainOverride: Partial<{ chainId: bigint; verifyingContract: string }> = {},
): Promise<Hex> {
  const types = { [primaryType]: [...REVENUE_TYPES[primaryType]] };
  return (await signer.signTypedData(await domainOf(pool, domainOverride), types, {
    ...message,
  })) as Hex;
}

export interface RevenueWorld {
  registry: ConsentRegistry;
  licensing: DataLicensing;
  pool: RevenuePool;
  token: MockERC20;
  poolAddress: string;
  categorySetId: bigint;
}

/** Deploys the three contracts wired together, a token, and registers the pool's category set. */
export async function deployRevenueWorld(
  ethers: HardhatEthers,
  owner: HardhatEthersSigner,
  treasury: HardhatEthersSigner,
): Promise<RevenueWorld> {
  const registry = await ethers.deployContract("ConsentRegistry");
  const licensing = await ethers.deployContract("DataLicensing", [
    owner.address,
    treasury.address,
    LICENSING_FEE_BPS,
  ]);
  const pool = await ethers.deployContract("RevenuePool", [
    await registry.getAddress(),
    await licensing.getAddress(),
  ]);
  const poolAddress = await pool.getAddress();
  await licensing.connect(owner).setRevenuePool(poolAddress);
  const token = await ethers.deployContract("MockERC20", ["Euro Coin", "EURC"]);
  await registry.registerCategorySet(POOL_CATEGORIES);
  await registry.registerCategorySet(CATEGORIES);
  const categorySetId = await registry.categorySetIdOf(POOL_CATEGORIES);
  return { registry, licensing, pool, token, poolAddress, categorySetId };
}

/** The parameters of the test pool, for `grantee`, paid in `token`, with `city` as its city. */
export function poolParams(token: string, city: string, grantee: string, categorySetId: bigint) {
  return {
    token,
    city,
    platformBps: SHARES.platform,
    cityBps: SHARES.city,
    providerBps: SHARES.provider,
    contributorsBps: SHARES.contributors,
    consentGrantee: grantee,
    purpose: PURPOSE,
    categorySetId,
    defaultWeight: 1n,
  };
}

/** Grants `citizen`'s consent to `grantee` for the pool's purpose, covering `categories`. */
export async function consentTo(
  registry: ConsentRegistry,
  citizen: HardhatEthersSigner,
  grantee: string,
  categories: readonly Hex[] = POOL_CATEGORIES,
  validUntil: bigint = FAR_FUTURE,
): Promise<void> {
  await registry
    .connect(citizen)
    .grant(grantee, PURPOSE, [...categories], validUntil, `0x${"ab".repeat(32)}`);
}
