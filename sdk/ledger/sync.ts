/**
 * Reading the three contracts' events from a JSON-RPC endpoint into the ledger database.
 *
 * - Block ranges: one `eth_getLogs` for the three addresses per range. When the provider refuses a range
 *   (too many blocks or results, a response too large, a timeout), the range is halved and retried; after
 *   eight ranges in a row succeed it doubles again, up to the configured size.
 * - Confirmations: only blocks at least `confirmations` deep are read.
 * - Resume: each range is committed with the sync state in one transaction, so a sync that stops (an error,
 *   a killed process) resumes after the last committed range; events already stored are never stored twice.
 * - Reorganisations: before reading on, the stored hash of the last block read is compared with the chain's.
 *   If they differ, stored blocks are compared newest first until one matches; everything after it is
 *   forgotten, the derived tables are recomputed from the remaining events, and the sync reads on from there.
 *
 * @module
 */
import { getAddress } from "ethers";
import { CitizenDataError, InvalidInputError } from "../errors.js";
import { decodeLog, type ContractName, type RawLog } from "./decode.js";
import { positionOf } from "./project.js";
import { Rpc, type BlockRef } from "./rpc.js";
import type { ContractAddresses, LedgerStore, StoredEvent } from "./store.js";

/** What one sync did. */
export interface SyncResult {
  chainId: number;
  /** The first and last block read by this sync (`null` when there was nothing new to read). */
  fromBlock: number | null;
  toBlock: number | null;
  /** The chain's head, and how many confirmations were waited for. */
  head: number;
  confirmations: number;
  /** Events stored, and events skipped because they were stored before. */
  events: number;
  duplicates: number;
  /** Logs of the contracts that no ledger event matches (e.g. an inherited `OwnershipTransferred`). */
  unknownLogs: number;
  /** `eth_getLogs` calls made, and how many were refused and retried with a smaller range. */
  requests: number;
  refusals: number;
  /** The range size at the end (it shrinks when a provider refuses a large one). */
  rangeSize: number;
  /** A reorganisation that was undone: the last block kept and how many events were removed. */
  reorg: { lastGoodBlock: number; removedEvents: number } | null;
  /** Wall-clock time, and how it divides: waiting for the node, decoding, storing and projecting. */
  ms: number;
  timings: { rpcMs: number; decodeMs: number; storeMs: number };
}

/** How to sync. */
export interface SyncOptions {
  /** The three contracts; needed on the first sync, checked against the database afterwards. */
  contracts?: ContractAddresses;
  /** The first block to read on the first sync (the contracts' deployment block); 0 by default. */
  startBlock?: number;
  /** Stop at this block (at most the confirmed head). */
  toBlock?: number;
  /**
   * Blocks to wait before reading a block: 0 on development chains (31337: Hardhat, Anvil; 1337: geth
   * --dev, Ganache), 12 elsewhere by default.
   */
  confirmations?: number;
  /** Blocks per `eth_getLogs`, at most (default 5,000). */
  rangeSize?: number;
  /** Tells a provider's refusal of a range (retried smaller) from other errors (thrown). */
  isRangeRefusal?: (error: unknown) => boolean;
  /** Called after each committed range. */
  onProgress?: (progress: { toBlock: number; head: number; events: number }) => void;
}

/** The sync could not go on. */
export class LedgerSyncError extends CitizenDataError {}

const DEV_CHAINS = new Set([31337, 1337]);
const GROW_AFTER = 8;
const REFUSAL =
  /range|too many|more than|limit|exceed|too large|too big|response size|timeout|timed out|-32005/i;

/** Everything an error says, nested causes included, as one string. */
function describe(error: unknown, depth = 0): string {
  if (depth > 4 || error === null || error === undefined) return "";
  if (typeof error !== "object") return String(error);
  const e = error as Record<string, unknown>;
  const parts = [e.message, e.code, e.shortMessage].filter((p) => p !== undefined).map(String);
  for (const inner of [e.error, e.info, e.cause]) parts.push(describe(inner, depth + 1));
  return parts.join(" ");
}

/** The default test for a refused range: messages and codes providers use for too large a query. */
export function isRangeRefusal(error: unknown): boolean {
  return REFUSAL.test(describe(error));
}

