import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseEther } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Db } from "../../sdk/ledger/db.js";
import type { ContractAddresses, Eip1193Provider } from "../../sdk/ledger/index.js";
import { CAT_A, CATEGORIES, OTHER_PURPOSE, PURPOSE } from "./consent.js";
import { DAY, TERMS } from "./licensing.js";
import { deployRevenueWorld, poolParams, POOL_CATEGORIES, type RevenueWorld } from "./revenue.js";

type S = HardhatEthersSigner;
export const MAX = 2n ** 256n - 1n;

/** A world for the ledger tests: the three contracts, two pools, three products, funded buyers. */
export interface LedgerWorld extends RevenueWorld {
  contracts: ContractAddresses;
  tokenAddress: string;
  owner: S;
  treasury: S;
  provider: S;
  city: S;
  grantee: S;
  otherGrantee: S;
  contributors: S;
  ngo: S;
  buyers: S[];
  citizens: S[];
  /** Category set ids: POOL_CATEGORIES (A, B), CATEGORIES (A, B, C), and {A}. */
  sets: { pool: bigint; all: bigint; a: bigint };
}

/**
 * Deploys the world. Pool 1 (ERC-20) rests on consent to `grantee` for PURPOSE covering A and B; pool 2
 * (native coin) on consent to `otherGrantee` for OTHER_PURPOSE covering A. Product 1 pays pool 1 (30-day
 * renewable subscription, both purposes); product 2 pays pool 2 (perpetual); product 3 is a plain ERC-20
 * product (10-day renewable, 10% city, 20% provider) relying on `grantee`.
 */
export async function deployLedgerWorld(ethers: HardhatEthers): Promise<LedgerWorld> {
  const signers = await ethers.getSigners();
  const [owner, treasury, provider, city, grantee, otherGrantee, contributors, ngo, b1, b2, b3] =
    signers as [S, S, S, S, S, S, S, S, S, S, S];
  const citizens = signers.slice(11, 20) as S[];
  const world = await deployRevenueWorld(ethers, owner, treasury);
  const { registry, licensing, pool, token, poolAddress } = world;
  await registry.registerCategorySet([CAT_A]);
  const sets = {
    pool: await registry.categorySetIdOf(POOL_CATEGORIES),
    all: await registry.categorySetIdOf(CATEGORIES),
    a: await registry.categorySetIdOf([CAT_A]),
  };
  const tokenAddress = await token.getAddress();
  await pool
    .connect(provider)
    .createPool(poolParams(tokenAddress, city.address, grantee.address, sets.pool));
  await pool.connect(provider).createPool({
    ...poolParams(ethers.ZeroAddress, city.address, otherGrantee.address, sets.a),
    purpose: OTHER_PURPOSE,
  });
  await licensing.connect(provider).registerParties(city.address, poolAddress); // parties 1
  await licensing.connect(provider).registerParties(city.address, contributors.address); // parties 2
  const base = {
    partiesId: 1n,
    token: tokenAddress,
    price: parseEther("100"),
    period: 30n * DAY,
    renewable: true,
    cityBps: 0n,
    providerBps: 0n,
    purposes: [PURPOSE, OTHER_PURPOSE],
    consentGrantee: grantee.address,
    metadataURI: "ipfs://mobility",
    termsHash: TERMS,
    poolId: 1n,
  };
  await licensing.connect(provider).publish(base);
  await licensing.connect(provider).publish({
    ...base,
    token: ethers.ZeroAddress,
    price: parseEther("0.3"),
    period: 0n,
    renewable: false,
    purposes: [OTHER_PURPOSE],
    consentGrantee: otherGrantee.address,
    metadataURI: "ipfs://health",
    poolId: 2n,
  });
  await licensing.connect(provider).publish({
    ...base,
    partiesId: 2n,
    price: parseEther("7") + 3n,
    period: 10n * DAY,
    cityBps: 1_000n,
    providerBps: 2_000n,
    purposes: [PURPOSE],
    metadataURI: "ipfs://open-data",
    poolId: 0n,
  });
  const buyers = [b1, b2, b3];
  for (const buyer of [...buyers, ...citizens]) {
    await token.mint(buyer.address, parseEther("1000000"));
    await token.connect(buyer).approve(await licensing.getAddress(), MAX);
    await token.connect(buyer).approve(poolAddress, MAX);
  }
  return {
    ...world,
    contracts: {
      registry: await registry.getAddress(),
      licensing: await licensing.getAddress(),
      pool: poolAddress,
    },
    tokenAddress,
    owner,
    treasury,
    provider,
    city,
    grantee,
    otherGrantee,
    contributors,
    ngo,
    buyers,
    citizens,
    sets,
  };
}

/** An EIP-1193 provider in front of another that refuses large `eth_getLogs` ranges, fails on demand, etc. */
export class TestProvider implements Eip1193Provider {
  getLogsCalls: { from: number; to: number }[] = [];
  refused = 0;
  /** Refuse eth_getLogs spanning more blocks than this (like Infura's -32005). */
  maxRange = Number.MAX_SAFE_INTEGER;
  /** Refuse the first this many eth_getLogs, whatever their range (a provider under load). */
  refuseFirst = 0;
  /** After this many successful eth_getLogs, fail every call with a connection error. */
  failAfter = Number.MAX_SAFE_INTEGER;
  /** Drop `blockTimestamp` from logs, as nodes that do not return it. */
  stripTimestamps = false;
  /** Report the logs of each range's last block under another block hash, as if it was replaced meanwhile. */
  replaceLastBlock = false;
  /** Blocks the node answers `null` for, as a node whose head moved back, or that lost a block to a reorg. */
  missingBlocks = new Set<number>();
  blockCalls = 0;

