import { getAddress, type ContractRunner, type LogDescription, type Signer } from "ethers";
import type { ConsentRegistry } from "../typechain-types/consent/ConsentRegistry.js";
import { ConsentRegistry__factory } from "../typechain-types/factories/consent/ConsentRegistry__factory.js";
import {
  ContractClient,
  ZERO_ADDRESS,
  enumName,
  nullIfZero,
  signTypedDataWith,
  toAddress,
  toBytes32,
  toDomain,
  toPurposeId,
  toUint,
  type PurposeInput,
  type TransactionInfo,
} from "./contract-client.js";
import { resolveContract, type ConnectOptions, type ContractTarget } from "./deployments.js";
import { MAX_CATEGORIES, resolveTerm, type CategoryRef } from "./dpv.js";
import { InvalidInputError } from "./errors.js";
import {
  consentTypedData,
  type ConsentDomain,
  type ConsentPrimaryType,
  type ConsentRequests,
  type GrantRequest,
  type SetOperatorRequest,
  type WithdrawAllRequest,
  type WithdrawRequest,
} from "./consent-typed-data.js";
import { receiptConsentTerms, type ConsentReceipt } from "./receipt.js";

type Hex = `0x${string}`;

/** How an action reached the registry, as recorded in its events. */
export type Via = "subject" | "operator" | "signature";
const VIA: readonly Via[] = ["subject", "operator", "signature"];

export type { PurposeInput, TransactionInfo } from "./contract-client.js";
/** A personal-data category: a DPV name (`"Location"`), a prefixed name or IRI, or a `bytes32` id. */
export type CategoryInput = CategoryRef | Hex | (string & {});

/** A consent as the registry recorded it in a `ConsentGranted` event. */
export interface GrantedConsent extends TransactionInfo {
  consentId: Hex;
  subject: Hex;
  grantee: Hex;
  purpose: Hex;
  categories: Hex[];
  categorySetId: number;
  validUntil: bigint;
  receiptHash: Hex;
  nonce: bigint;
  actor: Hex;
  via: Via;
}

/** A withdrawal as recorded in a `ConsentWithdrawn` event. */
export interface WithdrawnConsent extends TransactionInfo {
  consentId: Hex;
  subject: Hex;
  grantee: Hex;
  purpose: Hex;
  categorySetId: number;
  validUntil: bigint;
  nonce: bigint;
  actor: Hex;
  via: Via;
}

/** A withdraw-all as recorded in an `AllConsentsWithdrawn` event. */
export interface AllWithdrawn extends TransactionInfo {
  subject: Hex;
  epoch: number;
  actor: Hex;
  via: Via;
}

/** An operator change as recorded in an `OperatorSet` event. */
export interface OperatorChanged extends TransactionInfo {
  subject: Hex;
  previousOperator: Hex;
  operator: Hex;
  actor: Hex;
  via: Via;
}

/** A consent's stored state, with the derived answer to "is it in force now?". */
export interface ConsentState {
  consentId: Hex;
  validUntil: bigint;
  epoch: number;
  categorySetId: number;
  nonce: bigint;
  active: boolean;
  /** Active, unexpired at the latest block, and not voided by a withdraw-all. */
  inForce: boolean;
  /** The categories it covers (empty if it was never granted). */
  categories: Hex[];
}

/** A signed request ready to relay. */
export interface Signed<R> {
  request: R;
  signature: Hex;
}

/** The result of checking a consent receipt against the chain. */
export interface ReceiptCheck {
  /** True when the chain holds this receipt's consent, with these terms, and it is in force now. */
  valid: boolean;
  /** Why it is not valid, in words; empty when valid. */
  problems: string[];
  receiptHash: Hex;
  consentId: Hex;
}

