import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { JsonRpcProvider, Network, parseEther } from "ethers";
import {
  DERIVED_TABLES,
  LedgerReader,
  LedgerSourceMismatchError,
  LedgerSyncError,
  MIGRATIONS,
  RpcError,
  SchemaTooNewError,
  isRangeRefusal,
  type Eip1193Provider,
  type Migration,
} from "../../sdk/ledger/index.js";
import { InvalidInputError } from "../../sdk/index.js";
import { PURPOSE } from "../helpers/consent.js";
import { expectRejection } from "../helpers/expect.js";
import {
  TestProvider,
  deployLedgerWorld,
  dumpTables,
  serveRpc,
  someActivity,
  type LedgerWorld,
} from "../helpers/ledger.js";

const { ethers, networkHelpers, provider } = await network.create();
const { loadFixture, mine } = networkHelpers;
const rpc = provider as unknown as Eip1193Provider;

/** Events and every derived table: what two ledgers of the same chain must hold alike. */
const STATE_TABLES = ["events", ...DERIVED_TABLES];

async function activeWorld(): Promise<LedgerWorld> {
  const w = await deployLedgerWorld(ethers);
  await someActivity(w, 0);
  await someActivity(w, 1);
  return w;
}

/** A ledger synced in one go through the plain provider: the reference the others are compared with. */
async function reference(w: LedgerWorld) {
  const ledger = LedgerReader.open({ database: ":memory:" });
  await ledger.sync({ provider: rpc, contracts: w.contracts });
  const tables = dumpTables(ledger.db, STATE_TABLES);
  ledger.close();
  return tables;
}

const head = async () => Number(await ethers.provider.getBlockNumber());

