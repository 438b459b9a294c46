/**
 * What the SDK's contract clients share: sending a transaction, waiting for its receipt and decoding the
 * contract's event from it; turning reverts into {@link ContractRevertError}s; reading the chain's time;
 * and checking inputs (addresses, `bytes32` values, purposes, unsigned integers) before anything is sent.
 *
 * The clients ({@link ConsentClient}, {@link LicensingClient}, {@link RevenueClient}) extend
 * {@link ContractClient}; the checks are plain functions.
 *
 * @module
 */
import {
  getAddress,
  isHexString,
  type BaseContract,
  type ContractRunner,
  type ContractTransactionResponse,
  type InterfaceAbi,
  type LogDescription,
  type Signer,
  type TransactionReceipt,
} from "ethers";
import { resolveTerm, termOf, type Hex, type PurposeRef } from "./dpv.js";
import { Erc20 } from "./erc20.js";
import {
  CitizenDataError,
  ContractRevertError,
  InvalidInputError,
  decodeRevert,
} from "./errors.js";

/**
 * What every write returns besides its decoded result.
 *
 * @example
 * ```ts
 * const { transactionHash, blockNumber, gasUsed } = await consent.withdrawAll({ subject });
 * ```
 */
export interface TransactionInfo {
  transactionHash: Hex;
  blockNumber: number;
  gasUsed: bigint;
}

/**
 * A purpose: a DPV name (`"ResearchAndDevelopment"`), a prefixed name or IRI, or a `bytes32` id.
 *
 * @example
 * ```ts
 * const purposes: PurposeInput[] = ["ResearchAndDevelopment", "dpv:PublicBenefit", purposeId("ImproveHealthcare")];
 * ```
 */
export type PurposeInput = PurposeRef | Hex | (string & {});

/**
 * A contract whose custom errors a revert may carry, with a plain-language sentence per error name.
 *
 * @example
 * ```ts
 * const source: RevertSource = { contractName: "ConsentRegistry", abi: ConsentRegistry__factory.abi };
 * ```
 */
export interface RevertSource {
  readonly contractName: string;
  readonly abi: InterfaceAbi;
  readonly explanations?: Readonly<Record<string, string>>;
}

/**
 * The zero address, which the contracts read as "none".
 *
 * @example
 * ```ts
 * const operator = params.operator === null ? ZERO_ADDRESS : toAddress(params.operator, "operator");
 * ```
 */
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as Hex;

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** Renders a revert argument: a `bytes32` that is a known DPV term id as `Name (0x1234…abcd)`. */
function describeTermId(value: unknown): string {
  if (typeof value === "string" && BYTES32.test(value)) {
    const term = termOf(value as Hex);
    if (term) return `${term.name} (${value.slice(0, 6)}…${value.slice(-4)})`;
  }
  return String(value);
}

/**
 * Turns a failed call into a {@link ContractRevertError} with the first source whose ABI knows the error
 * (a call into one contract can revert with another's error, e.g. a token's); returns the original error
 * when none does.
 *
 * @example
 * ```ts
 * catch (e) { throw decodeRevertWith(e, [licensingSource, tokenSource]); }
 * ```
 */
export function decodeRevertWith(error: unknown, sources: readonly RevertSource[]): unknown {
  for (const source of sources) {
    const decoded = decodeRevert(
      error,
      source.contractName,
      source.abi,
      source.explanations,
      describeTermId,
    );
    if (decoded instanceof CitizenDataError) return decoded;
  }
  return error;
}

/**
 * Checks an address and returns it checksummed.
 *
 * @throws {InvalidInputError} Naming `field` when `value` is not an address.
 * @example
 * ```ts
 * const grantee = toAddress(params.grantee, "grantee");
 * ```
 */
export function toAddress(value: string, field: string): Hex {
  try {
    return getAddress(value) as Hex;
  } catch (cause) {
    throw new InvalidInputError(`${field} is not an address: ${JSON.stringify(value)}`, { cause });
  }
}

/**
 * Checks an address that must not be the zero address and returns it checksummed.
 *
 * @throws {InvalidInputError} Naming `field` when `value` is not an address, or is the zero address.
 * @example
 * ```ts
 * const city = toNonZeroAddress(params.city, "city");
 * ```
 */