  constructor(private readonly inner: Eip1193Provider) {}

  async request(args: { method: string; params?: unknown[] | object }): Promise<unknown> {
    if (args.method === "eth_getBlockByNumber") {
      this.blockCalls += 1;
      const [tag] = args.params as [string];
      if (this.missingBlocks.has(Number(BigInt(tag)))) return null;
    }
    if (args.method !== "eth_getLogs") return await this.inner.request(args);
    const [filter] = args.params as [{ fromBlock: string; toBlock: string }];
    const from = Number(BigInt(filter.fromBlock));
    const to = Number(BigInt(filter.toBlock));
    if (this.getLogsCalls.length >= this.failAfter) {
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    }
    if (to - from + 1 > this.maxRange || this.refused < this.refuseFirst) {
      this.refused += 1;
      throw Object.assign(new Error("query returned more than 10000 results"), { code: -32005 });
    }
    this.getLogsCalls.push({ from, to });
    let logs = (await this.inner.request(args)) as Record<string, unknown>[];
    if (this.replaceLastBlock) {
      logs = logs.map((log) =>
        Number(BigInt(log.blockNumber as string)) === to
          ? { ...log, blockHash: `0x${"99".repeat(32)}` }
          : log,
      );
    }
    return this.stripTimestamps ? logs.map(({ blockTimestamp: _drop, ...rest }) => rest) : logs;
  }
}

/** Every table's rows (sync_state without its wall-clock time), to compare two databases or two moments. */
export function dumpTables(db: Db, only?: readonly string[]): Record<string, unknown[]> {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all<{ name: string }>()
    .map((t) => t.name)
    .filter((t) => !only || only.includes(t));
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    const rows = db.prepare(`SELECT * FROM ${table}`).all<Record<string, unknown>>();
    out[table] = rows
      .map((r) => {
        const { updated_at: _u, applied_at: _a, ...rest } = r;
        return rest;
      })
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

/** A JSON-RPC server over HTTP in front of an EIP-1193 provider (batches too), for the CLI and ethers. */
export async function serveRpc(
  provider: Eip1193Provider,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const answer = async (call: { id: unknown; method: string; params?: unknown[] }) => {
    requests += 1;
    try {
      const result = await provider.request({ method: call.method, params: call.params ?? [] });
      return { jsonrpc: "2.0", id: call.id, result };
    } catch (error) {
      const e = error as { code?: unknown; message?: string };
      return {
        jsonrpc: "2.0",
        id: call.id,
        error: {
          code: typeof e.code === "number" ? e.code : -32000,
          message: e.message ?? String(error),
        },
      };
    }
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      void (async () => {
        const parsed = JSON.parse(body) as unknown;
        const reply = Array.isArray(parsed)
          ? await Promise.all(parsed.map((c) => answer(c as never)))
          : await answer(parsed as never);
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify(reply, (_k, v: unknown) =>
            typeof v === "bigint" ? `0x${v.toString(16)}` : v,
          ),
        );
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { CAT_A, CATEGORIES, OTHER_PURPOSE, PURPOSE, POOL_CATEGORIES };

/**
 * A little of everything, varied by `round`: consents (one withdrawn, one withdraw-all), pool joins,
 * deposits, a licence sale into a pool and one of the plain product, a claim.
 */
export async function someActivity(w: LedgerWorld, round = 0): Promise<void> {
  const [c1, c2, c3] = w.citizens as [S, S, S];
  const { registry, pool, licensing } = w;
  const receipt = `0x${(round + 1).toString(16).padStart(64, "0")}`;
  for (const citizen of [c1, c2, c3]) {
    await registry
      .connect(citizen)
      .grant(w.grantee.address, PURPOSE, POOL_CATEGORIES, 2n ** 40n, receipt);
  }
  await registry.connect(c3).grant(w.grantee.address, OTHER_PURPOSE, [CAT_A], 2n ** 40n, receipt);
  for (const citizen of [c1, c2]) {
    if ((await pool.memberOf(1n, citizen.address)).weight === 0n)
      await pool.connect(citizen).join(1n);
  }
  await pool.connect(w.buyers[0]!).deposit(1n, parseEther("10") + BigInt(round));
  const buyer = w.buyers[round % w.buyers.length]!;
  const licence = await licensing.getLicence(1n, buyer.address, PURPOSE);
  if (licence.status === 0n) await licensing.connect(buyer).buy(1n, PURPOSE, parseEther("100"));
  if ((await licensing.getLicence(3n, buyer.address, PURPOSE)).status === 0n) {
    await licensing.connect(buyer).buy(3n, PURPOSE, MAX);
  }
  await pool.connect(c1).claim(1n, c1.address);
  await registry.connect(c3).withdraw(c3.address, w.grantee.address, OTHER_PURPOSE);
  await registry.connect(c2).withdrawAll(c2.address);
}
