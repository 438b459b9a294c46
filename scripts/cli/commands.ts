/**
 * The operator CLI's commands on the contracts: relay signed consent requests, publish a product, buy a
 * licence, print what a product owes. Each checks its input before sending anything.
 */
import path from "node:path";
import { getAddress, keccak256 } from "ethers";
import { z } from "zod";
import { ConsentClient } from "../../sdk/consent.js";
import { resolveTerm, termOf, UnknownTermError } from "../../sdk/dpv.js";
import { addressSchema, bytes32Schema, parseInput, uintSchema } from "../../sdk/json-input.js";
import { LicensingClient, PERPETUAL } from "../../sdk/licensing.js";
import { RevenueClient } from "../../sdk/revenue.js";
import {
  parseSignedRequest,
  recoverRequestSigner,
  type SignedRequestFile,
} from "../../sdk/signed-request-json.js";
import { UsageError } from "../lib/network.js";
import { readInputBytes, readInputFile, type Session } from "./session.js";

/** One command: its options beyond the common ones, its help, and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, { type: "string" } | { type: "boolean"; default: boolean }>;
  run(values: Record<string, string | boolean | undefined>, session: Session): Promise<void>;
}

const DEADLINE_HINT = "ask the citizen to sign again";

function when(seconds: bigint): string {
  return seconds >= PERPETUAL
    ? "never (perpetual)"
    : new Date(Number(seconds) * 1000).toISOString();
}

/** The option values keyed as they are written (`--product`), so that messages name the option. */
function asOptions(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`--${key}`, value]));
}

function requireString(values: Record<string, unknown>, option: string, what: string): string {
  const value = values[option];
  if (typeof value !== "string" || value === "") {
    throw new UsageError(`--${option} is required: ${what}`);
  }
  return value;
}

/**
 * Checks a signed request against the network before relaying it: the registry and chain it was signed for,
 * its deadline, and (for a subject that is a plain account) who signed it.
 */
async function checkSignedRequest(
  file: string,
  parsed: SignedRequestFile,
  consent: ConsentClient,
  session: Session,
): Promise<void> {
  const domain = await consent.domain();
  const signedFor = parsed.domain;
  if (signedFor.chainId !== domain.chainId) {
    throw new UsageError(
      `${file} was signed for chain ${signedFor.chainId}, but the network "${session.chain.networkName}" is chain ${domain.chainId}: relay it on its own network`,
    );
  }
  if (getAddress(signedFor.verifyingContract) !== domain.verifyingContract) {
    throw new UsageError(
      `${file} was signed for the registry ${signedFor.verifyingContract}, but this deployment's registry is ${domain.verifyingContract}`,
    );
  }
  if (signedFor.name !== domain.name || signedFor.version !== domain.version) {
    throw new UsageError(
      `${file} was signed for the EIP-712 domain "${signedFor.name}" version "${signedFor.version}", but the registry's is "${domain.name}" version "${domain.version}"`,
    );
  }
  const block = await session.chain.provider.getBlock("latest");
  const now = BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
  const { deadline, subject } = parsed.signed.request;
  if (deadline < now) {
    throw new UsageError(
      `${file}: the signature's deadline ${when(deadline)} has passed (the chain's time is ${when(now)}): ${DEADLINE_HINT}`,
    );
  }
  // A smart-contract wallet's signature is checked by the registry through ERC-1271; a plain account's here.
  if ((await session.chain.provider.getCode(subject)) === "0x") {
    const signer = recoverRequestSigner(parsed);
    if (signer !== subject) {
      throw new UsageError(
        `${file} is signed by ${signer}, not by its subject ${subject}: the registry would refuse it`,
      );
    }
  }
}

async function readSigned(
  values: Record<string, unknown>,
): Promise<{ file: string; parsed: SignedRequestFile }> {
  const file = requireString(values, "file", "the JSON file of the signed request");
  const parsed = parseSignedRequest(await readInputFile(file, "--file"), file);
  return { file, parsed };
}

