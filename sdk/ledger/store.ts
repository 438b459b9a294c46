/**
 * The ledger's storage: the `events` table (the source of truth), the blocks it was read from, the sync
 * state, and the derived tables the {@link Projector} keeps in step with the events.
 *
 * @module
 */
import { getAddress } from "ethers";
import { CitizenDataError } from "../errors.js";
import { openDatabase, type Db } from "./db.js";
import type { ContractName, EventArgs } from "./decode.js";
import {
  DERIVED_TABLES,
  migrate,
  type Migration,
  MIGRATIONS,
  PROJECTOR_INDEXES,
} from "./migrations.js";
import { parseArgs, Projector, type LedgerEvent } from "./project.js";
import type { BlockRef } from "./rpc.js";

/** The three contracts a ledger follows. */
export interface ContractAddresses {
  registry: string;
  licensing: string;
  pool: string;
}

/** The deployment a database follows, and how far it has read it. */
export interface SyncState {
  chainId: number;
  contracts: ContractAddresses;
  /** The first block read (the contracts' deployment block, or 0). */
  startBlock: number;
  /** The last block read, or `null` before the first sync. */
  lastBlock: number | null;
  lastHash: string | null;
  lastTime: number | null;
  updatedAt: string;
}

/** An event ready to store: decoded, with its place on chain. */
export interface StoredEvent extends LedgerEvent {
  chainId: number;
  address: string;
  blockHash: string;
  txIndex: number;
}

/** The database follows another deployment than the one asked for. */
export class LedgerSourceMismatchError extends CitizenDataError {}

interface StateRow {
  id: string;
  chain_id: number;
  registry: string;
  licensing: string;
  pool: string;
  start_block: number;
  last_block: number | null;
  last_hash: string | null;
  last_time: number | null;
  updated_at: string;
}

function sourceId(chainId: number, c: ContractAddresses): string {
  return [chainId, c.registry, c.licensing, c.pool].join(":").toLowerCase();
}

/** Checksummed addresses. */
export function normaliseContracts(c: ContractAddresses): ContractAddresses {
  return {
    registry: getAddress(c.registry),
    licensing: getAddress(c.licensing),
    pool: getAddress(c.pool),
  };
}

/** The ledger database: events, blocks, sync state and derived tables. */
export class LedgerStore {
  /** What opening the database did to its schema. */
  readonly migration: { from: number; to: number; applied: number[]; rebuilt: boolean };

  private constructor(
    readonly db: Db,
    migrations: readonly Migration[],
  ) {
    const result = migrate(db, migrations);
    if (result.rebuild) this.rebuild();
    this.migration = {
      from: result.from,
      to: result.to,
      applied: result.applied,
      rebuilt: result.rebuild,
    };
  }

