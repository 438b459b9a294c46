/**
 * Errors of the payout tool. Input it refuses before reading or sending anything is a {@link PayoutInputError}
 * (an SDK {@link InvalidInputError}); an RPC endpoint that keeps failing is an {@link RpcUnavailableError}; a
 * sending account whose nonce another transaction took is a {@link NonceTakenError}.
 *
 * @module
 */
import { getAddress, isAddress, ZeroAddress } from "ethers";
import { CitizenDataError, InvalidInputError } from "../../sdk/errors.js";

/**
 * Input the payout tool refused: nothing was sent. The message says what to fix.
 *
 * @example
 * ```ts
 * throw new PayoutInputError("--pool must be a pool id (1, 2, ...)", { details: `got "abc"` });
 * ```
 */
export class PayoutInputError extends InvalidInputError {}

/**
 * An RPC call kept failing with transient errors (timeouts, rate limits, dropped connections) after every retry.
 * Whatever was paid before is on chain; running the payout again pays whoever is still owed.
 *
 * @example
 * ```ts
 * if (error instanceof RpcUnavailableError) console.error(`${error.operation}: ${error.shortMessage}`);
 * ```
 */
export class RpcUnavailableError extends CitizenDataError {
  constructor(
    readonly operation: string,
    readonly attempts: number,
    reason: string,
    cause: unknown,
  ) {
    super(`The RPC endpoint failed ${attempts} times on ${operation}: ${reason}`, {
      details:
        "It is unreachable, overloaded or rate-limiting. Try again later or use another endpoint; " +
        "a payout run can be repeated safely (members already paid are owed nothing and are skipped).",
      cause,
    });
  }
}

/**
 * The sending account's nonce was used by a transaction this run did not send (another process or wallet using
 * the same key). The run stops: nothing it did not send is counted as paid.
 *
 * @example
 * ```ts
 * if (error instanceof NonceTakenError) console.error(error.transactionHash);
 * ```
 */
export class NonceTakenError extends CitizenDataError {
  constructor(
    readonly sender: string,
    readonly nonce: number,
    readonly transactionHash: string | null,
  ) {
    super(
      `Nonce ${nonce} of ${sender} was used by another transaction${transactionHash ? ` (${transactionHash})` : ""}`,
      {
        details:
          "Another process or wallet is sending from this account. Stop it, then run the payout again: " +
          "members are re-read from the chain, so nobody is paid twice.",
      },
    );
  }
}

/**
 * Checks an address given on the command line or in a file, and returns it checksummed.
 *
 * @throws {PayoutInputError} Naming `field`, saying whether the length, the characters or the checksum is wrong.
 * @example
 * ```ts
 * const pool = parseAddress(values["pool-address"], "--pool-address");
 * ```
 */
export function parseAddress(value: string, field: string): string {
  const trimmed = value.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(trimmed)) {
    throw new PayoutInputError(`${field} is not an address: ${JSON.stringify(value)}`, {
      details: "An address is 0x followed by 40 hexadecimal digits.",
    });
  }
  if (!isAddress(trimmed)) {
    throw new PayoutInputError(`${field} has a wrong checksum: ${JSON.stringify(value)}`, {
      details: "Copy the address again, or write it all in lower case to skip the checksum.",
    });
  }
  const address = getAddress(trimmed);
  if (address === ZeroAddress) throw new PayoutInputError(`${field} must not be the zero address`);
  return address;
}