const grant: Command = {
  name: "grant",
  summary: "relay a consent grant a citizen signed (a JSON file, as the SDK writes it)",
  usage: `Usage: npm run cli -- grant --file FILE [options]

Relays a signed consent grant: the JSON that signedRequestToJson(domain, "GrantRequest", signed) writes.
The sending account pays the gas. Refused before sending: a file of another type, chain or registry, an
expired deadline, or a signature that is not the subject's.

  --file FILE            the signed GrantRequest`,
  options: { file: { type: "string" } },
  async run(values, session) {
    const { file, parsed } = await readSigned(values);
    if (parsed.primaryType !== "GrantRequest") {
      throw new UsageError(
        `${file} holds a ${parsed.primaryType}, not a GrantRequest` +
          (parsed.primaryType.startsWith("Withdraw") ? ": relay it with `withdraw`" : ""),
      );
    }
    const consent = ConsentClient.connect(session.deployment, session.signer);
    await checkSignedRequest(file, parsed, consent, session);
    const granted = await consent.grantBySig(parsed.signed);
    session.print({ command: "grant", ...granted }, [
      `Consent ${granted.consentId} granted by ${granted.subject} to ${granted.grantee}`,
      `  purpose ${termOf(granted.purpose)?.name ?? granted.purpose}, categories ${granted.categories.map((c) => termOf(c)?.name ?? c).join(", ")}, valid until ${when(granted.validUntil)}`,
      `  tx ${granted.transactionHash} (block ${granted.blockNumber}, gas ${granted.gasUsed})`,
    ]);
  },
};

const withdraw: Command = {
  name: "withdraw",
  summary: "relay a withdrawal a citizen signed: one consent, or all of the citizen's",
  usage: `Usage: npm run cli -- withdraw --file FILE [options]

Relays a signed WithdrawRequest (one consent) or WithdrawAllRequest (every consent of the subject), as the
SDK writes them. Refused before sending like grant.

  --file FILE            the signed WithdrawRequest or WithdrawAllRequest`,
  options: { file: { type: "string" } },
  async run(values, session) {
    const { file, parsed } = await readSigned(values);
    const consent = ConsentClient.connect(session.deployment, session.signer);
    if (parsed.primaryType === "WithdrawRequest") {
      await checkSignedRequest(file, parsed, consent, session);
      const done = await consent.withdrawBySig(parsed.signed);
      session.print({ command: "withdraw", ...done }, [
        `Consent ${done.consentId} of ${done.subject} to ${done.grantee} withdrawn`,
        `  tx ${done.transactionHash} (block ${done.blockNumber}, gas ${done.gasUsed})`,
      ]);
    } else if (parsed.primaryType === "WithdrawAllRequest") {
      await checkSignedRequest(file, parsed, consent, session);
      const done = await consent.withdrawAllBySig(parsed.signed);
      session.print({ command: "withdraw", ...done }, [
        `Every consent of ${done.subject} withdrawn (epoch ${done.epoch})`,
        `  tx ${done.transactionHash} (block ${done.blockNumber}, gas ${done.gasUsed})`,
      ]);
    } else {
      throw new UsageError(
        `${file} holds a ${parsed.primaryType}, not a WithdrawRequest or WithdrawAllRequest` +
          (parsed.primaryType === "GrantRequest" ? ": relay it with `grant`" : ""),
      );
    }
  },
};

/** A DPV purpose (name, prefixed name or IRI) or a bytes32 id, checked against the vocabulary. */
const purposeSchema = z.string().superRefine((value, ctx) => {
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return;
  try {
    resolveTerm("purpose", value);
  } catch (error) {
    const message =
      error instanceof UnknownTermError
        ? error.shortMessage
        : `unknown purpose ${JSON.stringify(value)}`;
    ctx.addIssue({ code: "custom", message: `is not a known DPV purpose: ${message}` });
  }
});

const bps = z
  .number({
    error: (issue) =>
      issue.input === undefined ? "is missing" : "must be a number of basis points",
  })
  .int({ error: "must be a whole number of basis points" })
  .min(0, { error: "must not be negative" })
  .max(10_000, { error: "must be at most 10000 (100%)" });

/** The product file of `publish`. */
export const productFileSchema = z
  .strictObject({
    city: addressSchema({ nonZero: true }),
    contributors: addressSchema({ nonZero: true }),
    token: z.union([z.literal("native"), addressSchema({ nonZero: true })], {
      error: "must be \"native\" (the chain's coin) or an ERC-20 token's address",
    }),
    price: uintSchema(96, "a whole number of the token's smallest unit (wei)"),
    period: uintSchema(64, "a number of seconds (0 = perpetual)"),
    renewable: z.boolean(),
    cityBps: bps,
    providerBps: bps,
    purposes: z.array(purposeSchema).min(1, { error: "must list at least one purpose" }),
    consentGrantee: addressSchema({ nonZero: true }).optional(),
    metadataURI: z.string(),
    termsHash: bytes32Schema().optional(),
    termsDocument: z.string().min(1, { error: "must be a file path" }).optional(),
  })
  .superRefine((product, ctx) => {
    if (product.cityBps + product.providerBps > 10_000) {
      ctx.addIssue({
        code: "custom",
        path: ["providerBps"],
        message: `with cityBps ${product.cityBps} adds up to more than 10000 (100%); the contributors take the rest`,
      });
    }
    if ((product.termsHash === undefined) === (product.termsDocument === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["termsHash"],
        message:
          "give either termsHash (the keccak256 of the terms document) or termsDocument (its path, hashed for you), not both",
      });
    }
  });