/** Plain-language explanation of each ConsentRegistry error, used in SDK error messages. */
export const CONSENT_ERROR_EXPLANATIONS: Readonly<Record<string, string>> = {
  AddressEmptyCode:
    "A call in a batch (multicall) reached an address without code; this contract does not make such calls, so this should not happen.",
  FailedCall:
    "A call in a batch (multicall) failed without a reason; nothing in the batch took effect.",
  ConsentRegistryInvalidGrantee: "The grantee must be a non-zero address other than the subject.",
  ConsentRegistryInvalidPurpose: "A purpose id is required.",
  ConsentRegistryInvalidCategoryCount: "Give between 1 and 64 personal-data categories.",
  ConsentRegistryCategoriesNotSorted:
    "Categories must be strictly ascending with no duplicates; the SDK sorts them when given names.",
  ConsentRegistryExpiryInPast: "validUntil must not be before the current block time.",
  ConsentRegistryNothingToWithdraw:
    "There is no active consent to withdraw (never granted, or already withdrawn).",
  ConsentRegistryUnauthorized: "Only the subject or its appointed operator may do this.",
  ConsentRegistryInvalidOperator: "A subject cannot appoint itself as its operator.",
  ConsentRegistryMissingDeadline: "A signed request needs a deadline.",
  ConsentRegistryExpiredSignature:
    "The signed request's deadline has passed; ask the subject to sign again.",
  ConsentRegistryInvalidNonce:
    "The signed request was already used, or the consent changed since it was signed; sign again with the current nonce.",
  ConsentRegistryStaleEpoch:
    "The subject withdrew all its consents after signing this grant; ask the subject to sign again.",
  ConsentRegistryInvalidSignature:
    "The signature is not the subject's for this request, chain and registry (or the subject's wallet refused it).",
  ConsentRegistryUnknownCategorySet: "No category set with that id is registered.",
  InvalidShortString: "A string given to the constructor is too long.",
  StringTooLong: "A string given to the constructor is too long.",
};

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** Category ids, strictly ascending as the registry requires; duplicates are refused, naming both inputs. */
function toCategoryIds(categories: readonly CategoryInput[]): Hex[] {
  if (categories.length === 0)
    throw new InvalidInputError("Give at least one personal-data category");
  if (categories.length > MAX_CATEGORIES) {
    throw new InvalidInputError(`Give at most ${MAX_CATEGORIES} personal-data categories`, {
      details: `got ${categories.length}`,
    });
  }
  const entries = categories.map((input) => ({
    input,
    id: BYTES32.test(input) ? (input.toLowerCase() as Hex) : resolveTerm("category", input).id,
  }));
  entries.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
  entries.forEach((entry, i) => {
    const previous = entries[i - 1];
    if (previous && previous.id === entry.id) {
      throw new InvalidInputError(`The category ${JSON.stringify(entry.input)} is listed twice`, {
        details: `${JSON.stringify(previous.input)} and ${JSON.stringify(entry.input)} name the same category ${entry.id}`,
      });
    }
  });
  return entries.map((entry) => entry.id);
}

function toUint64(value: bigint | number, field: string): bigint {
  return toUint(value, 64, field, "a unix time in seconds");
}

/**
 * Client of a ConsentRegistry deployment: grant, withdraw and withdraw-all directly or by signature,
 * operators, validity checks for one subject or a cohort, and receipt checks.
 *
 * @example
 * ```ts
 * const consent = ConsentClient.connect(registryAddress, citizenSigner);
 * const { consentId } = await consent.grant({
 *   grantee: cityMobilityDept,
 *   purpose: "ResearchAndDevelopment",
 *   categories: ["Location", "Age"],
 *   validUntil: 1_900_000_000n,
 *   receiptHash,
 * });
 * await consent.isValid({ subject: citizen, grantee: cityMobilityDept, purpose: "ResearchAndDevelopment", category: "Location" });
 * ```
 */
export class ConsentClient extends ContractClient<ConsentRegistry> {
  private constructor(contract: ConsentRegistry, fromBlock = 0) {
    super(
      contract,
      [
        {
          contractName: "ConsentRegistry",
          abi: ConsentRegistry__factory.abi,
          explanations: CONSENT_ERROR_EXPLANATIONS,
        },
      ],
      fromBlock,
    );
  }

