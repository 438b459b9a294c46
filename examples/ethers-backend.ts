/**
 * A marketplace backend with ethers and the SDK: which citizens of a cohort consent to the product's use,
 * what the product is, and a licence bought for the buyer (if it does not hold one yet).
 *
 *   RPC_URL=http://127.0.0.1:8545 BUYER_PRIVATE_KEY=0x… PRODUCT_ID=1 COHORT=0xabc…,0xdef… \
 *     npx tsx examples/ethers-backend.ts
 *
 * Contract addresses come from the deployment record of the node's chain: the package's deployments, or
 * DEPLOYMENTS_DIR. Optional: PURPOSE (a DPV purpose the product allows; default its first), CATEGORY (the
 * personal-data category to check consent for; default Location). Prints a JSON summary.
 */
import { JsonRpcProvider, Wallet } from "ethers";
import { CitizenDataError, ConsentClient, LicensingClient, termOf } from "citizen-data-ledger";

function setting(name: string, fallback?: string): string {
  const value = process.env[name] || fallback;
  if (value === undefined) {
    console.error(`Set ${name} (see the comment at the top of this file)`);
    process.exit(2);
  }
  return value;
}

const rpcUrl = setting("RPC_URL", "http://127.0.0.1:8545");
const buyerKey = setting("BUYER_PRIVATE_KEY");
const productId = BigInt(setting("PRODUCT_ID", "1"));
const cohort = setting("COHORT", "").split(",").filter(Boolean);
const category = setting("CATEGORY", "Location");
const lookup = { directory: process.env.DEPLOYMENTS_DIR || undefined };

const provider = new JsonRpcProvider(rpcUrl);
try {
  const buyer = new Wallet(buyerKey, provider);
  const consent = await ConsentClient.fromDeployment(provider, lookup);
  const licensing = await LicensingClient.fromDeployment(buyer, lookup);

  // The product: price, token, the purposes it may be licensed for, whose consent it relies on.
  const product = await licensing.getProduct(productId);
  const purpose = process.env.PURPOSE || product.purposes[0];
  if (purpose === undefined) throw new CitizenDataError(`Product ${productId} allows no purpose`);

  // Consent of the whole cohort in one call: only these citizens' data may be delivered.
  const valid = await consent.isValidBatch({
    subjects: cohort,
    grantee: product.consentGrantee,
    purpose,
    category,
  });
  const consenting = cohort.filter((_, i) => valid[i]);

  // The licence: bought at the current price (refused before sending if the price rose above it).
  const held = await licensing.isLicensed({ productId, licensee: buyer.address, purpose });
  const licence = held
    ? await licensing.getLicence({ productId, licensee: buyer.address, purpose })
    : await licensing.buy({ productId, purpose, maxPrice: product.price, approve: true });

  console.log(
    JSON.stringify(
      {
        client: "ethers",
        chainId: (await provider.getNetwork()).chainId.toString(),
        product: {
          id: productId.toString(),
          token: product.token,
          price: product.price.toString(),
          purposes: product.purposes.map((p) => termOf(p)?.name ?? p),
          consentGrantee: product.consentGrantee,
        },
        cohort: { size: cohort.length, consenting },
        licence: {
          licenceId: licence.licenceId,
          boughtNow: !held,
          expiresAt: licence.expiresAt.toString(),
        },
      },
      null,
      2,
    ),
  );
} catch (error) {
  console.error(error instanceof CitizenDataError ? error.message : error);
  process.exitCode = 1;
} finally {
  provider.destroy();
}