/** Reads new events into `store`. */
export async function syncLedger(
  store: LedgerStore,
  rpc: Rpc,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const started = performance.now();
  for (const key of ["startBlock", "toBlock", "confirmations", "rangeSize"] as const) {
    const value = options[key];
    if (
      value !== undefined &&
      (!Number.isSafeInteger(value) || value < (key === "rangeSize" ? 1 : 0))
    ) {
      throw new InvalidInputError(
        `${key} must be a whole number${key === "rangeSize" ? " of at least 1" : ", 0 or more"}`,
        { details: `got ${String(value)}` },
      );
    }
  }
  const chainId = await rpc.chainId();
  const existing = store.state();
  const contracts = options.contracts ?? existing?.contracts;
  if (!contracts) {
    throw new LedgerSyncError("The first sync needs the three contracts' addresses", {
      details:
        "Pass contracts: { registry, licensing, pool } (and startBlock, the deployment block).",
    });
  }
  const state = store.bindSource(chainId, contracts, options.startBlock ?? 0);
  const confirmations = options.confirmations ?? (DEV_CHAINS.has(chainId) ? 0 : 12);
  const maxRange = options.rangeSize ?? 5_000; // checked above: a whole number, at least 1
  const refused = options.isRangeRefusal ?? isRangeRefusal;
  const byAddress = new Map<string, ContractName>([
    [state.contracts.registry.toLowerCase(), "ConsentRegistry"],
    [state.contracts.licensing.toLowerCase(), "DataLicensing"],
    [state.contracts.pool.toLowerCase(), "RevenuePool"],
  ]);
  const checksummed = new Map<string, string>(
    [...byAddress.keys()].map((address) => [address, getAddress(address)]),
  );
  const addresses = [...checksummed.values()];

  const reorg = await undoReorg(store, rpc);
  const head = await rpc.blockNumber();
  const confirmed = head - confirmations;
  const target = Math.min(confirmed, options.toBlock ?? Number.MAX_SAFE_INTEGER);
  const resumeFrom = (store.state()!.lastBlock ?? state.startBlock - 1) + 1;

  const result: SyncResult = {
    chainId,
    fromBlock: null,
    toBlock: null,
    head,
    confirmations,
    events: 0,
    duplicates: 0,
    unknownLogs: 0,
    requests: 0,
    refusals: 0,
    rangeSize: maxRange,
    reorg,
    ms: 0,
    timings: { rpcMs: 0, decodeMs: 0, storeMs: 0 },
  };
  const timed = async <T>(
    key: keyof SyncResult["timings"],
    work: () => Promise<T> | T,
  ): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      result.timings[key] += performance.now() - t;
    }
  };
  let range = maxRange;
  let streak = 0;
  for (let from = resumeFrom; from <= target;) {
    const to = Math.min(from + range - 1, target);
    // The tip's header first: if the chain reorganises while the logs are read, the stored tip hash is
    // the old one and the next sync finds the mismatch.
    const tip = await timed("rpcMs", () => rpc.block(to));
    if (!tip) throw new LedgerSyncError(`The node has no block ${to} (its head moved back?)`);
    let logs: RawLog[];
    try {
      result.requests += 1;
      logs = await timed("rpcMs", () => rpc.logs(from, to, addresses));
    } catch (error) {
      if (range > 1 && refused(error)) {
        result.refusals += 1;
        range = Math.max(1, Math.floor((to - from + 1) / 2));
        streak = 0;
        continue;
      }
      throw new LedgerSyncError(`eth_getLogs failed for blocks ${from} to ${to}`, {
        details: describe(error),
        cause: error,
      });
    }
    const { events, blocks, unknown } = await timed("decodeMs", () =>
      decodeLogs(rpc, chainId, logs, byAddress, checksummed, tip),
    );
    const stored = await timed("storeMs", () => store.appendRange(events, blocks, tip));
    result.events += stored.inserted;
    result.duplicates += stored.duplicates;
    result.unknownLogs += unknown;
    result.fromBlock ??= from;
    result.toBlock = to;
    options.onProgress?.({ toBlock: to, head: target, events: result.events });
    from = to + 1;
    streak += 1;
    if (streak >= GROW_AFTER && range < maxRange) {
      range = Math.min(maxRange, range * 2);
      streak = 0;
    }
  }
  result.rangeSize = range;

  for (const token of store.tokensWithoutMetadata()) {
    const { symbol, decimals } = await rpc.tokenMetadata(token);
    store.putToken(token, symbol, decimals);
  }
  result.ms = performance.now() - started;
  for (const key of Object.keys(result.timings) as (keyof SyncResult["timings"])[]) {
    result.timings[key] = Math.round(result.timings[key]);
  }
  return result;
}