describe("Ledger sync", function () {
  this.timeout(60_000);

  it("reads in block ranges and ends with the same state as one large range", async () => {
    const w = await loadFixture(activeWorld);
    const ledger = LedgerReader.open({ database: ":memory:" });
    const result = await ledger.sync({ provider: rpc, contracts: w.contracts, rangeSize: 7 });
    const last = await head();
    expect(result.fromBlock).to.equal(0);
    expect(result.toBlock).to.equal(last);
    expect(result.requests).to.equal(Math.ceil((last + 1) / 7));
    expect(result.refusals).to.equal(0);
    expect(result.events).to.be.greaterThan(30);
    expect(result.unknownLogs).to.equal(1); // DataLicensing's OwnershipTransferred (from Ownable)
    expect(dumpTables(ledger.db, STATE_TABLES)).to.deep.equal(await reference(w));
    expect(ledger.status().source!.lastBlock).to.equal(last);
    ledger.close();
  });

  it("halves the range when the provider refuses a large one", async () => {
    const w = await loadFixture(activeWorld);
    const refusing = new TestProvider(rpc);
    refusing.maxRange = 5;
    const ledger = LedgerReader.open({ database: ":memory:" });
    const result = await ledger.sync({ provider: refusing, contracts: w.contracts, rangeSize: 64 });
    expect(result.refusals).to.be.greaterThan(3);
    expect(refusing.refused).to.equal(result.refusals);
    expect(refusing.getLogsCalls.every(({ from, to }) => to - from + 1 <= 5)).to.equal(true);
    // Covered every block once, in order, without gaps.
    let next = 0;
    for (const { from, to } of refusing.getLogsCalls) {
      expect(from).to.equal(next);
      next = to + 1;
    }
    expect(next).to.equal((await head()) + 1);
    expect(dumpTables(ledger.db, STATE_TABLES)).to.deep.equal(await reference(w));
    ledger.close();
  });

  it("grows the range back after eight ranges in a row succeed", async () => {
    const w = await loadFixture(activeWorld);
    const busy = new TestProvider(rpc);
    busy.refuseFirst = 2; // refuses 8 and 4 blocks, then accepts anything
    const ledger = LedgerReader.open({ database: ":memory:" });
    const result = await ledger.sync({ provider: busy, contracts: w.contracts, rangeSize: 8 });
    const sizes = busy.getLogsCalls.map(({ from, to }) => to - from + 1);
    expect(result.refusals).to.equal(2);
    expect(sizes.slice(0, 8)).to.deep.equal([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(sizes.slice(8, 16)).to.deep.equal([4, 4, 4, 4, 4, 4, 4, 4]);
    expect(sizes[16]).to.equal(8);
    ledger.close();
  });

  it("tells a refused range from other errors", () => {
    expect(isRangeRefusal(Object.assign(new Error("x"), { code: -32005 }))).to.equal(true);
    expect(isRangeRefusal(new Error("Log response size exceeded."))).to.equal(true);
    expect(isRangeRefusal({ error: { message: "block range is too wide" } })).to.equal(true);
    expect(isRangeRefusal(new Error("exceed maximum block range: 5000"))).to.equal(true);
    expect(isRangeRefusal(new Error("socket hang up"))).to.equal(false);
    expect(isRangeRefusal(new Error("invalid address"))).to.equal(false);
  });

  it("stops on another error with what it read committed, and the next sync resumes after it", async () => {
    const w = await loadFixture(activeWorld);
    const failing = new TestProvider(rpc);
    failing.failAfter = 3;
    const ledger = LedgerReader.open({ database: ":memory:" });
    const error = await expectRejection(
      ledger.sync({ provider: failing, contracts: w.contracts, rangeSize: 5 }),
      LedgerSyncError,
      "eth_getLogs failed for blocks 15 to 19",
    );
    expect(error.message).to.contain("socket hang up");
    expect(ledger.status().source!.lastBlock).to.equal(14);
    const partial = ledger.status().counts.events!;
    expect(partial).to.be.greaterThan(0);

    const healthy = new TestProvider(rpc);
    const result = await ledger.sync({ provider: healthy, rangeSize: 5 });
    expect(healthy.getLogsCalls[0]).to.deep.equal({ from: 15, to: 19 });
    expect(result.duplicates).to.equal(0);
    expect(result.events + partial).to.equal(ledger.status().counts.events);
    expect(dumpTables(ledger.db, STATE_TABLES)).to.deep.equal(await reference(w));
    ledger.close();
  });

  it("waits for confirmations", async () => {
    const w = await loadFixture(activeWorld);
    const ledger = LedgerReader.open({ database: ":memory:" });
    await ledger.sync({ provider: rpc, contracts: w.contracts, confirmations: 3 });
    const tip = await head();
    expect(ledger.status().source!.lastBlock).to.equal(tip - 3);
    const unconfirmed = await ethers.provider.getLogs({
      fromBlock: tip - 2,
      toBlock: tip,
      address: [w.contracts.registry, w.contracts.licensing, w.contracts.pool],
    });
    expect(unconfirmed.length).to.be.greaterThan(0);
    const stored = ledger.db
      .prepare("SELECT COUNT(*) AS n FROM events WHERE block_number > ?")
      .get<{ n: number }>(tip - 3)!.n;
    expect(stored).to.equal(0);

    await mine(3);
    const result = await ledger.sync({ provider: rpc, confirmations: 3 });
    expect(result.fromBlock).to.equal(tip - 2);
    expect(result.toBlock).to.equal(tip);
    expect(result.events).to.equal(unconfirmed.length);
    ledger.close();
  });

  it("changes nothing when the same range is synced, or stored, a second time", async () => {
    const w = await loadFixture(activeWorld);
    const ledger = LedgerReader.open({ database: ":memory:" });
    await ledger.sync({ provider: rpc, contracts: w.contracts });
    const before = dumpTables(ledger.db);
    const updatedAt = ledger.status().source!.updatedAt;
    const again = await ledger.sync({ provider: rpc });
    expect(again.events).to.equal(0);
    expect(again.fromBlock).to.equal(null);
    expect(again.requests).to.equal(0);
    expect(dumpTables(ledger.db)).to.deep.equal(before);
    expect(ledger.status().source!.updatedAt).to.equal(updatedAt);

    // Storing the same events again (as a re-read range would) is refused by the unique key, row for row.
    const events = ledger.db
      .prepare("SELECT * FROM events ORDER BY position")
      .all<Record<string, string | number>>()
      .map((e) => ({
        position: e.position as number,
        chainId: e.chain_id as number,
        contract: e.contract as "ConsentRegistry",
        address: e.address as string,
        name: e.name as string,
        args: JSON.parse(e.args as string) as Record<string, string>,
        blockNumber: e.block_number as number,
        blockHash: e.block_hash as string,
        time: e.block_time as number,
        txHash: e.tx_hash as string,
        txIndex: e.tx_index as number,
        logIndex: e.log_index as number,
      }));
    const state = ledger.status().source!;
    const stored = ledger.store.appendRange(events, [], {
      number: state.lastBlock!,
      hash: state.lastHash!,
      time: state.lastTime!,
    });
    expect(stored).to.deep.equal({ inserted: 0, duplicates: events.length });
    expect(dumpTables(ledger.db)).to.deep.equal(before);
    ledger.close();
  });

  it("reads block times from the blocks when the node's logs do not carry them", async () => {
    const w = await loadFixture(activeWorld);
    const bare = new TestProvider(rpc);
    bare.stripTimestamps = true;
    const ledger = LedgerReader.open({ database: ":memory:" });
    await ledger.sync({ provider: bare, contracts: w.contracts });
    const blocksWithEvents = ledger.db
      .prepare("SELECT COUNT(DISTINCT block_number) AS n FROM events")
      .get<{ n: number }>()!.n;
    expect(bare.blockCalls).to.be.at.least(blocksWithEvents);
    expect(dumpTables(ledger.db, STATE_TABLES)).to.deep.equal(await reference(w));
    ledger.close();
  });

  it("syncs over HTTP from a URL, and through an ethers JsonRpcProvider", async () => {
    const w = await loadFixture(activeWorld);
    const server = await serveRpc(rpc);
    try {
      const ledger = LedgerReader.open({ database: ":memory:" });
      await ledger.sync({ provider: server.url, contracts: w.contracts, rangeSize: 10 });
      expect(server.requests()).to.be.greaterThan(3);
      expect(dumpTables(ledger.db, STATE_TABLES)).to.deep.equal(await reference(w));
      ledger.close();
      const viaEthers = LedgerReader.open({ database: ":memory:" });
      const ethersProvider = new JsonRpcProvider(server.url, undefined, {
        staticNetwork: Network.from(31337),
      });
      await viaEthers.sync({ provider: ethersProvider, contracts: w.contracts, rangeSize: 10 });
      expect(dumpTables(viaEthers.db, STATE_TABLES)).to.deep.equal(await reference(w));
      ethersProvider.destroy();
      viaEthers.close();
    } finally {
      await server.close();
    }
    await expectRejection(
      LedgerReader.open({ database: ":memory:" }).sync({
        provider: "http://127.0.0.1:9",
        contracts: w.contracts,
      }),
      RpcError,
      "Cannot reach the JSON-RPC endpoint http://127.0.0.1:9",
    );
  });

  it("undoes a reorganisation that replaced recent blocks (evm_snapshot / evm_revert)", async () => {
    const w = await loadFixture(activeWorld);
    const ledger = LedgerReader.open({ database: ":memory:" });
    await ledger.sync({ provider: rpc, contracts: w.contracts });
    const forkBase = await head();
    const snapshot = await provider.request({ method: "evm_snapshot", params: [] });

    // The branch the ledger reads first: a deposit, a licence sale, a consent and a withdraw-all.
    const [c1, , , c4] = w.citizens;
    await w.pool.connect(w.buyers[1]!).deposit(1n, parseEther("5"));
    await w.licensing.connect(w.buyers[2]!).buy(1n, PURPOSE, parseEther("100"));
    await w.registry.connect(c4!).withdrawAll(c4!.address);
    await mine(2);
    await ledger.sync({ provider: rpc });
    const orphaned = ledger.db
      .prepare("SELECT COUNT(*) AS n FROM events WHERE block_number > ?")
      .get<{ n: number }>(forkBase)!.n;
    expect(orphaned).to.equal(3);

    // The chain goes back and takes another, shorter branch.
    await provider.request({ method: "evm_revert", params: [snapshot] });
    await w.pool.connect(w.buyers[0]!).deposit(1n, parseEther("1"));
    await w.pool.connect(c1!).leave(1n);
    expect(await head()).to.equal(forkBase + 2);

    const result = await ledger.sync({ provider: rpc });
    expect(result.reorg).to.deep.equal({ lastGoodBlock: forkBase, removedEvents: 3 });
    expect(result.events).to.equal(2);
    expect(dumpTables(ledger.db, STATE_TABLES)).to.deep.equal(await reference(w));
    // And the rebuilt pool agrees with the contract.
    const report = ledger.citizenReport({ subject: c1!.address });
    expect(report.pools[0]!.claimable).to.equal(
      (await w.pool.claimableOf(1n, c1!.address)).toString(),
    );
    expect(report.pools[0]!.weight).to.equal(0);

    // Nothing else changes on a later sync.
    const again = await ledger.sync({ provider: rpc });
    expect(again.reorg).to.equal(null);
    ledger.close();
  });

  it("stops, keeping what it read, when a block changes while its logs are read", async () => {
    const w = await loadFixture(activeWorld);
    const shifty = new TestProvider(rpc);
    shifty.replaceLastBlock = true;
    const ledger = LedgerReader.open({ database: ":memory:" });
    const tip = await head();
    await expectRejection(
      ledger.sync({ provider: shifty, contracts: w.contracts }),
      LedgerSyncError,
      `Block ${tip} changed while its logs were read (a reorg); sync again`,
    );
    expect(ledger.status().source!.lastBlock).to.equal(null);
    await ledger.sync({ provider: rpc });
    expect(dumpTables(ledger.db, STATE_TABLES)).to.deep.equal(await reference(w));
    ledger.close();
  });

  it("stops when the node has no block at the tip of the range, and resumes once it has", async () => {
    const w = await loadFixture(activeWorld);
    const behind = new TestProvider(rpc);
    const tip = await head();
    behind.missingBlocks.add(tip);
    const ledger = LedgerReader.open({ database: ":memory:" });
    await expectRejection(
      ledger.sync({ provider: behind, contracts: w.contracts }),
      LedgerSyncError,
      `The node has no block ${tip} (its head moved back?)`,
    );
    expect(ledger.status().source!.lastBlock).to.equal(null);
    await ledger.sync({ provider: rpc });
    expect(dumpTables(ledger.db, STATE_TABLES)).to.deep.equal(await reference(w));
    ledger.close();
  });

  it("stops when a block whose time it must read has vanished", async () => {
    const w = await loadFixture(activeWorld);
    const [first] = await ethers.provider.getLogs({ address: w.contracts.registry, fromBlock: 0 });
    const lossy = new TestProvider(rpc);
    lossy.stripTimestamps = true;
    lossy.missingBlocks.add(first!.blockNumber);
    const ledger = LedgerReader.open({ database: ":memory:" });
    await expectRejection(
      ledger.sync({ provider: lossy, contracts: w.contracts }),
      LedgerSyncError,
      "A block vanished while its logs were read (a reorg?)",
    );
    expect(ledger.status().source!.lastBlock).to.equal(null);
    ledger.close();
  });

  it("refuses options that are not whole numbers in range, and a provider it cannot call", async () => {
    const w = await loadFixture(activeWorld);
    const ledger = LedgerReader.open({ database: ":memory:" });
    const sync = (options: Record<string, number>) =>
      ledger.sync({ provider: rpc, contracts: w.contracts, ...options });
    await expectRejection(
      sync({ confirmations: -1 }),
      InvalidInputError,
      "confirmations must be a whole number, 0 or more",
    );
    await expectRejection(
      sync({ rangeSize: 0 }),
      InvalidInputError,
      "rangeSize must be a whole number of at least 1",
    );
    await expectRejection(
      sync({ startBlock: 1.5 }),
      InvalidInputError,
      "startBlock must be a whole number",
    );
    await expectRejection(
      ledger.sync({ provider: {} as Eip1193Provider, contracts: w.contracts }),
      RpcError,
      "The ledger needs a JSON-RPC URL, an EIP-1193 provider or an object with send(method, params)",
    );
    ledger.close();
  });

  it("follows one deployment per database and needs the contracts on the first sync", async () => {
    const w = await loadFixture(activeWorld);
    const ledger = LedgerReader.open({ database: ":memory:" });
    await expectRejection(
      ledger.sync({ provider: rpc }),
      LedgerSyncError,
      "needs the three contracts",
    );
    await ledger.sync({ provider: rpc, contracts: w.contracts, toBlock: 5 });
    expect(ledger.status().source!.lastBlock).to.equal(5);
    await expectRejection(
      ledger.sync({ provider: rpc, contracts: { ...w.contracts, pool: w.contracts.registry } }),
      LedgerSourceMismatchError,
      "follows another deployment",
    );
    ledger.close();
  });

  describe("schema and migrations", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), "ledger-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("records each migration, applies new ones in order in a transaction, and rebuilds when asked", async () => {
      const w = await loadFixture(activeWorld);
      const file = path.join(dir, "ledger.db");
      const first = LedgerReader.open({ database: file });
      expect(first.store.migration).to.deep.include({
        from: 0,
        to: 1,
        applied: [1],
        rebuilt: false,
      });
      await first.sync({ provider: rpc, contracts: w.contracts });
      const before = dumpTables(first.db, STATE_TABLES);
      first.close();

      const v2: Migration = {
        version: 2,
        description: "a column for later",
        up: "ALTER TABLE pools ADD COLUMN note TEXT",
        rebuild: true,
      };
      const second = LedgerReader.open({ database: file, migrations: [...MIGRATIONS, v2] });
      expect(second.store.migration).to.deep.include({
        from: 1,
        to: 2,
        applied: [2],
        rebuilt: true,
      });
      expect(second.status().schemaVersion).to.equal(2);
      const pools = second.db.prepare("SELECT note FROM pools").all();
      expect(pools).to.have.length(2);
      expect(
        dumpTables(
          second.db,
          STATE_TABLES.filter((t) => t !== "pools"),
        ),
      ).to.deep.equal(Object.fromEntries(Object.entries(before).filter(([t]) => t !== "pools")));
      second.close();

      const broken: Migration = {
        version: 3,
        description: "fails half-way",
        up: "CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);",
      };
      expect(() =>
        LedgerReader.open({ database: file, migrations: [...MIGRATIONS, v2, broken] }),
      ).to.throw(/no such table: nowhere/);
      const third = LedgerReader.open({ database: file, migrations: [...MIGRATIONS, v2] });
      expect(third.status().schemaVersion).to.equal(2);
      expect(third.db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).to.equal(
        undefined,
      );
      third.close();

      expect(() => LedgerReader.open({ database: file })).to.throw(
        SchemaTooNewError,
        "schema version 2",
      );
    });
  });
});
