/**
 * The ledger reader's benchmark (figures, not a test: nothing here is asserted).
 *
 *   npm run bench:ledger                               defaults below
 *   npm run bench:ledger -- --events 20000 --consents 100000
 *
 * 1. Sync: starts `hardhat node` (a local JSON-RPC node over HTTP, on a free port), deploys the three
 *    contracts, generates real events on chain (test contracts that consent and join a pool from their own
 *    address, 75 per transaction; then the provider re-weighting 700 members per transaction; deposits), and
 *    times a full sync from block 0 over HTTP: eth_getLogs, decoding, storing and projecting. Then times a
 *    rebuild of the derived tables from the stored events.
 * 2. Cohort: SYNTHETIC decoded events (100,000 consents to one grantee and purpose with withdrawals, withdraw-
 *    alls and expiries, plus consents to other grantees) are stored straight into a database (no chain), and
 *    the cohort query is timed over them.
 *
 * Figures go to the screen and to reports/ledger-bench.json.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { getAddress, id, JsonRpcProvider, Network, parseEther, type Signer } from "ethers";
import { ConsentRegistry__factory } from "../typechain-types/factories/consent/ConsentRegistry__factory.js";
import { DataLicensing__factory } from "../typechain-types/factories/licensing/DataLicensing__factory.js";
import { MockERC20__factory } from "../typechain-types/factories/mocks/MockERC20__factory.js";
import { PoolCrowd__factory } from "../typechain-types/factories/mocks/PoolCrowd__factory.js";
import { RevenuePool__factory } from "../typechain-types/factories/revenue/RevenuePool__factory.js";
import { LedgerReader, positionOf, type StoredEvent } from "../sdk/ledger/index.js";

const USAGE = `Usage: npm run bench:ledger -- [--events N] [--consents N] [--range N]

  --events N     events to generate on the local node for the sync benchmark (default 60000)
  --consents N   synthetic consents for the cohort query benchmark (default 100000)
  --range N      blocks per eth_getLogs during the sync (default 5000, the reader's default)
  --compare-ethers  also time one eth_getLogs of everything read with fetch and with ethers' JsonRpcProvider`;

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "60000" },
    consents: { type: "string", default: "100000" },
    range: { type: "string", default: "5000" },
    "compare-ethers": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const targetEvents = Number(values.events);
const consentCount = Number(values.consents);
const rangeSize = Number(values.range);
for (const [name, v] of [
  ["--events", targetEvents],
  ["--consents", consentCount],
  ["--range", rangeSize],
] as const) {
  if (!Number.isSafeInteger(v) || v < 1) {
    console.error(`${name} must be a positive whole number\n\n${USAGE}`);
    process.exit(2);
  }
}

const PURPOSE = id("https://w3id.org/dpv#ResearchAndDevelopment");
const CATEGORIES = [id("https://w3id.org/dpv/pd#Location"), id("https://w3id.org/dpv/pd#Age")].sort(
  (a, b) => (BigInt(a) < BigInt(b) ? -1 : 1),
);
const ENROL_BATCH = 75;
const WEIGHT_BATCH = 700;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const log = (text: string) => process.stdout.write(`${text}\n`);

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Starts `hardhat node` on `port`; resolves once it listens. */
async function startNode(port: number): Promise<ChildProcess> {
  const require = createRequire(import.meta.url);
  const cli = path.join(
    path.dirname(require.resolve("hardhat/package.json")),
    "dist",
    "src",
    "cli.js",
  );
  const node = spawn(process.execPath, [cli, "node", "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`hardhat node did not start:\n${seen}`)),
      120_000,
    );
    node.stdout!.on("data", (chunk: Buffer) => {
      if (seen.length < 10_000) seen += chunk.toString();
      if (seen.includes("Started HTTP and WebSocket JSON-RPC server")) {
        clearTimeout(timer);
        resolve();
      }
    });
    node.stderr!.on("data", (chunk: Buffer) => {
      if (seen.length < 10_000) seen += chunk.toString();
    });
    node.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`hardhat node exited with ${code}:\n${seen}`));
    });
  });
  node.removeAllListeners("exit");
  return node;
}