export function toNonZeroAddress(value: string, field: string): Hex {
  const address = toAddress(value, field);
  if (address === ZERO_ADDRESS) {
    throw new InvalidInputError(`${field} must not be the zero address`);
  }
  return address;
}

/**
 * A payment token's address: `"native"` (the chain's coin) is the zero address, anything else must be an address.
 *
 * @throws {InvalidInputError} Naming `token` when `value` is neither `"native"` nor an address.
 * @example
 * ```ts
 * toToken("native"); // ZERO_ADDRESS
 * ```
 */
export function toToken(value: string): Hex {
  if (value === "native") return ZERO_ADDRESS;
  return toAddress(value, "token");
}

/** A payment token as the contracts record it: the zero address is the chain's coin, `"native"`. */
export function tokenOf(address: string): "native" | Hex {
  return address === ZERO_ADDRESS ? "native" : (address as Hex);
}

/** `null` for the zero address, which the contracts read as "none"; the address otherwise. */
export function nullIfZero(address: string): Hex | null {
  return address === ZERO_ADDRESS ? null : (address as Hex);
}

/**
 * Checks that `value` is a boolean (a caller in plain JavaScript may pass anything).
 *
 * @throws {InvalidInputError} Naming `field` when `value` is not `true` or `false`.
 */
export function toBool(value: boolean, field: string): boolean {
  if (typeof value !== "boolean") {
    throw new InvalidInputError(`${field} must be true or false`, {
      details: `got ${String(value)}`,
    });
  }
  return value;
}

/**
 * The name of a Solidity enum value the contract returned, from the names in declaration order.
 *
 * @param what What the enum is, for the message: `"licence model"`.
 * @throws {CitizenDataError} When the contract returned a value the SDK does not know (a newer contract).
 */
export function enumName<T>(names: readonly T[], value: bigint, what: string): T {
  const name = names[Number(value)];
  if (name === undefined) throw new CitizenDataError(`Unknown ${what} ${value} from the contract`);
  return name;
}

/**
 * Checks a 32-byte hex string and returns it in lower case.
 *
 * @throws {InvalidInputError} Naming `field` when `value` is not 32 bytes of hex.
 * @example
 * ```ts
 * const receiptHash = toBytes32(params.receiptHash, "receiptHash");
 * ```
 */
export function toBytes32(value: string, field: string): Hex {
  if (!isHexString(value, 32)) {
    throw new InvalidInputError(`${field} must be a 32-byte hex string`, {
      details: `got ${JSON.stringify(value)}`,
    });
  }
  return value.toLowerCase() as Hex;
}

/**
 * A purpose's `bytes32` id: a `bytes32` is taken as is, anything else is resolved as a DPV purpose.
 *
 * @throws {UnknownTermError} When the name or IRI is not a known DPV purpose (the message suggests close names).
 * @example
 * ```ts
 * toPurposeId("ResearchAndDevelopment"); // keccak256("https://w3id.org/dpv#ResearchAndDevelopment")
 * ```
 */
export function toPurposeId(purpose: PurposeInput): Hex {
  if (BYTES32.test(purpose)) return purpose.toLowerCase() as Hex;
  return resolveTerm("purpose", purpose).id;
}

/**
 * Checks that `value` is a whole number in `[0, 2^bits)` (a Solidity `uint<bits>`) and returns it as a bigint.
 *
 * @param meaning What the number is, for the message; "a non-negative whole number" by default.
 * @throws {InvalidInputError} Naming `field`, e.g. `price must be a non-negative whole number below 2^96`.
 * @example
 * ```ts
 * const price = toUint(params.price, 96, "price");
 * const validUntil = toUint(params.validUntil, 64, "validUntil", "a unix time in seconds");
 * ```
 */