/** Decodes a range's logs, sorted in chain order, with their blocks' times. */
async function decodeLogs(
  rpc: Rpc,
  chainId: number,
  logs: readonly RawLog[],
  byAddress: ReadonlyMap<string, ContractName>,
  checksummed: ReadonlyMap<string, string>,
  tip: BlockRef,
): Promise<{ events: StoredEvent[]; blocks: BlockRef[]; unknown: number }> {
  const blocks = new Map<number, BlockRef>();
  const missingTime = new Set<number>();
  const changed = (number: number) =>
    new LedgerSyncError(`Block ${number} changed while its logs were read (a reorg); sync again`);
  for (const log of logs) {
    const number = Number(BigInt(log.blockNumber));
    const hash = log.blockHash.toLowerCase();
    const known = blocks.get(number);
    // Every log of a block names the same block, and the range's last block is the one read before.
    if (known ? known.hash !== hash : number === tip.number && hash !== tip.hash)
      throw changed(number);
    if (!known) {
      if (log.blockTimestamp !== undefined) {
        blocks.set(number, { number, hash, time: Number(BigInt(log.blockTimestamp)) });
      } else {
        blocks.set(number, { number, hash, time: -1 });
        missingTime.add(number);
      }
    }
  }
  // Nodes that do not return blockTimestamp with logs: read each block once.
  const fetched = await Promise.all([...missingTime].map((n) => rpc.block(n)));
  for (const block of fetched) {
    if (!block) throw new LedgerSyncError("A block vanished while its logs were read (a reorg?)");
    const known = blocks.get(block.number)!;
    if (known.hash !== block.hash) throw changed(block.number);
    known.time = block.time;
  }

  const events: StoredEvent[] = [];
  let unknown = 0;
  for (const log of logs) {
    if (log.removed) continue;
    const address = log.address.toLowerCase();
    const contract = byAddress.get(address);
    if (!contract) continue;
    const decoded = decodeLog(contract, log);
    if (!decoded) {
      unknown += 1;
      continue;
    }
    const blockNumber = Number(BigInt(log.blockNumber));
    const logIndex = Number(BigInt(log.logIndex));
    events.push({
      position: positionOf(blockNumber, logIndex),
      chainId,
      contract,
      address: checksummed.get(address)!,
      name: decoded.name,
      args: decoded.args,
      blockNumber,
      blockHash: log.blockHash.toLowerCase(),
      time: blocks.get(blockNumber)!.time,
      txHash: log.transactionHash.toLowerCase(),
      txIndex: Number(BigInt(log.transactionIndex)),
      logIndex,
    });
  }
  events.sort((a, b) => a.position - b.position);
  return { events, blocks: [...blocks.values()], unknown };
}

/**
 * Compares the stored hash of the last block read with the chain's; on a mismatch, finds the newest stored
 * block the chain still has and rewinds the store to it. Returns what was undone, or `null`.
 */
async function undoReorg(
  store: LedgerStore,
  rpc: Rpc,
): Promise<{ lastGoodBlock: number; removedEvents: number } | null> {
  const state = store.state();
  if (!state || state.lastBlock === null) return null;
  const tipOnChain = await rpc.block(state.lastBlock);
  if (state.lastHash !== null && tipOnChain?.hash === state.lastHash) return null;

  const batch = 16;
  let below = state.lastBlock;
  let lastGood = state.startBlock - 1;
  for (;;) {
    const stored = store.blocksAtOrBelow(below, batch);
    if (stored.length === 0) break;
    const onChain = await Promise.all(stored.map((b) => rpc.block(b.number)));
    const match = stored.findIndex((b, i) => onChain[i]?.hash === b.hash);
    if (match >= 0) {
      lastGood = stored[match]!.number;
      break;
    }
    below = stored[stored.length - 1]!.number - 1;
  }
  const removedEvents = store.rewind(lastGood);
  return { lastGoodBlock: lastGood, removedEvents };
}