  /**
   * Connects to a registry through `runner` (a signer to write, a provider to read). `target` is the
   * registry's address, or a chain id whose deployment record (`deployments/<network>.json`) names it, or a
   * loaded {@link Deployment}.
   *
   * @throws {DeploymentNotFoundError} When a chain id is given and no deployment of the registry is recorded for it.
   * @example
   * ```ts
   * const consent = ConsentClient.connect("0x…", signer);
   * const onSepolia = ConsentClient.connect(11155111n, signer);
   * const local = ConsentClient.connect(31337, provider, { directory: "deployments" });
   * ```
   */
  static connect(
    target: ContractTarget,
    runner: ContractRunner,
    options: ConnectOptions = {},
  ): ConsentClient {
    const { address, fromBlock } = resolveContract(
      target,
      "ConsentRegistry",
      "registry address",
      options,
    );
    return new ConsentClient(ConsentRegistry__factory.connect(address, runner), fromBlock);
  }

  /**
   * Connects to the registry recorded for the runner's chain (its provider is asked for the chain id).
   *
   * @throws {DeploymentNotFoundError} When no deployment of the registry is recorded for that chain.
   * @example
   * ```ts
   * const consent = await ConsentClient.fromDeployment(signer);
   * ```
   */
  static async fromDeployment(
    runner: ContractRunner,
    options: ConnectOptions = {},
  ): Promise<ConsentClient> {
    return ConsentClient.connect(await ContractClient.chainIdOf(runner), runner, options);
  }

  /** The same client acting through another signer or provider. */
  withRunner(runner: ContractRunner): ConsentClient {
    return new ConsentClient(this.contract.connect(runner), this.fromBlock);
  }

  /**
   * Grants (or replaces) the signer's consent for `grantee` to process `categories` for `purpose`.
   *
   * @example
   * ```ts
   * const { consentId, nonce } = await consent.grant({ grantee, purpose: "PublicBenefit", categories: ["Location"], validUntil, receiptHash });
   * ```
   */
  async grant(params: {
    grantee: string;
    purpose: PurposeInput;
    categories: readonly CategoryInput[];
    validUntil: bigint | number;
    receiptHash: string;
  }): Promise<GrantedConsent> {
    const args = [
      toAddress(params.grantee, "grantee"),
      toPurposeId(params.purpose),
      toCategoryIds(params.categories),
      toUint64(params.validUntil, "validUntil"),
      toBytes32(params.receiptHash, "receiptHash"),
    ] as const;
    return this.write(
      () => this.contract.grant(...args),
      "ConsentGranted",
      (log, info) => this.granted(log, info),
    );
  }

  /**
   * Relays a grant the subject signed (see {@link ConsentClient.signGrant}); the connected signer pays the gas.
   *
   * @example
   * ```ts
   * const signed = await consent.signGrant(citizenWallet, { grantee, purpose: "ResearchAndDevelopment", categories: ["Location"], validUntil, receiptHash });
   * const { consentId } = await consent.withRunner(operatorSigner).grantBySig(signed);
   * ```
   */
  async grantBySig(signed: Signed<GrantRequest>): Promise<GrantedConsent> {
    return this.write(
      () =>
        this.contract.grantBySig(
          { ...signed.request, categories: [...signed.request.categories] },
          signed.signature,
        ),
      "ConsentGranted",
      (log, info) => this.granted(log, info),
    );
  }