const publish: Command = {
  name: "publish",
  summary: "register a product's parties and publish it (a JSON file)",
  usage: `Usage: npm run cli -- publish --file FILE [options]

Publishes a data product; the sending account is its provider. The file:

  {
    "city": "0x…",                 the city's account (paid the city share)
    "contributors": "0x…",         the contributors' account (a revenue pool)
    "token": "native",             or an ERC-20 token's address
    "price": "1000000000000000",   per licence (per period for a subscription), in wei, as a string
    "period": 2592000,             licence length in seconds; 0 = perpetual
    "renewable": true,
    "cityBps": 2000, "providerBps": 3000,   shares after the platform fee; contributors take the rest
    "purposes": ["ResearchAndDevelopment"], DPV purposes the licence may be bought for
    "consentGrantee": "0x…",       optional: the account citizens consent to (default: the provider)
    "metadataURI": "ipfs://…",
    "termsDocument": "terms.pdf"   or "termsHash": "0x…" (keccak256 of the terms document)
  }

termsDocument is read relative to the product file.

  --file FILE            the product file`,
  options: { file: { type: "string" } },
  async run(values, session) {
    const file = requireString(values, "file", "the product's JSON file");
    const product = parseInput(productFileSchema, await readInputFile(file, "--file"), file, {
      json: true,
    });
    const termsHash =
      product.termsHash ??
      keccak256(
        await readInputBytes(
          path.resolve(path.dirname(file), product.termsDocument ?? ""),
          `${file}: termsDocument`,
        ),
      );
    const licensing = LicensingClient.connect(session.deployment, session.signer);
    const provider = getAddress(await session.signer.getAddress());
    const partiesId = await licensing.registerParties({
      city: product.city,
      contributors: product.contributors,
    });
    const published = await licensing.publish({
      partiesId,
      token: product.token,
      price: product.price,
      period: product.period,
      renewable: product.renewable,
      cityBps: product.cityBps,
      providerBps: product.providerBps,
      purposes: product.purposes,
      consentGrantee: product.consentGrantee ?? provider,
      metadataURI: product.metadataURI,
      termsHash,
    });
    session.print({ command: "publish", ...published }, [
      `Product ${published.productId} published by ${published.provider} (parties ${partiesId})`,
      `  price ${published.price} ${published.token === "native" ? "wei (native coin)" : `of token ${published.token}`}, period ${published.period === 0n ? "perpetual" : `${published.period} s`}`,
      `  purposes ${published.purposes.map((p) => termOf(p)?.name ?? p).join(", ")}; terms ${published.termsHash}`,
      `  tx ${published.transactionHash} (block ${published.blockNumber}, gas ${published.gasUsed})`,
    ]);
  },
};

const buy: Command = {
  name: "buy",
  summary: "buy a licence of a product for a purpose",
  usage: `Usage: npm run cli -- buy --product ID --purpose PURPOSE --max-price WEI [--approve] [options]

Buys a licence for the sending account. Refused before sending when the product's price is above
--max-price. For an ERC-20 product the licensing contract must be approved for the price: --approve
approves exactly the price first.

  --product ID           the product id
  --purpose PURPOSE      a DPV purpose the product allows (e.g. ResearchAndDevelopment)
  --max-price WEI        the most you accept to pay, in the token's smallest unit
  --approve              approve the ERC-20 price first, when the allowance is short`,
  options: {
    product: { type: "string" },
    purpose: { type: "string" },
    "max-price": { type: "string" },
    approve: { type: "boolean", default: false },
  },
  async run(values, session) {
    const input = parseInput(
      z.object({
        "--product": uintSchema(256, "a product id"),
        "--purpose": purposeSchema,
        "--max-price": uintSchema(256, "a whole number of the token's smallest unit (wei)"),
        "--approve": z.boolean(),
      }),
      asOptions(values),
      "the options",
    );
    const licensing = LicensingClient.connect(session.deployment, session.signer);
    const issued = await licensing.buy({
      productId: input["--product"],
      purpose: input["--purpose"],
      maxPrice: input["--max-price"],
      approve: input["--approve"],
    });
    session.print({ command: "buy", ...issued }, [
      `Licence ${issued.licenceId} of product ${issued.productId} issued to ${issued.licensee}`,
      `  purpose ${termOf(issued.purpose)?.name ?? issued.purpose}, terms version ${issued.termsVersion}, expires ${when(issued.expiresAt)}`,
      `  paid ${issued.sale.price}: platform ${issued.sale.platformFee}, city ${issued.sale.cityShare}, provider ${issued.sale.providerShare}, contributors ${issued.sale.contributorsShare}`,
      `  tx ${issued.transactionHash} (block ${issued.blockNumber}, gas ${issued.gasUsed})`,
    ]);
  },
};

