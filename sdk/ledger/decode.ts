/**
 * Decoding the three contracts' logs with their ABIs (from the TypeChain factories of the interfaces, whose
 * events are the ledger) into plain JSON: the form the `events` table stores.
 *
 * JSON form of Solidity values: integers of at most 48 bits (enums, ids, weights, basis points, block
 * times) are numbers; wider integers (amounts, expiries, nonces) are decimal strings, so no precision is
 * lost; addresses are checksummed; `bytes32` and `bytes` are lowercase hex; structs are objects keyed by
 * field name; arrays are arrays.
 *
 * @module
 */
import { Interface, type EventFragment, type ParamType } from "ethers";
import { IConsentRegistry__factory } from "../../typechain-types/factories/interfaces/IConsentRegistry__factory.js";
import { IDataLicensing__factory } from "../../typechain-types/factories/interfaces/IDataLicensing__factory.js";
import { IRevenuePool__factory } from "../../typechain-types/factories/interfaces/IRevenuePool__factory.js";

/** The contracts whose events make the ledger. */
export type ContractName = "ConsentRegistry" | "DataLicensing" | "RevenuePool";

/** A JSON value as stored in `events.args`. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Decoded event arguments, keyed by parameter name. */
export type EventArgs = Record<string, JsonValue>;

/** A log as `eth_getLogs` returns it (hex quantities). */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  /** Returned by newer nodes (and Hardhat's EDR); fetched from the block otherwise. */
  blockTimestamp?: string;
  removed?: boolean;
}

/** A decoded log. */
export interface DecodedLog {
  contract: ContractName;
  name: string;
  args: EventArgs;
}

const INTERFACES: Record<ContractName, Interface> = {
  ConsentRegistry: new Interface(IConsentRegistry__factory.abi),
  DataLicensing: new Interface(IDataLicensing__factory.abi),
  RevenuePool: new Interface(IRevenuePool__factory.abi),
};

const fragments = new Map<ContractName, Map<string, EventFragment>>();
for (const [contract, iface] of Object.entries(INTERFACES) as [ContractName, Interface][]) {
  const byTopic = new Map<string, EventFragment>();
  iface.forEachEvent((fragment) => byTopic.set(fragment.topicHash, fragment));
  fragments.set(contract, byTopic);
}

/** Every event name of the ledger's contracts, per contract. */
export const EVENT_NAMES: Record<ContractName, readonly string[]> = Object.fromEntries(
  [...fragments].map(([contract, byTopic]) => [contract, [...byTopic.values()].map((f) => f.name)]),
) as unknown as Record<ContractName, readonly string[]>;

function toJson(type: ParamType, value: unknown): JsonValue {
  if (type.isTuple()) {
    const out: Record<string, JsonValue> = {};
    const values = value as unknown[];
    type.components.forEach((component, i) => {
      out[component.name || String(i)] = toJson(component, values[i]);
    });
    return out;
  }
  if (type.isArray()) {
    return (value as unknown[]).map((item) => toJson(type.arrayChildren, item));
  }
  const base = type.baseType;
  if (base.startsWith("uint") || base.startsWith("int")) {
    const bits = Number(base.replace(/^u?int/, "") || "256");
    return bits <= 48 ? Number(value as bigint) : (value as bigint).toString();
  }
  if (base === "bool") return value as boolean;
  if (base === "address" || base === "string") return value as string;
  return String(value).toLowerCase(); // bytes and bytesN: hex
}

/**
 * Decodes a log of `contract`; `undefined` when the ABI does not know its topic (an event the ledger does
 * not read, e.g. an inherited `OwnershipTransferred`).
 *
 * @example
 * ```ts
 * const decoded = decodeLog("ConsentRegistry", log); // { contract, name: "ConsentGranted", args: { … } }
 * ```
 */
export function decodeLog(
  contract: ContractName,
  log: Pick<RawLog, "topics" | "data">,
): DecodedLog | undefined {
  const topic = log.topics[0];
  if (!topic) return undefined;
  const fragment = fragments.get(contract)?.get(topic.toLowerCase());
  if (!fragment) return undefined;
  const result = INTERFACES[contract].decodeEventLog(fragment, log.data, log.topics);
  const args: EventArgs = {};
  fragment.inputs.forEach((input, i) => {
    args[input.name] = toJson(input, result[i]);
  });
  return { contract, name: fragment.name, args };
}