async function syncBenchmark(dir: string) {
  const port = await freePort();
  log(`Starting hardhat node on port ${port} …`);
  const node = await startNode(port);
  try {
    const url = `http://127.0.0.1:${port}`;
    const rpc = new JsonRpcProvider(url, undefined, {
      staticNetwork: Network.from(31337),
      batchStallTime: 0,
    });
    rpc.pollingInterval = 20;
    const [owner, treasury, provider, city, grantee, payer] = (await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => rpc.getSigner(i)),
    )) as Signer[];
    const send = async (p: Promise<{ wait: () => Promise<unknown> }>) => (await p).wait();

    const registry = await new ConsentRegistry__factory(owner).deploy();
    const licensing = await new DataLicensing__factory(owner).deploy(
      await owner!.getAddress(),
      await treasury!.getAddress(),
      250,
    );
    const pool = await new RevenuePool__factory(owner).deploy(
      await registry.getAddress(),
      await licensing.getAddress(),
    );
    const token = await new MockERC20__factory(owner).deploy("Euro Coin", "EURC");
    const crowd = await new PoolCrowd__factory(owner).deploy();
    for (const c of [registry, licensing, pool, token, crowd]) await c.waitForDeployment();
    const poolAddress = await pool.getAddress();
    await send(licensing.setRevenuePool(poolAddress));
    await send(registry.registerCategorySet(CATEGORIES));
    const setId = await registry.categorySetIdOf(CATEGORIES);
    await send(
      pool.connect(provider).createPool({
        token: await token.getAddress(),
        city: await city!.getAddress(),
        platformBps: 500,
        cityBps: 1_500,
        providerBps: 2_000,
        contributorsBps: 6_000,
        consentGrantee: await grantee!.getAddress(),
        purpose: PURPOSE,
        categorySetId: setId,
        defaultWeight: 1,
      }),
    );
    await send(token.mint(await payer!.getAddress(), parseEther("100000000")));
    await send(token.connect(payer).approve(poolAddress, 2n ** 256n - 1n));

    // Members: a ConsentGranted and a WeightChanged each. Then re-weighting (one WeightChanged per member)
    // and deposits (one Deposited each) until the target is reached.
    const generation = performance.now();
    const members = Math.max(ENROL_BATCH, Math.min(5_000, Math.floor(targetEvents / 10)));
    const crowdAddress = await crowd.getAddress();
    for (let done = 0; done < members; done += ENROL_BATCH) {
      const n = Math.min(ENROL_BATCH, members - done);
      await send(
        crowd.enrol(
          await registry.getAddress(),
          poolAddress,
          1n,
          await grantee!.getAddress(),
          PURPOSE,
          CATEGORIES,
          2n ** 40n,
          n,
          {
            gasLimit: 16_000_000n,
          },
        ),
      );
    }
    // The crowd's members are the contracts it created: their addresses follow from its nonce.
    const { getCreateAddress } = await import("ethers");
    const memberAddresses = Array.from({ length: members }, (_, i) =>
      getCreateAddress({ from: crowdAddress, nonce: i + 1 }),
    );
    let generated = 2 * members;
    let round = 0;
    while (generated < targetEvents) {
      round += 1;
      for (let from = 0; from < members && generated < targetEvents; from += WEIGHT_BATCH) {
        const batch = memberAddresses.slice(from, from + WEIGHT_BATCH);
        await send(
          pool.connect(provider).setWeights(
            1n,
            batch,
            batch.map(() => 1 + (round % 3)),
            {
              gasLimit: 16_000_000n,
            },
          ),
        );
        generated += batch.length;
        if (generated < targetEvents) {
          await send(pool.connect(payer).deposit(1n, parseEther("1") + BigInt(round)));
          generated += 1;
        }
      }
    }
    const generationMs = performance.now() - generation;
    const head = await rpc.getBlockNumber();
    log(
      `Generated about ${generated} events in ${head} blocks in ${(generationMs / 1000).toFixed(1)} s.`,
    );

    let transport: { fetchMs: number; ethersMs: number; bytes: number; logs: number } | null = null;
    if (values["compare-ethers"]) {
      // One eth_getLogs of everything, read with fetch (what the ledger does for a URL) and with ethers.
      const params = [{ fromBlock: "0x0", toBlock: "latest" }];
      let t = performance.now();
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getLogs", params }),
      });
      const text = await response.text();
      const logs = (JSON.parse(text) as { result: unknown[] }).result.length;
      const fetchMs = performance.now() - t;
      t = performance.now();
      await rpc.send("eth_getLogs", params);
      transport = {
        fetchMs: Math.round(fetchMs),
        ethersMs: Math.round(performance.now() - t),
        bytes: text.length,
        logs,
      };
    }
    const ledger = LedgerReader.open({ database: path.join(dir, "sync.db") });
    const started = performance.now();
    const result = await ledger.sync({
      provider: url,
      contracts: {
        registry: await registry.getAddress(),
        licensing: await licensing.getAddress(),
        pool: poolAddress,
      },
      rangeSize,
    });
    const syncMs = performance.now() - started;
    const rebuild = ledger.rebuild();
    const mix = ledger.db
      .prepare("SELECT name, COUNT(*) AS n FROM events GROUP BY name ORDER BY n DESC")
      .all<{ name: string; n: number }>();
    ledger.close();
    rpc.destroy();
    return {
      node: "hardhat node (HTTP, started by the script)",
      blocks: head + 1,
      events: result.events,
      mix: Object.fromEntries(mix.map((m) => [m.name, m.n])),
      requests: result.requests,
      rangeSize,
      syncMs: Math.round(syncMs),
      timings: result.timings,
      eventsPerSecond: rate(result.events, syncMs),
      rebuildMs: Math.round(rebuild.ms),
      rebuildEventsPerSecond: rate(rebuild.events, rebuild.ms),
      transport,
    };
  } finally {
    node.kill("SIGTERM");
  }
}