  /** Opens (or creates) the database at `location` (`":memory:"` for one in memory) and migrates it. */
  static open(location: string, migrations: readonly Migration[] = MIGRATIONS): LedgerStore {
    const db = openDatabase(location);
    try {
      return new LedgerStore(db, migrations);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  /** The sync state, or `undefined` before the first sync. */
  state(): SyncState | undefined {
    const row = this.db.prepare("SELECT * FROM sync_state").get<StateRow>();
    if (!row) return undefined;
    return {
      chainId: row.chain_id,
      contracts: { registry: row.registry, licensing: row.licensing, pool: row.pool },
      startBlock: row.start_block,
      lastBlock: row.last_block,
      lastHash: row.last_hash,
      lastTime: row.last_time,
      updatedAt: row.updated_at,
    };
  }

  /**
   * Records the deployment this database follows, on first use; afterwards checks that it is the same one.
   *
   * @throws {LedgerSourceMismatchError} When the database already follows another chain or contracts.
   */
  bindSource(chainId: number, contracts: ContractAddresses, startBlock: number): SyncState {
    const c = normaliseContracts(contracts);
    const existing = this.state();
    if (existing) {
      if (sourceId(existing.chainId, existing.contracts) !== sourceId(chainId, c)) {
        throw new LedgerSourceMismatchError(
          "This ledger database follows another deployment than the one given",
          {
            details:
              `database: chain ${existing.chainId}, registry ${existing.contracts.registry}, licensing ` +
              `${existing.contracts.licensing}, pool ${existing.contracts.pool}; given: chain ${chainId}, ` +
              `registry ${c.registry}, licensing ${c.licensing}, pool ${c.pool}. One database follows one ` +
              `deployment: use another database file.`,
          },
        );
      }
      return existing;
    }
    this.db
      .prepare(
        `INSERT INTO sync_state (id, chain_id, registry, licensing, pool, start_block, last_block, last_hash,
           last_time, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?)`,
      )
      .run(
        sourceId(chainId, c),
        chainId,
        c.registry,
        c.licensing,
        c.pool,
        startBlock,
        new Date().toISOString(),
      );
    return this.state()!;
  }

  /**
   * Stores one range's events and blocks in one transaction, projects the events that were new, and moves
   * the sync state to `tip`. Events already stored (same chain, transaction and log index) are skipped, so
   * storing the same range twice changes nothing.
   */
  appendRange(
    events: readonly StoredEvent[],
    blocks: readonly BlockRef[],
    tip: BlockRef,
  ): { inserted: number; duplicates: number } {
    return this.db.transaction(() => {
      const state = this.state();
      if (!state) throw new Error("bindSource() first");
      const putBlock = this.db.prepare(
        `INSERT INTO blocks (number, hash, time) VALUES (?, ?, ?)
         ON CONFLICT (number) DO UPDATE SET hash = excluded.hash, time = excluded.time`,
      );
      for (const block of blocks) putBlock.run(block.number, block.hash, block.time);
      const insert = this.db.prepare(
        `INSERT OR IGNORE INTO events (position, chain_id, contract, address, block_number, block_hash,
           block_time, tx_hash, tx_index, log_index, name, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const last = this.db
        .prepare("SELECT MAX(position) AS position FROM events")
        .get<{ position: number | null }>();
      const lastPosition = last?.position ?? -1;
      const projector = new Projector(this.db);
      let inserted = 0;
      let outOfOrder = false;
      for (const e of events) {
        const { changes } = insert.run(
          e.position,
          e.chainId,
          e.contract,
          e.address,
          e.blockNumber,
          e.blockHash,
          e.time,
          e.txHash,
          e.txIndex,
          e.logIndex,
          e.name,
          JSON.stringify(e.args),
        );
        if (changes === 0) continue;
        inserted += 1;
        if (e.position < lastPosition) outOfOrder = true;
        else projector.apply(e);
      }
      // An event older than one already projected cannot be applied on top: recompute everything.
      if (outOfOrder) this.rebuild();
      if (state.lastBlock === null || tip.number > state.lastBlock) {
        // The previous tip is kept only if events live in its block.
        if (state.lastBlock !== null) {
          this.db
            .prepare(
              "DELETE FROM blocks WHERE number = ? AND NOT EXISTS (SELECT 1 FROM events WHERE block_number = ?)",
            )
            .run(state.lastBlock, state.lastBlock);
        }
        putBlock.run(tip.number, tip.hash, tip.time);
        this.db
          .prepare(
            "UPDATE sync_state SET last_block = ?, last_hash = ?, last_time = ?, updated_at = ?",
          )
          .run(tip.number, tip.hash, tip.time, new Date().toISOString());
      }
      return { inserted, duplicates: events.length - inserted };
    });
  }

  /** Stored blocks at or below `number`, newest first: the reference points of a reorg check. */
  blocksAtOrBelow(number: number, limit: number): BlockRef[] {
    return this.db
      .prepare(
        "SELECT number, hash, time FROM blocks WHERE number <= ? ORDER BY number DESC LIMIT ?",
      )
      .all<BlockRef>(number, limit);
  }

  /**
   * Forgets everything after block `lastGood` (events, blocks) and recomputes the derived tables, so the
   * next sync reads from `lastGood + 1`. Returns how many events were removed.
   */
  rewind(lastGood: number): number {
    return this.db.transaction(() => {
      const state = this.state();
      if (!state) return 0;
      const { changes } = this.db
        .prepare("DELETE FROM events WHERE block_number > ?")
        .run(lastGood);
      this.db.prepare("DELETE FROM blocks WHERE number > ?").run(lastGood);
      const kept = this.db
        .prepare("SELECT hash, time FROM blocks WHERE number = ?")
        .get<{ hash: string; time: number }>(lastGood);
      const rewound = lastGood < state.startBlock ? null : lastGood;
      this.db
        .prepare(
          "UPDATE sync_state SET last_block = ?, last_hash = ?, last_time = ?, updated_at = ?",
        )
        .run(
          rewound,
          rewound === null ? null : (kept?.hash ?? null),
          rewound === null ? null : (kept?.time ?? null),
          new Date().toISOString(),
        );
      this.rebuild();
      return changes;
    });
  }

  /** Recomputes every derived table from the `events` table, in one transaction. */
  rebuild(): { events: number; ms: number } {
    const started = performance.now();
    return this.db.transaction(() => {
      for (const table of DERIVED_TABLES) this.db.exec(`DELETE FROM ${table}`);
      const tables = DERIVED_TABLES.map((t) => `'${t}'`).join(", ");
      const queryIndexes = this.db
        .prepare(
          `SELECT name, sql FROM sqlite_master
           WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables}) ORDER BY name`,
        )
        .all<{ name: string; sql: string }>()
        .filter((index) => !PROJECTOR_INDEXES.has(index.name));
      for (const index of queryIndexes) this.db.exec(`DROP INDEX ${index.name}`);
      const projector = new Projector(this.db);
      let count = 0;
      for (const row of this.db
        .prepare(
          `SELECT position, contract, name, args, block_number, block_time, tx_hash, log_index
           FROM events ORDER BY position`,
        )
        .iterate<{
          position: number;
          contract: ContractName;
          name: string;
          args: string;
          block_number: number;
          block_time: number;
          tx_hash: string;
          log_index: number;
        }>()) {
        projector.apply({
          position: row.position,
          contract: row.contract,
          name: row.name,
          args: parseArgs(row.args) as EventArgs,
          blockNumber: row.block_number,
          time: row.block_time,
          txHash: row.tx_hash,
          logIndex: row.log_index,
        });
        count += 1;
      }
      for (const index of queryIndexes) this.db.exec(index.sql);
      return { events: count, ms: performance.now() - started };
    });
  }

  /** Token addresses that products and pools name but whose metadata is not stored yet. */
  tokensWithoutMetadata(): string[] {
    return this.db
      .prepare(
        `SELECT token FROM (SELECT token FROM products UNION SELECT token FROM pools)
         WHERE token NOT IN (SELECT address FROM tokens)`,
      )
      .all<{ token: string }>()
      .map((r) => r.token);
  }

  /** Stores a token's symbol and decimals. */
  putToken(address: string, symbol: string | null, decimals: number | null): void {
    this.db
      .prepare(
        `INSERT INTO tokens (address, symbol, decimals) VALUES (?, ?, ?)
         ON CONFLICT (address) DO UPDATE SET symbol = excluded.symbol, decimals = excluded.decimals`,
      )
      .run(address, symbol, decimals);
  }
}