  /**
   * Relays many signed grants in one transaction (the registry's `multicall`): one base cost for the batch
   * instead of one per grant. All or nothing: if one request is refused (a stale nonce, a passed deadline, a
   * bad signature), the whole batch reverts with that request's error and nothing is granted.
   *
   * @example
   * ```ts
   * const batch = await Promise.all(citizens.map((c) => consent.signGrant(c.key, { grantee, purpose, categories, validUntil, receiptHash })));
   * const granted = await consent.withRunner(operator).grantBatchBySig(batch);
   * ```
   */
  async grantBatchBySig(batch: readonly Signed<GrantRequest>[]): Promise<GrantedConsent[]> {
    if (batch.length === 0) {
      throw new InvalidInputError("grantBatchBySig needs at least one signed grant");
    }
    const calls = batch.map((signed) =>
      this.contract.interface.encodeFunctionData("grantBySig", [
        { ...signed.request, categories: [...signed.request.categories] },
        signed.signature,
      ]),
    );
    return this.writeAll(
      () => this.contract.multicall(calls),
      (events, info) =>
        events.filter((e) => e.name === "ConsentGranted").map((e) => this.granted(e, info)),
    );
  }

  /**
   * Withdraws a consent; the signer must be the subject or its operator.
   *
   * @example
   * ```ts
   * await consent.withdraw({ subject, grantee, purpose: "ResearchAndDevelopment" });
   * ```
   */
  async withdraw(params: {
    subject: string;
    grantee: string;
    purpose: PurposeInput;
  }): Promise<WithdrawnConsent> {
    const args = [
      toAddress(params.subject, "subject"),
      toAddress(params.grantee, "grantee"),
      toPurposeId(params.purpose),
    ] as const;
    return this.write(
      () => this.contract.withdraw(...args),
      "ConsentWithdrawn",
      (log, info) => this.withdrawn(log, info),
    );
  }

  /**
   * Relays a withdrawal the subject signed.
   *
   * @example
   * ```ts
   * await consent.withdrawBySig(await consent.signWithdraw(citizenWallet, { grantee, purpose }));
   * ```
   */
  async withdrawBySig(signed: Signed<WithdrawRequest>): Promise<WithdrawnConsent> {
    return this.write(
      () => this.contract.withdrawBySig(signed.request, signed.signature),
      "ConsentWithdrawn",
      (log, info) => this.withdrawn(log, info),
    );
  }

  /**
   * Voids every consent of `subject` at constant cost; the signer must be the subject or its operator.
   *
   * @example
   * ```ts
   * const { epoch } = await consent.withdrawAll({ subject });
   * ```
   */
  async withdrawAll(params: { subject: string }): Promise<AllWithdrawn> {
    const subject = toAddress(params.subject, "subject");
    return this.write(
      () => this.contract.withdrawAll(subject),
      "AllConsentsWithdrawn",
      (log, info) => this.allWithdrawn(log, info),
    );
  }

  /**
   * Relays a withdraw-all the subject signed.
   *
   * @example
   * ```ts
   * await consent.withdrawAllBySig(await consent.signWithdrawAll(citizenWallet));
   * ```
   */
  async withdrawAllBySig(signed: Signed<WithdrawAllRequest>): Promise<AllWithdrawn> {
    return this.write(
      () => this.contract.withdrawAllBySig(signed.request, signed.signature),
      "AllConsentsWithdrawn",
      (log, info) => this.allWithdrawn(log, info),
    );
  }

  /**
   * Appoints, replaces or (with `null`) removes the signer's operator.
   *
   * @example
   * ```ts
   * await consent.setOperator({ operator: pdmOperator });
   * await consent.setOperator({ operator: null }); // remove
   * ```
   */
  async setOperator(params: { operator: string | null }): Promise<OperatorChanged> {
    const operator =
      params.operator === null ? ZERO_ADDRESS : toAddress(params.operator, "operator");
    return this.write(
      () => this.contract.setOperator(operator),
      "OperatorSet",
      (log, info) => this.operatorChanged(log, info),
    );
  }

  /**
   * Relays an operator change the subject signed.
   *
   * @example
   * ```ts
   * await consent.setOperatorBySig(await consent.signSetOperator(citizenWallet, { operator }));
   * ```
   */
  async setOperatorBySig(signed: Signed<SetOperatorRequest>): Promise<OperatorChanged> {
    return this.write(
      () => this.contract.setOperatorBySig(signed.request, signed.signature),
      "OperatorSet",
      (log, info) => this.operatorChanged(log, info),
    );
  }