export function toUint(
  value: bigint | number,
  bits: number,
  field: string,
  meaning = "a non-negative whole number",
): bigint {
  const refuse = (): never => {
    throw new InvalidInputError(`${field} must be ${meaning} below 2^${bits}`, {
      details: `got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
    });
  };
  if (typeof value === "number" && !Number.isInteger(value)) return refuse();
  if (typeof value !== "bigint" && typeof value !== "number") return refuse();
  const v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(bits)) return refuse();
  return v;
}

/**
 * An EIP-712 domain as a contract reports it (ERC-5267 `eip712Domain()`), with the address checksummed.
 *
 * @example
 * ```ts
 * const domain = toDomain(await registry.eip712Domain());
 * ```
 */
export function toDomain(d: {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}): { name: string; version: string; chainId: bigint; verifyingContract: Hex } {
  return {
    name: d.name,
    version: d.version,
    chainId: d.chainId,
    verifyingContract: toAddress(d.verifyingContract, "verifyingContract"),
  };
}

/**
 * Signs typed data built by one of the SDK's helpers (`consentTypedData`, `offerTypedData`) with an ethers
 * signer.
 *
 * @example
 * ```ts
 * const signature = await signTypedDataWith(signer, offerTypedData(domain, offer));
 * ```
 */
export async function signTypedDataWith(
  signer: Signer,
  typed: { domain: object; types: object; message: object },
): Promise<Hex> {
  const types = typed.types as unknown as Record<string, { name: string; type: string }[]>;
  return (await signer.signTypedData(
    typed.domain,
    types,
    typed.message as Record<string, unknown>,
  )) as Hex;
}

/**
 * Base of the SDK's contract clients: holds the TypeChain binding and does the sending, waiting, event
 * decoding and revert decoding every write and read needs.
 *
 * @example
 * ```ts
 * class RegistryClient extends ContractClient<ConsentRegistry> {
 *   constructor(contract: ConsentRegistry) {
 *     super(contract, [{ contractName: "ConsentRegistry", abi: ConsentRegistry__factory.abi }]);
 *   }
 * }
 * ```
 */
export abstract class ContractClient<C extends BaseContract> {
  /** The TypeChain binding, for anything the client does not wrap. */
  readonly contract: C;
  /**
   * The block event queries start from: the contract's deployment block when the client was connected
   * through a deployment record (or given `fromBlock`), 0 otherwise. Public RPC endpoints often refuse log
   * queries over the whole chain, so starting at the deployment keeps them in range.
   */
  readonly fromBlock: number;
  /** Where revert data is looked up, in order. */
  protected readonly revertSources: readonly RevertSource[];

  protected constructor(contract: C, revertSources: readonly RevertSource[], fromBlock = 0) {
    this.contract = contract;
    this.revertSources = revertSources;
    this.fromBlock = fromBlock;
  }

  /** The contract's address. */
  get address(): Hex {
    return this.contract.target as Hex;
  }

  /** Runs a read, turning a revert into a {@link ContractRevertError}. */
  protected async read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.decode(error);
    }
  }

  /**
   * Sends a transaction and waits for its receipt, turning a revert into a {@link ContractRevertError}
   * (decoded with `sources`, by default the client's own).
   */
  protected async transact(
    send: () => Promise<ContractTransactionResponse>,
    sources: readonly RevertSource[] = this.revertSources,
  ): Promise<{ receipt: TransactionReceipt; info: TransactionInfo }> {
    let receipt;
    try {
      receipt = await (await send()).wait();
    } catch (error) {
      throw decodeRevertWith(error, sources);
    }
    if (!receipt) throw new CitizenDataError("The transaction was not mined");
    return {
      receipt,
      info: {
        transactionHash: receipt.hash as Hex,
        blockNumber: receipt.blockNumber,
        gasUsed: receipt.gasUsed,
      },
    };
  }

  /** Sends a transaction, waits for it, and decodes the first `eventName` event this contract emitted. */
  protected async write<T>(
    send: () => Promise<ContractTransactionResponse>,
    eventName: string,
    decode: (log: LogDescription, info: TransactionInfo) => T,
  ): Promise<T> {
    const { receipt, info } = await this.transact(send);
    const parsed = this.ownEvents(receipt).find((event) => event.name === eventName);
    if (parsed) return decode(parsed, info);
    throw new CitizenDataError(`The transaction ${receipt.hash} emitted no ${eventName} event`);
  }

  /**
   * Sends a transaction, waits for it, and hands every event this contract emitted in it (in log order) to
   * `decode`: for writes whose result is several events, such as a batch.
   */
  protected async writeAll<T>(
    send: () => Promise<ContractTransactionResponse>,
    decode: (events: readonly LogDescription[], info: TransactionInfo) => T,
  ): Promise<T> {
    const { receipt, info } = await this.transact(send);
    return decode(this.ownEvents(receipt), info);
  }

  /** The events this contract emitted in a transaction, decoded, in log order. */
  private ownEvents(receipt: TransactionReceipt): LogDescription[] {
    const self = getAddress(this.address);
    const events: LogDescription[] = [];
    for (const log of receipt.logs) {
      if (getAddress(log.address) !== self) continue;
      const parsed = this.contract.interface.parseLog(log);
      if (parsed) events.push(parsed);
    }
    return events;
  }

  /** A revert as a {@link ContractRevertError} when its data matches a known error; the error itself otherwise. */
  protected decode(error: unknown): unknown {
    return decodeRevertWith(error, this.revertSources);
  }

  /**
   * The chain id of the runner's network, for `fromDeployment`: its provider is asked.
   *
   * @throws {CitizenDataError} When the runner has no provider.
   */
  protected static async chainIdOf(runner: ContractRunner): Promise<bigint> {
    const provider = runner.provider;
    if (!provider) throw new CitizenDataError("The runner has no provider to ask for the chain id");
    return (await provider.getNetwork()).chainId;
  }

  /** Whether `error` is a decoded revert named `errorName`. */
  protected static isRevert(error: unknown, errorName: string): boolean {
    return error instanceof ContractRevertError && error.errorName === errorName;
  }

  /** The runner's provider. */
  protected provider(): NonNullable<ContractRunner["provider"]> {
    const provider = this.contract.runner?.provider;
    if (!provider) throw new CitizenDataError("The client needs a provider to read the chain");
    return provider;
  }

  /** The runner as a signer, for writes and signatures on its behalf. */
  protected signer(): Signer {
    const runner = this.contract.runner as Partial<Signer> | null;
    if (
      !runner ||
      typeof runner.getAddress !== "function" ||
      typeof runner.signTypedData !== "function"
    ) {
      throw new CitizenDataError(
        "The client needs a signer for this: connect it with a signer, or use withRunner(signer)",
      );
    }
    return runner as Signer;
  }

  /**
   * Makes sure this contract may take `amount` of an ERC-20 `token` from the signer. When the allowance is
   * short the call is simulated first, so that the contract's own refusal (paused, not a member, …) is reported
   * instead of an approval being sent for nothing; then the SDK approves exactly `amount` if `approve` is set,
   * or throws `refuse(allowance)`.
   *
   * @param tokenSource How the token's reverts are explained, for the approval.
   */
  protected async ensureAllowance(params: {
    token: Hex;
    amount: bigint;
    approve: boolean;
    simulate: () => Promise<unknown>;
    tokenSource: RevertSource;
    refuse: (allowance: bigint) => InvalidInputError;
  }): Promise<void> {
    const owner = toAddress(await this.signer().getAddress(), "signer");
    const erc20 = new Erc20(params.token, this.contract.runner);
    const allowance = await this.read(() => erc20.allowance(owner, this.address));
    if (allowance >= params.amount) return;
    try {
      await params.simulate();
    } catch (error) {
      const decoded = this.decode(error);
      if (!ContractClient.isRevert(decoded, "ERC20InsufficientAllowance")) throw decoded;
    }
    if (!params.approve) throw params.refuse(allowance);
    await this.transact(() => erc20.approve(this.address, params.amount), [params.tokenSource]);
  }

  /** The latest block's timestamp. */
  protected async latestTimestamp(): Promise<bigint> {
    const block = await this.provider().getBlock("latest");
    if (!block) throw new CitizenDataError("The provider returned no latest block");
    return BigInt(block.timestamp);
  }

  /** A signature's deadline: the one given (checked), or the latest block's time plus `lifetime` seconds. */
  protected async deadline(
    deadline: bigint | number | undefined,
    lifetime: bigint,
  ): Promise<bigint> {
    if (deadline === undefined) return (await this.latestTimestamp()) + lifetime;
    const value = toUint(deadline, 256, "deadline", "a unix time in seconds");
    if (value === 0n) {
      throw new InvalidInputError("deadline must be a unix time in seconds, in the future", {
        details: "got 0",
      });
    }
    return value;
  }
}
