import { Signature, id, parseEther, type ContractTransactionResponse } from "ethers";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { PERMIT_TYPES } from "../../sdk/licensing-typed-data.js";
import type { GasMeasurement } from "./types.js";

const RESEARCH = id("https://w3id.org/dpv#ResearchAndDevelopment");
const PUBLIC_BENEFIT = id("https://w3id.org/dpv#PublicBenefit");
const DAY = 86_400n;

/** Measures DataLicensing's operations on a fresh deployment, paid in an ERC-20 with permit. */
export async function measureDataLicensing(ethers: HardhatEthers): Promise<GasMeasurement[]> {
  const signers = await ethers.getSigners();
  const [owner, treasury, provider, city, pool, grantee, buyer, subscriber, permitBuyer, seeker] =
    signers;
  if (
    !owner ||
    !treasury ||
    !provider ||
    !city ||
    !pool ||
    !grantee ||
    !buyer ||
    !subscriber ||
    !permitBuyer ||
    !seeker
  ) {
    throw new Error("the gas report needs 10 accounts");
  }
  const licensing = await ethers.deployContract("DataLicensing", [
    owner.address,
    treasury.address,
    250,
  ]);
  const token = await ethers.deployContract("MockERC20", ["Euro Coin", "EURC"]);
  const address = await licensing.getAddress();
  const price = parseEther("100");
  const gasOf = async (tx: Promise<ContractTransactionResponse>) =>
    (await (await tx).wait())!.gasUsed;
  const results: GasMeasurement[] = [];

  results.push({
    key: "DataLicensing.registerParties",
    gas: await gasOf(licensing.connect(provider).registerParties(city.address, pool.address)),
    note: "a provider registers who its products pay (city, contributors' pool), once",
  });
  const params = {
    partiesId: 1,
    token: await token.getAddress(),
    price,
    period: 30n * DAY,
    renewable: true,
    cityBps: 1_000,
    providerBps: 3_000,
    purposes: [RESEARCH, PUBLIC_BENEFIT],
    consentGrantee: grantee.address,
    metadataURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    termsHash: id("terms v1"),
    poolId: 0n,
  };
  results.push({
    key: "DataLicensing.publish.first",
    gas: await gasOf(licensing.connect(provider).publish(params)),
    note: "the first product on the contract (writes the product counter for the first time)",
  });
  results.push({
    key: "DataLicensing.publish",
    gas: await gasOf(licensing.connect(provider).publish(params)),
    target: 150_000n,
    note: "a product with 2 purposes and a 66-character metadata URI",
  });

  for (const account of [buyer, subscriber, permitBuyer])
    await token.mint(account.address, parseEther("1000"));
  await token.connect(subscriber).approve(address, price);
  results.push({
    key: "DataLicensing.buy.productFirstSale",
    gas: await gasOf(licensing.connect(subscriber).buy(2, RESEARCH, price)),
    note: "a product's first sale (its revenue slot is written for the first time)",
  });
  await token.connect(buyer).approve(address, price);
  results.push({
    key: "DataLicensing.buy",
    gas: await gasOf(licensing.connect(buyer).buy(2, RESEARCH, price)),
    target: 90_000n,
    note: "a new licence; the buyer approved exactly the price beforehand",
  });
  await token.connect(buyer).approve(address, price);
  results.push({
    key: "DataLicensing.renew",
    gas: await gasOf(licensing.connect(buyer).renew(2, RESEARCH, price)),
    target: 72_000n,
    note: "renewal of a subscription; the licensee approved exactly the price beforehand",
  });
  await token.connect(buyer).approve(address, parseEther("1000"));
  results.push({
    key: "DataLicensing.buy.standingAllowance",
    gas: await gasOf(licensing.connect(buyer).buy(2, PUBLIC_BENEFIT, price)),
    note: "a new licence paid from a larger standing allowance, which the token must decrease",
  });
  results.push({
    key: "DataLicensing.renew.standingAllowance",
    gas: await gasOf(licensing.connect(buyer).renew(2, PUBLIC_BENEFIT, price)),
    note: "a renewal paid from a larger standing allowance",
  });

  // A fixed deadline, not "now + 10 minutes": the deadline and the signature over it are calldata,
  // whose zero bytes cost less than others, so a deadline read from the clock would make this figure
  // vary by multiples of 12 gas from one run to the next, and the snapshot check could not be exact.
  const deadline = 2n ** 40n - 1n;
  const d = await token.eip712Domain();
  const permit = Signature.from(
    await permitBuyer.signTypedData(
      {
        name: d.name,
        version: d.version,
        chainId: d.chainId,
        verifyingContract: d.verifyingContract,
      },
      { Permit: [...PERMIT_TYPES.Permit] },
      { owner: permitBuyer.address, spender: address, value: price, nonce: 0n, deadline },
    ),
  );
  results.push({
    key: "DataLicensing.buyWithPermit",
    gas: await gasOf(
      licensing
        .connect(permitBuyer)
        .buyWithPermit(2, RESEARCH, price, deadline, permit.v, permit.r, permit.s),
    ),
    target: 120_000n,
    note: "a new licence in one transaction, with an EIP-2612 permit and no prior approval",
  });

  await licensing.connect(provider).setEligibility(2, seeker.address, PUBLIC_BENEFIT, true);
  results.push({
    key: "DataLicensing.claimPublicInterest",
    gas: await gasOf(licensing.connect(seeker).claimPublicInterest(2, PUBLIC_BENEFIT)),
    note: "a free licence for an eligible public-interest seeker",
  });
  results.push({
    key: "DataLicensing.withdraw",
    gas: await gasOf(licensing.withdraw(2, 3)),
    note: "the contributors' account withdraws a product's share (its first receipt of the token)",
  });
  return results;
}