  /**
   * Registers a set of categories ahead of the grants that will use it, so that each grant stays cheap.
   *
   * @example
   * ```ts
   * const id = await consent.registerCategorySet({ categories: ["Location", "Age"] });
   * ```
   */
  async registerCategorySet(params: { categories: readonly CategoryInput[] }): Promise<number> {
    const ids = toCategoryIds(params.categories);
    const existing = Number(await this.read(() => this.contract.categorySetIdOf(ids)));
    if (existing !== 0) return existing;
    return this.write(
      () => this.contract.registerCategorySet(ids),
      "CategorySetRegistered",
      (log) => Number(log.args.getValue("categorySetId")),
    );
  }

  /**
   * Builds and signs a grant with the subject's signer (an EOA, or the key behind an ERC-1271 wallet when
   * `subject` names the wallet). Nonce and domain are read from the chain; the deadline defaults to one hour.
   *
   * @example
   * ```ts
   * const signed = await consent.signGrant(citizenWallet, { grantee, purpose: "ResearchAndDevelopment", categories: ["Location"], validUntil, receiptHash });
   * ```
   */
  async signGrant(
    signer: Signer,
    params: {
      subject?: string;
      grantee: string;
      purpose: PurposeInput;
      categories: readonly CategoryInput[];
      validUntil: bigint | number;
      receiptHash: string;
      deadline?: bigint | number;
    },
  ): Promise<Signed<GrantRequest>> {
    const subject = toAddress(params.subject ?? (await signer.getAddress()), "subject");
    const grantee = toAddress(params.grantee, "grantee");
    const purpose = toPurposeId(params.purpose);
    const message: GrantRequest = {
      subject,
      grantee,
      purpose,
      categories: toCategoryIds(params.categories),
      validUntil: toUint64(params.validUntil, "validUntil"),
      receiptHash: toBytes32(params.receiptHash, "receiptHash"),
      nonce: (await this.getConsent({ subject, grantee, purpose })).nonce,
      epoch: (await this.getSubject({ subject })).epoch,
      deadline: await this.deadline(params.deadline, 3_600n),
    };
    return this.sign(signer, "GrantRequest", message);
  }

  /**
   * Builds and signs a withdrawal with the subject's signer.
   *
   * @example
   * ```ts
   * const signed = await consent.signWithdraw(citizenWallet, { grantee, purpose: "ResearchAndDevelopment" });
   * ```
   */
  async signWithdraw(
    signer: Signer,
    params: {
      subject?: string;
      grantee: string;
      purpose: PurposeInput;
      deadline?: bigint | number;
    },
  ): Promise<Signed<WithdrawRequest>> {
    const subject = toAddress(params.subject ?? (await signer.getAddress()), "subject");
    const grantee = toAddress(params.grantee, "grantee");
    const purpose = toPurposeId(params.purpose);
    const message: WithdrawRequest = {
      subject,
      grantee,
      purpose,
      nonce: (await this.getConsent({ subject, grantee, purpose })).nonce,
      deadline: await this.deadline(params.deadline, 3_600n),
    };
    return this.sign(signer, "WithdrawRequest", message);
  }

  /**
   * Builds and signs a withdraw-all with the subject's signer.
   *
   * @example
   * ```ts
   * const signed = await consent.signWithdrawAll(citizenWallet);
   * ```
   */
  async signWithdrawAll(
    signer: Signer,
    params: { subject?: string; deadline?: bigint | number } = {},
  ): Promise<Signed<WithdrawAllRequest>> {
    const subject = toAddress(params.subject ?? (await signer.getAddress()), "subject");
    const message: WithdrawAllRequest = {
      subject,
      nonce: (await this.getSubject({ subject })).nonce,
      deadline: await this.deadline(params.deadline, 3_600n),
    };
    return this.sign(signer, "WithdrawAllRequest", message);
  }

