import { Interface, type InterfaceAbi, type Result } from "ethers";

/**
 * Base class of every error the SDK throws: a short message a person can act on, optional details,
 * and the underlying cause when there is one.
 *
 * @example
 * ```ts
 * try {
 *   await consent.grant({ grantee, purpose: "ResearchAndDevelopment", categories: ["Location"], validUntil });
 * } catch (error) {
 *   if (error instanceof CitizenDataError) console.error(error.shortMessage);
 * }
 * ```
 */
export class CitizenDataError extends Error {
  /** One sentence saying what went wrong. */
  readonly shortMessage: string;
  /** More context, when the short message is not enough. */
  readonly details: string | undefined;

  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    const message = options.details
      ? `${shortMessage}\n\nDetails: ${options.details}`
      : shortMessage;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}

/**
 * Input that the SDK refused before sending anything: nothing was signed or written on chain.
 *
 * @example
 * ```ts
 * throw new InvalidInputError("validUntil must be in the future", { details: `got ${validUntil}` });
 * ```
 */
export class InvalidInputError extends CitizenDataError {}

/**
 * A contract call reverted with one of the contract's custom errors, decoded into its name and arguments.
 *
 * @example
 * ```ts
 * try {
 *   await consent.withdraw({ subject, grantee, purpose });
 * } catch (error) {
 *   if (error instanceof ContractRevertError && error.errorName === "ConsentRegistryNothingToWithdraw") {
 *     console.log("already withdrawn", error.args.consentId);
 *   }
 * }
 * ```
 */
export class ContractRevertError extends CitizenDataError {
  /** The contract's name, e.g. `ConsentRegistry`. */
  readonly contractName: string;
  /** The custom error's name, e.g. `ConsentRegistryExpiredSignature`. */
  readonly errorName: string;
  /** The error's arguments by name (and by position). */
  readonly args: Readonly<Record<string, unknown>>;
  /** The raw revert data. */
  readonly data: string;

  constructor(params: {
    contractName: string;
    errorName: string;
    args: Readonly<Record<string, unknown>>;
    data: string;
    explanation: string | undefined;
    cause: unknown;
    /** Renders an argument for the message (e.g. a DPV term id as its name); `String` by default. */
    describeValue?: (value: unknown) => string;
  }) {
    const describe = params.describeValue ?? String;
    const rendered = Object.entries(params.args)
      .filter(([key]) => !/^\d+$/.test(key))
      .map(([key, value]) => `${key}: ${describe(value)}`)
      .join(", ");
    const summary = `${params.contractName} refused the call: ${params.errorName}(${rendered})`;
    super(params.explanation ? `${summary}. ${params.explanation}` : summary, {
      details: `revert data ${params.data}`,
      cause: params.cause,
    });
    this.contractName = params.contractName;
    this.errorName = params.errorName;
    this.args = params.args;
    this.data = params.data;
  }
}

/**
 * No deployment of the contracts (or of one contract) is known for the chain, and no address was given.
 *
 * @example
 * ```ts
 * new DeploymentNotFoundError(11155111n, "ConsentRegistry", { searched: "deployments/" });
 * ```
 */
export class DeploymentNotFoundError extends CitizenDataError {
  /** The chain looked for. */
  readonly chainId: bigint;
  /** The contract looked for, when one was. */
  readonly contractName: string | undefined;

  constructor(chainId: bigint, contractName?: string, options: { searched?: string } = {}) {
    super(
      contractName === undefined
        ? `No deployment of the contracts is known for chain ${chainId}`
        : `No ${contractName} deployment is known for chain ${chainId}`,
      {
        details:
          (options.searched === undefined ? "" : `Looked in ${options.searched}. `) +
          "Pass the contract's address explicitly, or deploy with `npm run deploy -- --network <name>`, which records the addresses in deployments/<network>.json.",
      },
    );
    this.chainId = chainId;
    this.contractName = contractName;
  }
}

/**
 * Finds revert data in an error thrown by ethers (or a provider), however deeply it is nested.
 */
function findRevertData(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || error === null || typeof error !== "object") return undefined;
  const candidate = error as { data?: unknown; error?: unknown; info?: unknown; cause?: unknown };
  if (typeof candidate.data === "string" && /^0x[0-9a-fA-F]{8}/.test(candidate.data))
    return candidate.data;
  for (const inner of [candidate.data, candidate.error, candidate.info, candidate.cause]) {
    const found = findRevertData(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function resultToRecord(result: Result, names: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  names.forEach((name, index) => {
    const value: unknown = result[index];
    record[String(index)] = value;
    if (name) record[name] = value;
  });
  return record;
}

/**
 * Turns a failed contract call into a {@link ContractRevertError} when its revert data matches one of the
 * contract's custom errors; returns the original error otherwise.
 *
 * @param error What the call threw.
 * @param contractName The contract's name, for the message.
 * @param abi The contract's ABI, which lists its custom errors.
 * @param explanations Optional plain-language sentence per error name.
 * @param describeValue Optional rendering of an argument in the message (the SDK's clients name DPV term ids).
 * @example
 * ```ts
 * try { await registry.withdraw(subject, grantee, purpose); }
 * catch (e) { throw decodeRevert(e, "ConsentRegistry", ConsentRegistry__factory.abi); }
 * ```
 */
export function decodeRevert(
  error: unknown,
  contractName: string,
  abi: InterfaceAbi,
  explanations: Readonly<Record<string, string>> = {},
  describeValue?: (value: unknown) => string,
): unknown {
  if (error instanceof CitizenDataError) return error;
  const data = findRevertData(error);
  if (!data) return error;
  const iface = new Interface(abi);
  let parsed;
  try {
    parsed = iface.parseError(data);
  } catch {
    return error;
  }
  if (!parsed) return error;
  return new ContractRevertError({
    contractName,
    errorName: parsed.name,
    args: resultToRecord(
      parsed.args,
      parsed.fragment.inputs.map((input) => input.name),
    ),
    data,
    explanation: explanations[parsed.name],
    cause: error,
    ...(describeValue ? { describeValue } : {}),
  });
}
