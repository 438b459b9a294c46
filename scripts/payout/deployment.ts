/**
 * Where the RevenuePool is: read from a deployment record (`deployments/<network>.json`, written by the deploy
 * command, in the SDK's format: {@link parseDeployment}) or given as an address.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { parseDeployment, type Deployment } from "../../sdk/deployments.js";
import { InvalidInputError } from "../../sdk/errors.js";
import { PayoutInputError, parseAddress } from "./errors.js";

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
 * @throws {PayoutInputError} When both or neither are given, the file cannot be read, is not a deployment record
 *   or lacks a RevenuePool, or the address is malformed.
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
  let record: Deployment;
  try {
    record = parseDeployment(text, deployment);
  } catch (cause) {
    if (!(cause instanceof InvalidInputError)) throw cause;
    throw new PayoutInputError(cause.shortMessage, {
      ...(cause.details !== undefined && { details: cause.details }),
      cause,
    });
  }
  const pool = record.contracts.RevenuePool;
  if (pool === undefined) {
    throw new PayoutInputError(
      `The deployment file ${deployment} has no RevenuePool (contracts: ${Object.keys(record.contracts).join(", ") || "none"})`,
      { details: "Deploy the RevenuePool on this network, or pass --pool-address 0x…." },
    );
  }
  return {
    address: pool.address,
    fromBlock: fromBlock ?? pool.blockNumber,
    chainId: BigInt(record.chainId),
    network: record.network,
    source: deployment,
  };
}