async function cohortBenchmark(dir: string) {
  const ledger = LedgerReader.open({ database: path.join(dir, "cohort.db") });
  const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, "0")}`);
  const GRANTEE = address(0xa11ce);
  const OTHERS = [address(0xb0b), address(0xca201)];
  // Chain id 0 and made-up contract addresses: this database holds synthetic events, not a chain's.
  ledger.store.bindSource(0, { registry: address(1), licensing: address(2), pool: address(3) }, 0);
  const cats = ["Location", "Age", "TravelHistory", "HealthRecord", "Income", "VehicleUsage"].map(
    (name) => id(`https://w3id.org/dpv/pd#${name}`),
  );
  const sets = [[0, 1], [0, 1, 2], [0], [1, 2, 3], [0, 1, 4, 5]].map((s) =>
    s.map((i) => cats[i]!).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
  );
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  // A year of activity: about 130 blocks a day of 200 events each, so grants, withdrawals and expiries spread
  // over the year and a cohort early in it differs from one at its end.
  const t0 = 1_767_225_600; // 2026-01-01
  const totalEvents = consentCount * 1.35;
  const blockSeconds = Math.max(1, Math.floor((365 * 86_400) / (totalEvents / 200)));
  const timeOf = (b: number) => t0 + b * blockSeconds;
  const events: StoredEvent[] = [];
  let block = 1;
  let logIndex = 0;
  const push = (name: string, args: Record<string, unknown>) => {
    if (logIndex === 200) {
      block += 1;
      logIndex = 0;
    }
    events.push({
      position: positionOf(block, logIndex),
      chainId: 0,
      contract: "ConsentRegistry",
      address: address(1),
      name,
      args: args as StoredEvent["args"],
      blockNumber: block,
      blockHash: id(`block ${block}`),
      time: timeOf(block),
      txHash: id(`tx ${block} ${logIndex}`),
      txIndex: logIndex,
      logIndex,
    });
    logIndex += 1;
  };
  sets.forEach((categories, i) =>
    push("CategorySetRegistered", { categorySetId: i + 1, categories }),
  );
  const subjects = Array.from({ length: consentCount }, (_, i) => address(0x1_000_000 + i));
  const grant = (subject: string, grantee: string, i: number) => {
    const set = 1 + Math.floor(random() * sets.length);
    // 70% without an end; the others end 1 to 200 days after they are given (never before: the registry
    // refuses an expiry in the past).
    const validUntil =
      random() < 0.7 ? 2 ** 40 : timeOf(block) + Math.ceil(random() * 200) * 86_400;
    push("ConsentGranted", {
      consentId: id(`${subject} ${grantee}`),
      subject,
      grantee,
      purpose: PURPOSE,
      categories: sets[set - 1]!,
      categorySetId: set,
      validUntil: String(validUntil),
      receiptHash: id(`receipt ${i}`),
      nonce: "1",
      actor: subject,
      via: 0,
    });
  };
  // Grants, withdrawals and withdraw-alls interleaved in time.
  for (let i = 0; i < consentCount; i++) {
    grant(subjects[i]!, GRANTEE, i);
    if (i % 5 === 0) grant(subjects[i]!, OTHERS[(i / 5) % 2]!, i);
    if (i % 12 === 6) {
      const s = subjects[i - 6]!;
      push("ConsentWithdrawn", {
        consentId: id(`${s} ${GRANTEE}`),
        subject: s,
        grantee: GRANTEE,
        purpose: PURPOSE,
        categorySetId: 1,
        validUntil: String(2 ** 40),
        nonce: "2",
        actor: s,
        via: 0,
      });
    }
    if (i % 25 === 20) {
      const s = subjects[i - 15]!;
      push("AllConsentsWithdrawn", { subject: s, epoch: 1, actor: s, via: 0 });
    }
  }
  const end = timeOf(block);

  const stored = performance.now();
  for (let from = 0; from < events.length; from += 10_000) {
    const chunk = events.slice(from, from + 10_000);
    const last = chunk[chunk.length - 1]!;
    ledger.store.appendRange(chunk, [], {
      number: last.blockNumber,
      hash: last.blockHash,
      time: last.time,
    });
  }
  const storeMs = performance.now() - stored;
  const rebuild = ledger.rebuild();

  const query = { grantee: GRANTEE, purpose: PURPOSE, categories: [cats[0]!, cats[1]!] };
  const timeIt = (at: number) => {
    const ms: number[] = [];
    let count = 0;
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      count = ledger.cohort({ ...query, at }).count;
      ms.push(performance.now() - t);
    }
    return {
      count,
      medianMs: Number(median(ms).toFixed(1)),
      maxMs: Number(Math.max(...ms).toFixed(1)),
    };
  };
  const atEnd = timeIt(end);
  const early = timeIt(t0 + 90 * 86_400);
  ledger.close();
  return {
    synthetic: true,
    consentsToGrantee: consentCount,
    events: events.length,
    storeAndProjectMs: Math.round(storeMs),
    storeAndProjectEventsPerSecond: rate(events.length, storeMs),
    rebuildMs: Math.round(rebuild.ms),
    cohortAtEnd: atEnd,
    cohortEarly: early,
  };
}

