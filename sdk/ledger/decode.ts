/**
 * Decoding the three contracts' logs with their ABIs (from the TypeChain factories of the interfaces, whose
 * events are the ledger) into plain JSON: the form the `events` table stores.
 *
 * {@link decodeLog} is a small ABI decoder driven by the ABI's parameter types: it reads the hex words
 * directly and caches address checksums, about ten times faster than decoding with ethers and then
 * converting, which is what a sync spends most of its time on. {@link decodeLogWithEthers} is that slower
 * reference; the tests check that both give the same JSON for every event.
 *
 * JSON form of Solidity values: integers of at most 48 bits (enums, ids, weights, basis points, block
 * times) are numbers; wider integers (amounts, expiries, nonces) are decimal strings, so no precision is
 * lost; addresses are checksummed; `bytes32` and `bytes` are lowercase hex; structs are objects keyed by
 * field name; arrays are arrays.
 *
 * @module
 */
import { getAddress, Interface, type EventFragment, type ParamType } from "ethers";
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
 * Decodes a log of `contract` with ethers (the reference the fast decoder is tested against); `undefined`
 * when the ABI does not know its topic.
 */
export function decodeLogWithEthers(
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

// ---------------------------------------------------------------------------------------------------------------
// The fast decoder
// ---------------------------------------------------------------------------------------------------------------

const WORD = 64; // hex characters in a 32-byte word
const checksums = new Map<string, string>();

/** EIP-55 checksum of a lowercase 40-hex-digit address, cached (a ledger sees the same accounts again and again). */
function checksum(lower: string): string {
  let out = checksums.get(lower);
  if (out === undefined) {
    out = getAddress(`0x${lower}`);
    if (checksums.size > 200_000) checksums.clear();
    checksums.set(lower, out);
  }
  return out;
}

function isDynamic(t: ParamType): boolean {
  if (t.baseType === "string" || t.baseType === "bytes") return true;
  if (t.isArray()) return t.arrayLength === -1 || isDynamic(t.arrayChildren);
  if (t.isTuple()) return t.components.some(isDynamic);
  return false;
}

/** Words a static type takes in the head. */
function headWords(t: ParamType): number {
  if (isDynamic(t)) return 1;
  if (t.isTuple()) return t.components.reduce((n, c) => n + headWords(c), 0);
  if (t.isArray()) return t.arrayLength * headWords(t.arrayChildren);
  return 1;
}

function readLength(hex: string, at: number): number {
  const word = hex.slice(at, at + WORD);
  if (word.length !== WORD) throw new Error("log data is shorter than its ABI");
  const n = Number.parseInt(word, 16);
  if (!Number.isSafeInteger(n) || n > hex.length)
    throw new Error("log data has an offset out of range");
  return n;
}

/** A value in one word. */
function decodeWord(t: ParamType, word: string): JsonValue {
  if (word.length !== WORD) throw new Error("log data is shorter than its ABI");
  const base = t.baseType;
  if (base === "address") return checksum(word.slice(24));
  if (base === "bool") return /[^0]/.test(word);
  if (base.startsWith("uint")) {
    const bits = Number(base.slice(4) || "256");
    return bits <= 48 ? Number.parseInt(word.slice(WORD - 12), 16) : BigInt(`0x${word}`).toString();
  }
  if (base.startsWith("int")) {
    const bits = Number(base.slice(3) || "256");
    let v = BigInt(`0x${word}`);
    if (v >= 1n << 255n) v -= 1n << 256n;
    return bits <= 48 ? Number(v) : v.toString();
  }
  if (base.startsWith("bytes")) return `0x${word.slice(0, Number(base.slice(5)) * 2)}`;
  throw new Error(`cannot decode ${base}`);
}

/** The value of type `t` whose encoding starts at hex position `at`. */
function decodeAt(t: ParamType, hex: string, at: number): JsonValue {
  if (t.isTuple()) {
    const values = decodeSequence(t.components, hex, at);
    const out: Record<string, JsonValue> = {};
    t.components.forEach((c, i) => (out[c.name || String(i)] = values[i]!));
    return out;
  }
  if (t.isArray()) {
    const dynamicLength = t.arrayLength === -1;
    const length = dynamicLength ? readLength(hex, at) : t.arrayLength;
    const start = dynamicLength ? at + WORD : at;
    return decodeSequence(Array<ParamType>(length).fill(t.arrayChildren), hex, start);
  }
  if (t.baseType === "string" || t.baseType === "bytes") {
    const length = readLength(hex, at);
    const body = hex.slice(at + WORD, at + WORD + length * 2);
    if (body.length !== length * 2) throw new Error("log data is shorter than its ABI");
    return t.baseType === "string" ? Buffer.from(body, "hex").toString("utf8") : `0x${body}`;
  }
  return decodeWord(t, hex.slice(at, at + WORD));
}

/** A head-and-tail encoded sequence (a tuple's components, an array's items) starting at `base`. */
function decodeSequence(types: readonly ParamType[], hex: string, base: number): JsonValue[] {
  const out: JsonValue[] = [];
  let head = base;
  for (const t of types) {
    if (isDynamic(t)) {
      out.push(decodeAt(t, hex, base + readLength(hex, head) * 2));
      head += WORD;
    } else {
      out.push(decodeAt(t, hex, head));
      head += headWords(t) * WORD;
    }
  }
  return out;
}

interface Plan {
  name: string;
  indexed: { name: string; type: ParamType; topic: number }[];
  data: { names: string[]; types: ParamType[] };
  order: string[];
}

const plans = new Map<ContractName, Map<string, Plan>>();
for (const [contract, byTopic] of fragments) {
  const byTopicPlan = new Map<string, Plan>();
  for (const [topic, fragment] of byTopic) {
    const indexed: Plan["indexed"] = [];
    const data: Plan["data"] = { names: [], types: [] };
    let topicIndex = 1;
    for (const input of fragment.inputs) {
      if (input.indexed) indexed.push({ name: input.name, type: input, topic: topicIndex++ });
      else {
        data.names.push(input.name);
        data.types.push(input);
      }
    }
    byTopicPlan.set(topic, {
      name: fragment.name,
      indexed,
      data,
      order: fragment.inputs.map((i) => i.name),
    });
  }
  plans.set(contract, byTopicPlan);
}

/**
 * Decodes a log of `contract`; `undefined` when the ABI does not know its topic (an event the ledger does
 * not read, e.g. an inherited `OwnershipTransferred`).
 *
 * @throws {Error} When the log's data does not fit its ABI.
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
  const plan = plans.get(contract)?.get(topic.toLowerCase());
  if (!plan) return undefined;
  const values = new Map<string, JsonValue>();
  for (const { name, type, topic: index } of plan.indexed) {
    const word = log.topics[index];
    if (word === undefined) throw new Error(`${plan.name} log lacks topic ${index}`);
    // An indexed dynamic value is stored as its hash.
    values.set(
      name,
      isDynamic(type) || type.isTuple()
        ? word.toLowerCase()
        : decodeWord(type, word.slice(2).toLowerCase()),
    );
  }
  const decoded = decodeSequence(plan.data.types, log.data.slice(2).toLowerCase(), 0);
  plan.data.names.forEach((name, i) => values.set(name, decoded[i]!));
  const args: EventArgs = {};
  for (const name of plan.order) args[name] = values.get(name)!;
  return { contract, name: plan.name, args };
}
