/**
 * Where the RevenuePool is: read from a deployment file (`deployments/<network>.json`, written by the deploy
 * command) or given as an address. The file's format lives in one place, {@link deploymentFileSchema}: adapt it
 * there when the deploy command's output changes.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { PayoutInputError, parseAddress } from "./errors.js";

/**
 * What the payout needs from a deployment file; any other field is allowed and ignored.
 *
 * ```json
 * { "chainId": 11155111, "network": "sepolia",
 *   "contracts": { "RevenuePool": { "address": "0x…", "blockNumber": 123456 }, "ConsentRegistry": { … } } }
 * ```
 *
 * `blockNumber` (the block the pool was deployed in) is where the search for members starts.
 */
export const deploymentFileSchema = z.looseObject({
  chainId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]),
  network: z.string().min(1).optional(),
  contracts: z.looseObject({
    RevenuePool: z.looseObject({
      address: z.string(),
      blockNumber: z.number().int().nonnegative().optional(),
    }),
  }),
});

/** The RevenuePool to pay from, and what is known about where it lives. */
export interface PoolTarget {
  /** The RevenuePool contract's address, checksummed. */
  address: string;
  /** The first block to search for members: the deployment block, `--from-block`, or 0. */
  fromBlock: number;
  /** The chain the deployment file is for; the connected chain must match. */
  chainId: bigint | undefined;
  /** The network name the deployment file names. */
  network: string | undefined;
  /** Where the address came from, for messages: `deployments/sepolia.json` or `--pool-address`. */
  source: string;
}

/**
 * Finds the RevenuePool from exactly one of a deployment file or an address.
 *
 * @param input.deployment Path of a deployment file.
 * @param input.poolAddress The RevenuePool's address.
 * @param input.fromBlock Overrides the deployment block as the start of the member search.
 * @throws {PayoutInputError} When both or neither are given, the file cannot be read or lacks a RevenuePool, or
 *   the address is malformed.
 * @example
 * ```ts
 * const target = await resolvePoolTarget({ deployment: "deployments/sepolia.json" });
 * ```
 */
export async function resolvePoolTarget(input: {
  deployment?: string | undefined;
  poolAddress?: string | undefined;
  fromBlock?: number | undefined;
}): Promise<PoolTarget> {
  const { deployment, poolAddress, fromBlock } = input;
  if (deployment !== undefined && poolAddress !== undefined) {
    throw new PayoutInputError("Give either --deployment or --pool-address, not both");
  }
  if (poolAddress !== undefined) {
    return {
      address: parseAddress(poolAddress, "--pool-address"),
      fromBlock: fromBlock ?? 0,
      chainId: undefined,
      network: undefined,
      source: "--pool-address",
    };
  }
  if (deployment === undefined) {
    throw new PayoutInputError("Say which RevenuePool to pay from", {
      details:
        "Pass --deployment deployments/<network>.json (written by the deploy command) or --pool-address 0x….",
    });
  }

  let text: string;
  try {
    text = await readFile(deployment, "utf8");
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    throw new PayoutInputError(
      code === "ENOENT"
        ? `The deployment file ${deployment} does not exist`
        : `The deployment file ${deployment} cannot be read (${code ?? String(cause)})`,
      {
        details: "Deploy first (it writes deployments/<network>.json), or pass --pool-address 0x….",
        cause,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PayoutInputError(`The deployment file ${deployment} is not valid JSON`, {
      details: (cause as Error).message,
      cause,
    });
  }
  const parsed = deploymentFileSchema.safeParse(json);
  if (!parsed.success) {
    const contracts = (json as { contracts?: unknown })?.contracts;
    const names =
      contracts && typeof contracts === "object" ? Object.keys(contracts).join(", ") : "none";
    const missingPool =
      contracts !== null && typeof contracts === "object" && !("RevenuePool" in contracts);
    throw new PayoutInputError(
      missingPool
        ? `The deployment file ${deployment} has no RevenuePool (contracts: ${names})`
        : `The deployment file ${deployment} is not a deployment record`,
      {
        details: missingPool
          ? "Deploy the RevenuePool on this network, or pass --pool-address 0x…."
          : parsed.error.issues
              .map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`)
              .join("; "),
      },
    );
  }
  const record = parsed.data;
  return {
    address: parseAddress(
      record.contracts.RevenuePool.address,
      `${deployment}: contracts.RevenuePool.address`,
    ),
    fromBlock: fromBlock ?? record.contracts.RevenuePool.blockNumber ?? 0,
    chainId: BigInt(record.chainId),
    network: record.network,
    source: deployment,
  };
}