  /**
   * Builds and signs an operator change (`null` removes the operator) with the subject's signer.
   *
   * @example
   * ```ts
   * const signed = await consent.signSetOperator(citizenWallet, { operator: pdmOperator });
   * ```
   */
  async signSetOperator(
    signer: Signer,
    params: { subject?: string; operator: string | null; deadline?: bigint | number },
  ): Promise<Signed<SetOperatorRequest>> {
    const subject = toAddress(params.subject ?? (await signer.getAddress()), "subject");
    const message: SetOperatorRequest = {
      subject,
      operator: params.operator === null ? ZERO_ADDRESS : toAddress(params.operator, "operator"),
      nonce: (await this.getSubject({ subject })).nonce,
      deadline: await this.deadline(params.deadline, 3_600n),
    };
    return this.sign(signer, "SetOperatorRequest", message);
  }

  /**
   * The registry's EIP-712 domain, read from the contract (ERC-5267), so it always names this chain and registry.
   *
   * @example
   * ```ts
   * const typed = consentTypedData(await consent.domain(), "WithdrawAllRequest", request); // then viem signTypedData
   * ```
   */
  async domain(): Promise<ConsentDomain> {
    return toDomain(await this.read(() => this.contract.eip712Domain()));
  }

  /**
   * Whether `subject`'s consent lets `grantee` process `category` for `purpose` now.
   *
   * @example
   * ```ts
   * const ok = await consent.isValid({ subject, grantee, purpose: "ResearchAndDevelopment", category: "Location" });
   * ```
   */
  async isValid(params: {
    subject: string;
    grantee: string;
    purpose: PurposeInput;
    category: CategoryInput;
  }): Promise<boolean> {
    const [category] = toCategoryIds([params.category]);
    return this.read(() =>
      this.contract.isValid(
        toAddress(params.subject, "subject"),
        toAddress(params.grantee, "grantee"),
        toPurposeId(params.purpose),
        category as Hex,
      ),
    );
  }

  /**
   * Whether `subject`'s consent lets `grantee` process every one of `categories` for `purpose` now: one call for
   * a whole consent form (a revenue pool's membership rests on this check). The categories must have been
   * registered as a set ({@link ConsentClient.registerCategorySet}); an unregistered set is covered by nothing.
   *
   * @example
   * ```ts
   * const ok = await consent.isValidForSet({ subject, grantee, purpose: "ResearchAndDevelopment", categories: ["Location", "Age"] });
   * ```
   */
  async isValidForSet(params: {
    subject: string;
    grantee: string;
    purpose: PurposeInput;
    categories: readonly CategoryInput[];
  }): Promise<boolean> {
    const subject = toAddress(params.subject, "subject");
    const grantee = toAddress(params.grantee, "grantee");
    const purpose = toPurposeId(params.purpose);
    const ids = toCategoryIds(params.categories);
    const setId = await this.read(() => this.contract.categorySetIdOf(ids));
    if (setId === 0n) return false;
    return this.read(() => this.contract.isValidForSet(subject, grantee, purpose, setId));
  }

