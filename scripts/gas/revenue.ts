import {
  Wallet,
  id,
  keccak256,
  parseEther,
  toBeHex,
  type ContractTransactionResponse,
} from "ethers";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { PoolCrowd, RevenuePool } from "../../typechain-types/index.js";
import { ConsentClient } from "../../sdk/consent.js";
import { RevenueClient } from "../../sdk/revenue.js";
import { REVENUE_TYPES } from "../../sdk/revenue-typed-data.js";
import type { GasMeasurement } from "./types.js";

const PURPOSE = id("https://w3id.org/dpv#ResearchAndDevelopment");
const CATEGORIES = [id("https://w3id.org/dpv/pd#Location"), id("https://w3id.org/dpv/pd#Age")].sort(
  (a, b) => (BigInt(a) < BigInt(b) ? -1 : 1),
);
const FAR_FUTURE = 2n ** 40n;
/** Members a test contract enrols per transaction: about 13 million gas, below the 16,777,216 cap. */
const ENROL_BATCH = 75n;

/** Enrols `count` members (test contracts that consent and join from their own address) in a pool. */
export async function enrolCrowd(
  crowd: PoolCrowd,
  registry: string,
  pool: RevenuePool,
  poolId: bigint,
  grantee: string,
  count: bigint,
  onProgress: (done: bigint) => void = () => {},
): Promise<void> {
  for (let done = 0n; done < count;) {
    const n = count - done < ENROL_BATCH ? count - done : ENROL_BATCH;
    await (
      await crowd.enrol(registry, pool, poolId, grantee, PURPOSE, CATEGORIES, FAR_FUTURE, n, {
        gasLimit: 16_000_000n,
      })
    ).wait();
    done += n;
    onProgress(done);
  }
}

/**
 * Measures RevenuePool's operations, and what a pool adds to a licence sale, on a fresh deployment of the
 * three contracts paid in an ERC-20 token. `largePool` is the member count of the large pool whose payment
 * gas is compared with a pool of 10 members.
 */
