/**
 * The same marketplace backend with viem: the contracts' ABIs come typed (`as const`) from
 * `citizen-data-ledger/abis`, so arguments and results are checked by TypeScript; addresses come from the
 * deployment record of the node's chain.
 *
 *   RPC_URL=http://127.0.0.1:8545 BUYER_PRIVATE_KEY=0x… PRODUCT_ID=1 PURPOSE=ResearchAndDevelopment \
 *     COHORT=0xabc…,0xdef… npx tsx examples/viem-backend.ts
 *
 * Optional: CATEGORY (default Location), DEPLOYMENTS_DIR. Prints a JSON summary.
 */
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  erc20Abi,
  getAddress,
  http,
  parseEventLogs,
  zeroAddress,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  categoryId,
  loadDeployment,
  purposeId,
  type CategoryRef,
  type PurposeRef,
} from "citizen-data-ledger";
import { consentRegistryAbi, dataLicensingAbi } from "citizen-data-ledger/abis";

function setting(name: string, fallback?: string): string {
  const value = process.env[name] || fallback;
  if (value === undefined) {
    console.error(`Set ${name} (see the comment at the top of this file)`);
    process.exit(2);
  }
  return value;
}

const rpcUrl = setting("RPC_URL", "http://127.0.0.1:8545");
const account = privateKeyToAccount(setting("BUYER_PRIVATE_KEY") as Hex);
const productId = BigInt(setting("PRODUCT_ID", "1"));
const purpose = purposeId(setting("PURPOSE") as PurposeRef);
const cohort = setting("COHORT", "")
  .split(",")
  .filter(Boolean)
  .map((a) => getAddress(a));
const category = categoryId(setting("CATEGORY", "Location") as CategoryRef);

const transport = http(rpcUrl);
const chainId = await createPublicClient({ transport }).getChainId();
const chain = defineChain({
  id: chainId,
  name: `chain ${chainId}`,
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [rpcUrl] } },
});
const publicClient = createPublicClient({ chain, transport });
const wallet = createWalletClient({ chain, transport, account });

const deployment = loadDeployment(chainId, { directory: process.env.DEPLOYMENTS_DIR || undefined });
const registry = deployment.contracts.ConsentRegistry!;
const licensing = deployment.contracts.DataLicensing!;

// The product's terms (a typed struct) and, from its publication event, whose consent it relies on.
const [product] = await publicClient.readContract({
  address: licensing.address,
  abi: dataLicensingAbi,
  functionName: "getProduct",
  args: [productId],
});
const [published] = await publicClient.getContractEvents({
  address: licensing.address,
  abi: dataLicensingAbi,
  eventName: "ProductPublished",
  args: { productId },
  fromBlock: BigInt(licensing.blockNumber),
});
if (!published) throw new Error(`Product ${productId} was never published`);
const grantee = published.args.consentGrantee!;

// Consent of the whole cohort in one call.
const valid = await publicClient.readContract({
  address: registry.address,
  abi: consentRegistryAbi,
  functionName: "isValidBatch",
  args: [cohort, grantee, purpose, category],
});
const consenting = cohort.filter((_, i) => valid[i]);

// The licence: bought at the current price unless already held.
const held = await publicClient.readContract({
  address: licensing.address,
  abi: dataLicensingAbi,
  functionName: "isLicensed",
  args: [productId, account.address, purpose],
});
const licenceId = await publicClient.readContract({
  address: licensing.address,
  abi: dataLicensingAbi,
  functionName: "licenceIdOf",
  args: [productId, account.address, purpose],
});
if (!held) {
  const native = product.token === zeroAddress;
  if (!native) {
    const approval = await wallet.writeContract({
      address: product.token,
      abi: erc20Abi,
      functionName: "approve",
      args: [licensing.address, product.price],
    });
    await publicClient.waitForTransactionReceipt({ hash: approval });
  }
  const hash = await wallet.writeContract({
    address: licensing.address,
    abi: dataLicensingAbi,
    functionName: "buy",
    args: [productId, purpose, product.price],
    value: native ? product.price : 0n,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  const [issued] = parseEventLogs({
    abi: dataLicensingAbi,
    logs: receipt.logs,
    eventName: "LicenceIssued",
  });
  if (issued?.args.licensee !== account.address) {
    throw new Error(`The purchase ${hash} issued no licence to ${account.address}`);
  }
}
const expiresAt = await publicClient.readContract({
  address: licensing.address,
  abi: dataLicensingAbi,
  functionName: "expiresAt",
  args: [licenceId],
});

console.log(
  JSON.stringify(
    {
      client: "viem",
      chainId: chainId.toString(),
      product: {
        id: productId.toString(),
        token: product.token === zeroAddress ? "native" : product.token,
        price: product.price.toString(),
        consentGrantee: grantee,
      },
      cohort: { size: cohort.length, consenting },
      licence: { licenceId, boughtNow: !held, expiresAt: expiresAt.toString() },
    },
    null,
    2,
  ),
);