  /**
   * {@link ConsentClient.isValid} for a whole cohort, `chunkSize` subjects per call (one call up to that size).
   *
   * @example
   * ```ts
   * const valid = await consent.isValidBatch({ subjects, grantee, purpose: "ResearchAndDevelopment", category: "Location" });
   * const deliverable = subjects.filter((_, i) => valid[i]);
   * ```
   */
  async isValidBatch(params: {
    subjects: readonly string[];
    grantee: string;
    purpose: PurposeInput;
    category: CategoryInput;
    chunkSize?: number;
  }): Promise<boolean[]> {
    const chunkSize = params.chunkSize ?? 2_000;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new InvalidInputError("chunkSize must be a positive whole number", {
        details: `got ${chunkSize}`,
      });
    }
    const subjects = params.subjects.map((s, i) => toAddress(s, `subjects[${i}]`));
    const grantee = toAddress(params.grantee, "grantee");
    const purpose = toPurposeId(params.purpose);
    const [category] = toCategoryIds([params.category]);
    const result: boolean[] = [];
    for (let start = 0; start < subjects.length; start += chunkSize) {
      const chunk = subjects.slice(start, start + chunkSize);
      result.push(
        ...(await this.read(() =>
          this.contract.isValidBatch(chunk, grantee, purpose, category as Hex),
        )),
      );
    }
    return result;
  }

  /**
   * A consent's stored state and categories, and whether it is in force at the latest block.
   *
   * @example
   * ```ts
   * const { active, inForce, categories, nonce } = await consent.getConsent({ subject, grantee, purpose: "ResearchAndDevelopment" });
   * ```
   */
  async getConsent(params: {
    subject: string;
    grantee: string;
    purpose: PurposeInput;
  }): Promise<ConsentState> {
    const subject = toAddress(params.subject, "subject");
    const grantee = toAddress(params.grantee, "grantee");
    const purpose = toPurposeId(params.purpose);
    const [stored, subjectState, consentId] = await Promise.all([
      this.read(() => this.contract.getConsent(subject, grantee, purpose)),
      this.read(() => this.contract.getSubject(subject)),
      this.read(() => this.contract.consentIdOf(subject, grantee, purpose)),
    ]);
    const categorySetId = Number(stored.categorySetId);
    const categories =
      categorySetId === 0
        ? []
        : ((await this.read(() => this.contract.categoriesOf(categorySetId))) as Hex[]);
    const now = await this.latestTimestamp();
    return {
      consentId: consentId as Hex,
      validUntil: stored.validUntil,
      epoch: Number(stored.epoch),
      categorySetId,
      nonce: stored.nonce,
      active: stored.active,
      inForce: stored.active && now <= stored.validUntil && stored.epoch === subjectState.epoch,
      categories,
    };
  }

  /**
   * A subject's operator (null when none), epoch and subject-level nonce.
   *
   * @example
   * ```ts
   * const { operator } = await consent.getSubject({ subject });
   * ```
   */
  async getSubject(params: {
    subject: string;
  }): Promise<{ operator: Hex | null; epoch: number; nonce: bigint }> {
    const state = await this.read(() =>
      this.contract.getSubject(toAddress(params.subject, "subject")),
    );
    return {
      operator: nullIfZero(state.operator),
      epoch: Number(state.epoch),
      nonce: state.nonce,
    };
  }

  /**
   * Checks a consent receipt against the chain: the registry it names, a grant of exactly its terms whose
   * receipt hash is this receipt's, and that the consent is still in force.
   *
   * @example
   * ```ts
   * const check = await consent.verifyReceipt(receipt);
   * if (!check.valid) console.log(check.problems.join("\n"));
   * ```
   */
  async verifyReceipt(receipt: ConsentReceipt): Promise<ReceiptCheck> {
    const terms = receiptConsentTerms(receipt);
    const receiptHash = terms.receiptHash;
    const consentId = (await this.read(() =>
      this.contract.consentIdOf(terms.subject, terms.grantee, terms.purposeId),
    )) as Hex;
    const problems: string[] = [];

    const { chainId } = await this.domain();
    if (BigInt(receipt.registry.chainId) !== chainId) {
      problems.push(
        `The receipt names chain ${receipt.registry.chainId}, but this registry is on chain ${chainId}.`,
      );
    }
    if (getAddress(receipt.registry.address) !== getAddress(this.address)) {
      problems.push(`The receipt names registry ${receipt.registry.address}, not ${this.address}.`);
    }

    const granted = await this.read(() =>
      this.contract.queryFilter(this.contract.filters.ConsentGranted(consentId), this.fromBlock),
    );
    const latest = granted.at(-1);
    if (!latest) {
      problems.push("No grant of this consent is recorded on chain.");
    } else if (latest.args.receiptHash !== receiptHash) {
      const earlier = granted.some((event) => event.args.receiptHash === receiptHash);
      problems.push(
        earlier
          ? "This receipt belongs to an earlier grant that a later grant replaced."
          : "The chain's grant of this consent carries another receipt hash: the receipt was altered or is not this consent's.",
      );
    } else {
      const sameCategories =
        latest.args.categories.length === terms.categoryIds.length &&
        latest.args.categories.every((c, i) => c === terms.categoryIds[i]);
      if (!sameCategories)
        problems.push("The categories granted on chain differ from the receipt's.");
      if (latest.args.validUntil !== terms.validUntil) {
        problems.push(
          `The chain's grant is valid until ${latest.args.validUntil}, the receipt says ${terms.validUntil}.`,
        );
      }
      const state = await this.getConsent({
        subject: terms.subject,
        grantee: terms.grantee,
        purpose: terms.purposeId,
      });
      if (!state.active) problems.push("The consent has been withdrawn.");
      else if (state.epoch !== (await this.getSubject({ subject: terms.subject })).epoch) {
        problems.push("The subject has withdrawn all its consents since this grant.");
      } else if (!state.inForce) problems.push("The consent has expired.");
    }
    return { valid: problems.length === 0, problems, receiptHash, consentId };
  }

  private async sign<P extends ConsentPrimaryType>(
    signer: Signer,
    primaryType: P,
    message: ConsentRequests[P],
  ): Promise<Signed<ConsentRequests[P]>> {
    const typed = consentTypedData(await this.domain(), primaryType, message);
    return { request: message, signature: await signTypedDataWith(signer, typed) };
  }

  private granted(log: LogDescription, info: TransactionInfo): GrantedConsent {
    const a = log.args;
    return {
      ...info,
      consentId: a.getValue("consentId") as Hex,
      subject: a.getValue("subject") as Hex,
      grantee: a.getValue("grantee") as Hex,
      purpose: a.getValue("purpose") as Hex,
      categories: [...(a.getValue("categories") as Hex[])],
      categorySetId: Number(a.getValue("categorySetId")),
      validUntil: a.getValue("validUntil") as bigint,
      receiptHash: a.getValue("receiptHash") as Hex,
      nonce: a.getValue("nonce") as bigint,
      actor: a.getValue("actor") as Hex,
      via: viaOf(a),
    };
  }

  private withdrawn(log: LogDescription, info: TransactionInfo): WithdrawnConsent {
    const a = log.args;
    return {
      ...info,
      consentId: a.getValue("consentId") as Hex,
      subject: a.getValue("subject") as Hex,
      grantee: a.getValue("grantee") as Hex,
      purpose: a.getValue("purpose") as Hex,
      categorySetId: Number(a.getValue("categorySetId")),
      validUntil: a.getValue("validUntil") as bigint,
      nonce: a.getValue("nonce") as bigint,
      actor: a.getValue("actor") as Hex,
      via: viaOf(a),
    };
  }

  private allWithdrawn(log: LogDescription, info: TransactionInfo): AllWithdrawn {
    const a = log.args;
    return {
      ...info,
      subject: a.getValue("subject") as Hex,
      epoch: Number(a.getValue("epoch")),
      actor: a.getValue("actor") as Hex,
      via: viaOf(a),
    };
  }

  private operatorChanged(log: LogDescription, info: TransactionInfo): OperatorChanged {
    const a = log.args;
    return {
      ...info,
      subject: a.getValue("subject") as Hex,
      previousOperator: a.getValue("previousOperator") as Hex,
      operator: a.getValue("operator") as Hex,
      actor: a.getValue("actor") as Hex,
      via: viaOf(a),
    };
  }
}

/** How the action of a registry event reached the registry. */
function viaOf(args: LogDescription["args"]): Via {
  return enumName(VIA, args.getValue("via") as bigint, "'via' value");
}