export async function measureRevenuePool(
  ethers: HardhatEthers,
  largePool = 10_000n,
): Promise<GasMeasurement[]> {
  const signers = await ethers.getSigners();
  const [owner, treasury, provider, city, grantee, buyer, alice, bob, relayer, stranger] = signers;
  if (
    !owner ||
    !treasury ||
    !provider ||
    !city ||
    !grantee ||
    !buyer ||
    !alice ||
    !bob ||
    !relayer ||
    !stranger
  ) {
    throw new Error("the gas report needs 10 accounts");
  }
  const gasOf = async (tx: Promise<ContractTransactionResponse>) =>
    (await (await tx).wait())!.gasUsed;
  const results: GasMeasurement[] = [];

  const registry = await ethers.deployContract("ConsentRegistry");
  const registryAddress = await registry.getAddress();
  const licensing = await ethers.deployContract("DataLicensing", [
    owner.address,
    treasury.address,
    250,
  ]);
  const licensingAddress = await licensing.getAddress();
  const pool = await ethers.deployContract("RevenuePool", [registryAddress, licensingAddress]);
  const poolAddress = await pool.getAddress();
  await licensing.connect(owner).setRevenuePool(poolAddress);
  const token = await ethers.deployContract("MockERC20", ["Euro Coin", "EURC"]);
  const tokenAddress = await token.getAddress();
  await registry.registerCategorySet(CATEGORIES);
  const categorySetId = await registry.categorySetIdOf(CATEGORIES);
  const price = parseEther("100");

  const poolParams = {
    token: tokenAddress,
    city: city.address,
    platformBps: 500,
    cityBps: 1_500,
    providerBps: 2_000,
    contributorsBps: 6_000,
    consentGrantee: grantee.address,
    purpose: PURPOSE,
    categorySetId,
    defaultWeight: 1,
  };
  results.push({
    key: "RevenuePool.createPool",
    gas: await gasOf(pool.connect(provider).createPool(poolParams)),
    note: "the first pool on the contract (writes the pool counter for the first time)",
  });
  await pool.connect(provider).createPool(poolParams); // pool 2: the large pool

  // Products: 1 pays its own split (no pool), 2 pays pool 1, 3 pays pool 2.
  await licensing.connect(provider).registerParties(city.address, stranger.address);
  await licensing.connect(provider).registerParties(city.address, poolAddress);
  const product = {
    partiesId: 1,
    token: tokenAddress,
    price,
    period: 30n * 86_400n,
    renewable: true,
    cityBps: 1_500,
    providerBps: 2_000,
    purposes: [PURPOSE],
    consentGrantee: grantee.address,
    metadataURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    termsHash: id("terms v1"),
    poolId: 0n,
  };
  await licensing.connect(provider).publish(product);
  const poolProduct = { ...product, partiesId: 2, cityBps: 0, providerBps: 0 };
  await licensing.connect(provider).publish({ ...poolProduct, poolId: 1n });
  await licensing.connect(provider).publish({ ...poolProduct, poolId: 2n });

  // Members: alice and bob consent; alice's join is measured, then 8 more join pool 1 (10 in all).
  for (const citizen of [alice, bob]) {
    await registry
      .connect(citizen)
      .grant(grantee.address, PURPOSE, CATEGORIES, FAR_FUTURE, id("receipt"));
  }
  results.push({
    key: "RevenuePool.join",
    gas: await gasOf(pool.connect(alice).join(1n)),
    target: 70_000n,
    note: "a citizen joins with valid consent (a new member slot; the pool asks the ConsentRegistry)",
  });
  await pool.connect(bob).join(1n);
  const crowd = await ethers.deployContract("PoolCrowd");
  await enrolCrowd(crowd, registryAddress, pool, 1n, grantee.address, 8n);

  // Sales: each product's first sale writes its slots for the first time; the second is measured.
  for (const account of [buyer, stranger]) {
    await token.mint(account.address, parseEther("1000000"));
    await token.connect(account).approve(poolAddress, 2n ** 255n);
  }
  const sell = async (productId: number, purposeBuyer = buyer) => {
    await token.connect(purposeBuyer).approve(licensingAddress, price);
    return gasOf(licensing.connect(purposeBuyer).buy(productId, PURPOSE, price));
  };
  await enrolCrowd(crowd, registryAddress, pool, 2n, grantee.address, largePool);
  await sell(1, stranger);
  await sell(2, stranger);
  await sell(3, stranger);
  const plainBuy = await sell(1);
  const poolBuy = await sell(2);
  results.push({
    key: "RevenuePool.creditSale.onTopOfBuy",
    gas: poolBuy - plainBuy,
    target: 10_000n,
    note: "a licence sale into a pool of 10 members, minus the same sale of a product with its own split",
  });
  results.push({
    key: "DataLicensing.buy.poolProduct.10members",
    gas: poolBuy,
    note: "a new licence of a product whose pool has 10 members (exact approval)",
  });

  const largeKey = largePool === 10_000n ? "10000members" : `${largePool}members`;
  results.push({
    key: `DataLicensing.buy.poolProduct.${largeKey}`,
    gas: await sell(3),
    note: `the same sale into a pool of ${largePool.toLocaleString("en-US")} members`,
  });
  results.push({
    key: "RevenuePool.deposit",
    gas: await gasOf(pool.connect(stranger).deposit(1n, price)),
    note: "a direct payment into a pool (the depositor approved the pool)",
  });

  // Claims: alice's first claim creates her token balance; bob's second claim goes to an address holding it.
  results.push({
    key: "RevenuePool.claim.newHolder",
    gas: await gasOf(pool.connect(alice).claim(1n, alice.address)),
    note: "a claim to an address that holds none of the token yet",
  });
  await pool.connect(bob).claim(1n, bob.address);
  await pool.connect(stranger).deposit(1n, price);
  results.push({
    key: "RevenuePool.claim",
    gas: await gasOf(pool.connect(bob).claim(1n, bob.address)),
    target: 52_000n,
    note: "a claim to an address that already holds the token",
  });
  // A fixed deadline: its bytes are part of the calldata, so a clock-based one would make the figure vary.
  const deadline = FAR_FUTURE;
  const d = await pool.eip712Domain();
  const request = {
    poolId: 1n,
    member: alice.address,
    to: alice.address,
    fee: 1n,
    nonce: 0n,
    deadline,
  };
  const signature = await alice.signTypedData(
    {
      name: d.name,
      version: d.version,
      chainId: d.chainId,
      verifyingContract: d.verifyingContract,
    },
    { ClaimRequest: [...REVENUE_TYPES.ClaimRequest] },
    request,
  );
  results.push({
    key: "RevenuePool.claimBySig",
    gas: await gasOf(pool.connect(relayer).claimBySig(request, signature)),
    note: "a relayed claim by EIP-712 signature, the relayer paid a fee (its first receipt of the token)",
  });
  await pool.connect(stranger).deposit(1n, price);
  await pool.connect(alice).donate(1n, city.address, 1n);
  results.push({
    key: "RevenuePool.donate",
    gas: await gasOf(pool.connect(bob).donate(1n, city.address, parseEther("1"))),
    target: 40_000n,
    note: "a member donates part of its balance to the city (which already holds donations)",
  });

  // Batch payout of 100 members of the large pool, each paid for the first time (a new token holder).
  await pool.connect(stranger).deposit(2n, parseEther("10000"));
  const members = Array.from({ length: 100 }, (_, i) =>
    ethers.getCreateAddress({ from: crowd.target as string, nonce: 8 + 1 + i }),
  );
  const batchGas = await gasOf(pool.connect(stranger).payout(2n, members));
  results.push({
    key: "RevenuePool.payout.perMember",
    gas: batchGas / 100n,
    target: 35_000n,
    note: "a batch payout of 100 members, per member; each is a new holder of the token",
  });
  results.push({
    key: "RevenuePool.payout.100members",
    gas: batchGas,
    note: "the whole batch of 100 (far below the 16,777,216 gas a transaction may use)",
  });
  await pool.connect(stranger).deposit(2n, parseEther("10000"));
  const againGas = await gasOf(pool.connect(stranger).payout(2n, members));
  results.push({
    key: "RevenuePool.payout.perMember.existingHolders",
    gas: againGas / 100n,
    note: "the same batch again after another payment: each member already holds the token",
  });

  await registry.connect(bob).withdraw(bob.address, grantee.address, PURPOSE);
  results.push({
    key: "RevenuePool.settleOut",
    gas: await gasOf(pool.connect(stranger).settleOut(1n, bob.address)),
    note: "anyone settles out a member whose consent was withdrawn",
  });
  results.push({
    key: "RevenuePool.withdraw",
    gas: await gasOf(pool.connect(stranger).withdraw(1n, 1)),
    note: "the city's share paid to the city (its first receipt of the token)",
  });
  // Joins relayed in batches: 25 citizens' signed joins to a new pool in one multicall transaction.
  await pool.connect(provider).createPool(poolParams); // pool 3
  const joiners = Array.from(
    { length: 25 },
    (_, i) => new Wallet(keccak256(toBeHex(50_000 + i, 32))),
  );
  const consent = ConsentClient.connect(registryAddress, relayer);
  const grants = [];
  for (const joiner of joiners) {
    grants.push(
      await consent.signGrant(joiner, {
        grantee: grantee.address,
        purpose: PURPOSE,
        categories: CATEGORIES,
        validUntil: FAR_FUTURE,
        receiptHash: id("receipt"),
      }),
    );
  }
  await consent.grantBatchBySig(grants);
  const revenue = RevenueClient.connect(poolAddress, provider);
  const joins = [];
  for (const joiner of joiners) {
    joins.push(await revenue.signJoin(joiner, { poolId: 3n, deadline: FAR_FUTURE }));
  }
  const joined = await revenue.joinBatchBySig(joins);
  results.push({
    key: "RevenuePool.join.inBatchOf25",
    gas: joined[0]!.gasUsed / 25n,
    note: "per member, 25 signed joins relayed in one multicall (each also writes the member's first nonce)",
  });
  return results;
}