const dir = mkdtempSync(path.join(tmpdir(), "ledger-bench-"));
try {
  const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  log(`Ledger benchmark on ${machine}\n`);
  const sync = await syncBenchmark(dir);
  log(
    `Sync from ${sync.node}: ${sync.events} events in ${sync.blocks} blocks, ${sync.requests} eth_getLogs ` +
      `(range ${sync.rangeSize}), ${sync.syncMs} ms: ${sync.eventsPerSecond.toLocaleString("en")} events/s ` +
      `(target ≥ 10,000).\n  Of which: waiting for the node ${sync.timings.rpcMs} ms, decoding ${sync.timings.decodeMs} ms, ` +
      `storing and projecting ${sync.timings.storeMs} ms.\n  Mix: ${Object.entries(sync.mix)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}.\n` +
      `  Rebuild of the derived tables from the stored events: ${sync.rebuildMs} ms ` +
      `(${sync.rebuildEventsPerSecond.toLocaleString("en")} events/s).`,
  );
  if (sync.transport) {
    const t = sync.transport;
    log(
      `  One eth_getLogs of all ${t.logs} logs (${(t.bytes / 2 ** 20).toFixed(1)} MiB): ${t.fetchMs} ms with fetch, ` +
        `${t.ethersMs} ms with ethers' JsonRpcProvider.`,
    );
  }
  const cohort = await cohortBenchmark(dir);
  log(
    `\nCohort over ${cohort.consentsToGrantee.toLocaleString("en")} consents (SYNTHETIC events stored straight ` +
      `into the database, ${cohort.events.toLocaleString("en")} in all; stored and projected at ` +
      `${cohort.storeAndProjectEventsPerSecond.toLocaleString("en")} events/s, rebuilt in ${cohort.rebuildMs} ms):\n` +
      `  at the end:   ${cohort.cohortAtEnd.count.toLocaleString("en")} subjects, median ${cohort.cohortAtEnd.medianMs} ms, ` +
      `max ${cohort.cohortAtEnd.maxMs} ms (target ≤ 500 ms)\n` +
      `  90 days in:   ${cohort.cohortEarly.count.toLocaleString("en")} subjects, median ${cohort.cohortEarly.medianMs} ms, ` +
      `max ${cohort.cohortEarly.maxMs} ms`,
  );
  mkdirSync("reports", { recursive: true });
  writeFileSync(
    path.join("reports", "ledger-bench.json"),
    `${JSON.stringify({ machine, date: new Date().toISOString(), sync, cohort }, null, 2)}\n`,
  );
  log("\nFigures written to reports/ledger-bench.json.");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