const balances: Command = {
  name: "balances",
  summary: "what DataLicensing owes each party of a product now",
  usage: `Usage: npm run cli -- balances --product ID [options]

Prints what the product owes the platform, the city, the provider and the contributors (credited at each
sale, not yet withdrawn), and the rounding remainder it carries.

  --product ID           the product id`,
  options: { product: { type: "string" } },
  async run(values, session) {
    const { "--product": productId } = parseInput(
      z.object({ "--product": uintSchema(256, "a product id") }),
      asOptions(values),
      "the options",
    );
    const licensing = LicensingClient.connect(session.deployment, session.chain.provider);
    const [product, owed, fee, carried] = await Promise.all([
      licensing.getProduct(productId),
      licensing.owed(productId),
      licensing.platformFee(),
      licensing.carriedRemainder(productId),
    ]);
    const unit = product.token === "native" ? "wei" : `of token ${product.token}`;
    const parties = [
      { role: "platform", account: fee.treasury, owed: owed.platform },
      { role: "city", account: product.parties.city, owed: owed.city },
      { role: "provider", account: product.parties.provider, owed: owed.provider },
      { role: "contributors", account: product.parties.contributors, owed: owed.contributors },
    ];
    session.print(
      { command: "balances", productId, token: product.token, parties, carriedRemainder: carried },
      [
        `Product ${productId} owes (${unit}):`,
        ...parties.map((p) => `  ${p.role.padEnd(13)} ${p.account}  ${p.owed}`),
        `  carried remainder ${carried}`,
      ],
    );
  },
};

const poolBalances: Command = {
  name: "pool-balances",
  summary: "what a revenue pool owes the platform, the city, the provider and its members now",
  usage: `Usage: npm run cli -- pool-balances --pool ID [options]

Prints what the pool owes the platform, the city and the provider, and how many members have
something to claim and how much in all (members are found in the pool's events since its deployment).

  --pool ID              the pool id`,
  options: { pool: { type: "string" } },
  async run(values, session) {
    const { "--pool": poolId } = parseInput(
      z.object({ "--pool": uintSchema(256, "a pool id") }),
      asOptions(values),
      "the options",
    );
    const pools = RevenueClient.connect(session.deployment, session.chain.provider);
    const [pool, owed, accounts] = await Promise.all([
      pools.getPool(poolId),
      pools.owed(poolId),
      pools.accountsOf(poolId),
    ]);
    const members = await pools.membersWithBalance(poolId);
    const membersOwed = members.reduce((sum, m) => sum + m.claimable, 0n);
    const unit = pool.token === "native" ? "wei" : `of token ${pool.token}`;
    const parties = [
      { role: "platform", owed: owed.platform },
      { role: "city", account: pool.city, owed: owed.city },
      { role: "provider", account: pool.provider, owed: owed.provider },
    ];
    session.print(
      {
        command: "pool-balances",
        poolId,
        token: pool.token,
        received: accounts.received,
        parties,
        membersWithBalance: members.length,
        membersOwed,
      },
      [
        `Pool ${poolId} has received ${accounts.received} (${unit}) and owes:`,
        ...parties.map(
          (p) => `  ${p.role.padEnd(9)} ${p.account ?? "(the platform treasury)"}  ${p.owed}`,
        ),
        `  members   ${members.length} with something to claim  ${membersOwed}`,
      ],
    );
  },
};

/** The commands on the contracts, by name. */
export const CHAIN_COMMANDS: readonly Command[] = [
  grant,
  withdraw,
  publish,
  buy,
  balances,
  poolBalances,
];
