import { expect } from "chai";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { BrowserProvider, Wallet, getCreateAddress, id, parseEther, toQuantity } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { enrolCrowd } from "../../scripts/gas/revenue.js";
import {
  PayoutInputError,
  resolvePoolTarget,
  runPayout,
  writeReport,
  type PayoutEvent,
  type PayoutOptions,
  type PayoutReport,
  type RetryPolicy,
} from "../../scripts/payout/index.js";
import { PURPOSE } from "../helpers/consent.js";
import { expectRejection } from "../helpers/expect.js";
import { runScript } from "../helpers/process.js";
import { LICENSING_FEE_BPS, poolParams } from "../helpers/revenue.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture } = networkHelpers;

/** The categories the test crowd consents to (as scripts/gas/revenue.ts's enrolCrowd grants them). */
const CROWD_CATEGORIES = [
  id("https://w3id.org/dpv/pd#Location"),
  id("https://w3id.org/dpv/pd#Age"),
].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
const CROWD = 240;
const BLOCKED_CROWD = [5, 77, 200];
const BUDGET = 1_500_000n;
const FAST_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 4 };
const DEPOSIT = parseEther("1000");

/** Deploys the contracts, a blocklist token pool (pool 1) with 240 crowd members, alice and bob, and pays into it. */
async function deployWorld(eth: HardhatEthers, crowdSize = CROWD) {
  const [owner, treasury, provider, city, grantee, payer, operator, alice, bob, sink] =
    (await eth.getSigners()) as HardhatEthersSigner[];
  const registry = await eth.deployContract("ConsentRegistry");
  const registryAddress = await registry.getAddress();
  const licensing = await eth.deployContract("DataLicensing", [
    owner!.address,
    treasury!.address,
    LICENSING_FEE_BPS,
  ]);
  const pool = await eth.deployContract("RevenuePool", [
    registryAddress,
    await licensing.getAddress(),
  ]);
  const poolAddress = await pool.getAddress();
  await licensing.connect(owner!).setRevenuePool(poolAddress);
  const token = await eth.deployContract("BlocklistERC20");
  const tokenAddress = await token.getAddress();
  await registry.registerCategorySet(CROWD_CATEGORIES);
  const categorySetId = await registry.categorySetIdOf(CROWD_CATEGORIES);
  await pool
    .connect(provider!)
    .createPool(poolParams(tokenAddress, city!.address, grantee!.address, categorySetId));

  const crowd = await eth.deployContract("PoolCrowd");
  const crowdAddress = await crowd.getAddress();
  await enrolCrowd(crowd, registryAddress, pool, 1n, grantee!.address, BigInt(crowdSize));
  const crowdMembers = Array.from({ length: crowdSize }, (_, i) =>
    getCreateAddress({ from: crowdAddress, nonce: i + 1 }),
  );
  for (const citizen of [alice!, bob!]) {
    await registry
      .connect(citizen)
      .grant(grantee!.address, PURPOSE, CROWD_CATEGORIES, 2n ** 40n, id("receipt"));
    await pool.connect(citizen).join(1n);
  }
  // Refusals: three crowd members are blocklisted, and alice's payout address is.
  for (const i of BLOCKED_CROWD.filter((i) => i < crowdSize)) {
    await token.setBlocked(crowdMembers[i]!, true);
  }
  await pool.connect(alice!).setPayoutAddress(1n, sink!.address);
  await token.setBlocked(sink!.address, true);

  await token.mint(payer!.address, DEPOSIT);
  await token.connect(payer!).approve(poolAddress, DEPOSIT);
  await pool.connect(payer!).deposit(1n, DEPOSIT);
  const members = [...crowdMembers, alice!.address, bob!.address];
  const refused = [
    ...BLOCKED_CROWD.filter((i) => i < crowdSize).map((i) => crowdMembers[i]!),
    alice!.address,
  ];
  return {
    registry,
    pool,
    poolAddress,
    token,
    operator: operator!,
    alice: alice!,
    bob: bob!,
    sink: sink!,
    members,
    refused,
  };
}

const worldFixture = () => deployWorld(ethers);

type World = Awaited<ReturnType<typeof worldFixture>>;

/** A deployment record of chain 31337 in the format the deploy command writes, holding `contracts`. */
function deploymentRecord(contracts: Record<string, { address: string; blockNumber: number }>) {
  const entry = (c: { address: string; blockNumber: number }) => ({
    ...c,
    transactionHash: id("deployment"),
    version: "0.1.0",
    deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    constructorArgs: [],
    deployedAt: "2026-01-01T00:00:00.000Z",
  });
  return {
    network: "localhost",
    chainId: 31337,
    contracts: Object.fromEntries(Object.entries(contracts).map(([name, c]) => [name, entry(c)])),
    steps: {},
  };
}

function payout(world: World, overrides: Partial<PayoutOptions> = {}): Promise<PayoutReport> {
  return runPayout({
    provider: ethers.provider,
    signer: world.operator,
    poolAddress: world.poolAddress,
    poolId: 1n,
    maxGasPerTx: BUDGET,
    retry: FAST_RETRY,
    pollIntervalMs: 5,
    network: "hardhat",
    ...overrides,
  });
}

async function claimables(world: World): Promise<Map<string, bigint>> {
  const entries = await Promise.all(
    world.members.map(async (m) => [m, await world.pool.claimableOf(1n, m)] as const),
  );
  return new Map(entries);
}

/** Checks that every member that can be paid was paid exactly what it was owed, once, and the refused ones nothing. */
async function expectPaidExactlyOnce(world: World, owed: Map<string, bigint>) {
  for (const member of world.members) {
    const refused = world.refused.includes(member);
    const received = await world.token.balanceOf(member);
    expect(received, member).to.equal(refused ? 0n : owed.get(member));
    expect(await world.pool.claimableOf(1n, member), member).to.equal(
      refused ? owed.get(member) : 0n,
    );
  }
}

type Eip1193 = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };
type Intercept = (
  method: string,
  params: unknown[],
  n: number,
  forward: () => Promise<unknown>,
) => Promise<unknown> | undefined;

/** An EIP-1193 provider over the test chain that lets a test fail, delay or alter chosen calls. */
function flakyProvider(inner: Eip1193, intercept: Intercept) {
  const counts = new Map<string, number>();
  const forwarded = new Map<string, number>();
  const eip1193: Eip1193 = {
    request: ({ method, params = [] }) => {
      const n = (counts.get(method) ?? 0) + 1;
      counts.set(method, n);
      const forward = () => {
        forwarded.set(method, (forwarded.get(method) ?? 0) + 1);
        return inner.request({ method, params });
      };
      return intercept(method, params, n, forward) ?? forward();
    },
  };
  const provider = new BrowserProvider(eip1193, undefined, { cacheTimeout: -1 });
  return { provider, forwarded };
}

const rpcError = (message: string, code: string | number) =>
  Object.assign(new Error(message), { code });

describe("payout (scripts/payout)", function () {
  this.timeout(60_000);

  it("plans a dry run: every member owed, in batches within the gas budget, and sends nothing", async () => {
    const world = await loadFixture(worldFixture);
    const owed = await claimables(world);
    const nonce = await world.operator.getNonce();
    const block = await ethers.provider.getBlockNumber();

    const report = await payout(world);

    expect(report.mode).to.equal("dry-run");
    expect(report.status).to.equal("planned");
    expect(report.members).to.have.length(CROWD + 2);
    expect(report.pool.membersSeen).to.equal(CROWD + 2);
    expect(report.token).to.deep.equal({
      address: await world.token.getAddress(),
      symbol: "bEUR",
      decimals: 18,
    });
    for (const m of report.members) {
      expect(m.status).to.equal("planned");
      expect(m.amount, m.member).to.equal(owed.get(m.member));
    }
    const total = [...owed.values()].reduce((a, b) => a + b, 0n);
    expect(report.totals.owed).to.equal(total);
    expect(report.display.owed).to.equal(`${ethers.formatEther(total)} bEUR`);
    expect(report.members.find((m) => m.member === world.alice.address)!.payoutAddress).to.equal(
      world.sink.address,
    );
    expect(report.batches.length).to.be.greaterThan(3);
    expect(report.batches.reduce((n, b) => n + b.members, 0)).to.equal(CROWD + 2);
    for (const b of report.batches) {
      expect(b.gasLimit <= BUDGET, `batch ${b.index}: ${b.gasLimit}`).to.equal(true);
      expect(b.estimatedGas < b.gasLimit).to.equal(true);
      expect(b.txHash).to.equal(null);
    }
    // Nothing was sent: no new block, the operator's nonce and every balance unchanged.
    expect(await ethers.provider.getBlockNumber()).to.equal(block);
    expect(await world.operator.getNonce()).to.equal(nonce);
    expect(await claimables(world)).to.deep.equal(owed);

    const file = path.join(await mkdtemp(path.join(tmpdir(), "payout-")), "plan.json");
    await writeReport(report, file);
    const json = JSON.parse(await readFile(file, "utf8"));
    expect(json.mode).to.equal("dry-run");
    expect(json.totals.owed).to.equal(total.toString());
    expect(json.members[0]).to.include.keys(
      "member",
      "amount",
      "payoutAddress",
      "status",
      "txHash",
    );
  });

  it("with send pays everyone owed in batches within the gas budget; refusals are reported and stay claimable", async () => {
    const world = await loadFixture(worldFixture);
    const owed = await claimables(world);

    const report = await payout(world, { send: true });

    expect(report.mode).to.equal("send");
    expect(report.status).to.equal("complete");
    expect(report.error).to.equal(null);
    expect(report.sender).to.equal(world.operator.address);
    expect(report.totals.paidMembers).to.equal(CROWD + 2 - world.refused.length);
    expect(report.totals.failedMembers).to.equal(world.refused.length);
    expect(report.totals.transactions).to.equal(report.batches.length);
    expect(report.batches.length).to.be.greaterThan(3);
    await expectPaidExactlyOnce(world, owed);
    const paidTotal = report.members
      .filter((m) => m.status === "paid")
      .reduce((sum, m) => sum + m.paid, 0n);
    expect(report.totals.paid).to.equal(paidTotal);
    for (const b of report.batches) {
      const tx = await ethers.provider.getTransaction(b.txHash!);
      const receipt = await ethers.provider.getTransactionReceipt(b.txHash!);
      expect(tx!.gasLimit <= BUDGET, `batch ${b.index} limit ${tx!.gasLimit}`).to.equal(true);
      expect(receipt!.gasUsed <= tx!.gasLimit).to.equal(true);
      expect(b.status).to.equal("mined");
    }
    const failures = new Map(report.failures.map((f) => [f.member, f]));
    expect([...failures.keys()].sort()).to.deep.equal([...world.refused].sort());
    const alice = failures.get(world.alice.address)!;
    expect(alice.payoutAddress).to.equal(world.sink.address);
    expect(alice.amount).to.equal(owed.get(world.alice.address));
    expect(alice.reason).to.contain("the token refused the transfer");
    expect(alice.txHash).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("running it again pays nobody twice: only the refused are tried again, and one unblocked is paid once", async () => {
    const world = await loadFixture(worldFixture);
    const owed = await claimables(world);
    await payout(world, { send: true });

    const again = await payout(world, { send: true });
    expect(again.status).to.equal("complete");
    expect(again.totals.paidMembers).to.equal(0);
    expect(again.totals.paid).to.equal(0n);
    expect(again.members.map((m) => m.member).sort()).to.deep.equal([...world.refused].sort());
    expect(again.totals.failedMembers).to.equal(world.refused.length);
    await expectPaidExactlyOnce(world, owed);

    const unblocked = world.refused[0]!;
    await world.token.setBlocked(unblocked, false);
    const third = await payout(world, { send: true });
    expect(third.totals.paidMembers).to.equal(1);
    expect(third.members.find((m) => m.status === "paid")!.member).to.equal(unblocked);
    expect(await world.token.balanceOf(unblocked)).to.equal(owed.get(unblocked));
  });

  it("stops after --max-batches, and the next run pays the rest exactly once", async () => {
    const world = await loadFixture(worldFixture);
    const owed = await claimables(world);

    const first = await payout(world, { send: true, maxBatches: 2 });
    expect(first.status).to.equal("stopped");
    expect(first.totals.transactions).to.equal(2);
    expect(first.totals.notSentMembers).to.be.greaterThan(100);
    expect(
      first.members.filter((m) => m.status === "not-sent").every((m) => m.txHash === null),
    ).to.equal(true);

    const second = await payout(world, { send: true });
    expect(second.status).to.equal("complete");
    const paidFirst = first.members.filter((m) => m.status === "paid").map((m) => m.member);
    const paidSecond = second.members.filter((m) => m.status === "paid").map((m) => m.member);
    expect(paidFirst.filter((m) => paidSecond.includes(m))).to.deep.equal([]);
    expect(paidFirst.length + paidSecond.length).to.equal(CROWD + 2 - world.refused.length);
    await expectPaidExactlyOnce(world, owed);
  });

  it("when interrupted (an abort signal, as Ctrl-C sends) stops after the current batch and reports what was paid", async () => {
    const world = await loadFixture(worldFixture);
    const owed = await claimables(world);
    const controller = new AbortController();
    const onEvent = (event: PayoutEvent) => {
      if (event.type === "batch-start" && event.index === 2) controller.abort();
    };

    const report = await payout(world, { send: true, signal: controller.signal, onEvent });
    expect(report.status).to.equal("interrupted");
    expect(report.totals.transactions).to.equal(2); // batch 2 was under way: it finished
    const paid = report.members.filter((m) => m.status === "paid");
    expect(paid.length).to.equal(report.batches.reduce((n, b) => n + b.paid, 0));
    for (const m of paid) expect(await world.token.balanceOf(m.member)).to.equal(m.paid);
    expect(report.members.filter((m) => m.status === "not-sent")[0]!.reason).to.contain(
      "interrupted",
    );

    const resumed = await payout(world, { send: true });
    expect(resumed.status).to.equal("complete");
    await expectPaidExactlyOnce(world, owed);
  });

  it("re-reads the chain before each batch: a member who claimed meanwhile is skipped", async () => {
    const world = await loadFixture(worldFixture);
    const owed = await claimables(world);
    const inner = connection.provider as unknown as Eip1193;
    // Bob claims his share himself while the first batch is being sent.
    const { provider } = flakyProvider(inner, (method, _params, n, forward) => {
      if (method !== "eth_sendTransaction" || n !== 1) return undefined;
      return (async () => {
        await world.pool.connect(world.bob).claim(1n, world.bob.address);
        return forward();
      })();
    });
    const signer = await provider.getSigner(world.operator.address);

    const report = await payout(world, { provider, signer, send: true });
    expect(report.status).to.equal("complete");
    const bob = report.members.find((m) => m.member === world.bob.address)!;
    expect(bob.status).to.equal("skipped");
    expect(bob.reason).to.contain("owed nothing");
    expect(report.totals.skippedMembers).to.equal(1);
    expect(await world.token.balanceOf(world.bob.address)).to.equal(owed.get(world.bob.address));
    provider.destroy();
  });

  it("retries transient RPC errors, and asks for fewer blocks when the provider refuses a log range", async () => {
    const world = await loadFixture(worldFixture);
    const owed = await claimables(world);
    const inner = connection.provider as unknown as Eip1193;
    const { provider } = flakyProvider(inner, (method, params, n) => {
      if (method === "eth_call" && n % 9 === 0) {
        return Promise.reject(rpcError("429 Too Many Requests", 429));
      }
      if (method === "eth_estimateGas" && n === 1) {
        return Promise.reject(rpcError("socket hang up", "ECONNRESET"));
      }
      if (method === "eth_getLogs") {
        const filter = params[0] as { fromBlock: string; toBlock: string };
        if (Number(filter.toBlock) - Number(filter.fromBlock) >= 8) {
          return Promise.reject(rpcError("query returned more than 10000 results", -32005));
        }
      }
      return undefined;
    });
    const signer = await provider.getSigner(world.operator.address);
    const events: PayoutEvent[] = [];

    const report = await payout(world, {
      provider,
      signer,
      send: true,
      logRange: 1_000,
      onEvent: (e) => events.push(e),
    });
    expect(report.status, report.error ?? "").to.equal("complete");
    expect(report.pool.membersSeen).to.equal(CROWD + 2);
    expect(report.retries).to.be.greaterThan(10);
    const retries = events.filter((e) => e.type === "retry");
    expect(retries.map((e) => e.notice.reason)).to.include.members([
      "429 Too Many Requests",
      "socket hang up (ECONNRESET)",
    ]);
    const shrunk = events.filter((e) => e.type === "range-shrunk");
    expect(shrunk.map((e) => e.range)).to.deep.equal([500, 250, 125, 62, 31, 15, 7]);
    await expectPaidExactlyOnce(world, owed);
    provider.destroy();
  });

  it("never sends a batch twice: a send that fails after reaching the node is looked up by its nonce", async () => {
    const world = await loadFixture(worldFixture);
    const owed = await claimables(world);
    const inner = connection.provider as unknown as Eip1193;
    let staleNonce = false;
    const { provider, forwarded } = flakyProvider(inner, (method, params, n, forward) => {
      if (method === "eth_sendTransaction") {
        // Batch 1: the node receives and mines it, then the connection drops before the answer.
        if (n === 1)
          return forward().then(() => Promise.reject(rpcError("socket hang up", "ECONNRESET")));
        // Batch 2: the same, and a lagging node then reports the old nonce: the tool sends again and
        // hears "nonce too low".
        if (n === 2) {
          return forward().then(() => {
            staleNonce = true;
            return Promise.reject(rpcError("request timed out", "TIMEOUT"));
          });
        }
        // Batch 3: a timeout before the node received anything: the nonce is still free, the same
        // transaction is sent again.
        if (n === 4) return Promise.reject(rpcError("request timed out", "TIMEOUT"));
      }
      if (method === "eth_getTransactionCount" && params[1] === "pending" && staleNonce) {
        staleNonce = false;
        return forward().then((count) => toQuantity(BigInt(count as string) - 1n));
      }
      return undefined;
    });
    const signer = await provider.getSigner(world.operator.address);
    const events: PayoutEvent[] = [];

    const report = await payout(world, {
      provider,
      signer,
      send: true,
      onEvent: (e) => events.push(e),
    });
    expect(report.status, report.error ?? "").to.equal("complete");
    // Every batch reached the chain once; the resend of batch 2 was refused by the node ("nonce too low").
    const batches = report.batches.length;
    expect(forwarded.get("eth_sendTransaction")).to.equal(batches + 1);
    expect(report.batches[0]!.note).to.contain("socket hang up");
    expect(report.batches[0]!.note).to.contain("looked up by its nonce");
    expect(report.batches[1]!.note).to.match(/nonce/i);
    expect(report.batches[2]!.note).to.equal(null);
    const mined = new Set(report.batches.map((b) => b.txHash));
    expect(mined.size).to.equal(batches);
    const resent = events.filter(
      (e) => e.type === "retry" && e.notice.operation.includes("sent again"),
    );
    expect(resent.length).to.equal(2); // batch 2 (stale nonce) and batch 3 (timeout)
    await expectPaidExactlyOnce(world, owed);
    provider.destroy();
  });

  it("reports a batch not seen mined in time as pending; the next run finds its members paid, once", async () => {
    const world = await loadFixture(worldFixture);
    const owed = await claimables(world);
    const inner = connection.provider as unknown as Eip1193;
    // A node that never shows the receipt nor the new nonce (the transaction is mined all the same).
    let nonceBefore: unknown;
    const { provider } = flakyProvider(inner, (method, params, _n, forward) => {
      if (method === "eth_getTransactionReceipt") return Promise.resolve(null);
      if (method === "eth_getTransactionCount" && params[1] === "pending") {
        return forward().then((count) => (nonceBefore ??= count));
      }
      if (method === "eth_getTransactionCount" && params[1] === "latest") {
        return Promise.resolve(nonceBefore);
      }
      return undefined;
    });
    const signer = await provider.getSigner(world.operator.address);

    const report = await payout(world, { provider, signer, send: true, receiptTimeoutMs: 30 });
    expect(report.status).to.equal("failed");
    expect(report.error).to.contain("was not mined within");
    expect(report.batches).to.have.length(1);
    expect(report.batches[0]!.status).to.equal("pending");
    const pending = report.members.filter((m) => m.status === "pending");
    expect(pending.length).to.equal(report.batches[0]!.members);
    expect(pending.every((m) => m.txHash === report.batches[0]!.txHash)).to.equal(true);
    expect(report.totals.pendingMembers).to.equal(pending.length);
    provider.destroy();

    const next = await payout(world, { send: true });
    expect(next.status).to.equal("complete");
    const again = new Set(next.members.map((m) => m.member));
    // Only the refused members of that batch are owed again (and refused again).
    expect(pending.filter((m) => again.has(m.member)).map((m) => m.member)).to.deep.equal(
      pending.filter((m) => world.refused.includes(m.member)).map((m) => m.member),
    );
    await expectPaidExactlyOnce(world, owed);
  });

  it("stops with the reason when the sender cannot pay for gas; nothing is marked paid", async () => {
    const world = await loadFixture(worldFixture);
    const broke = Wallet.createRandom().connect(ethers.provider);
    const notices: string[] = [];
    const report = await payout(world, {
      signer: broke,
      send: true,
      onEvent: (e) => e.type === "notice" && notices.push(e.message),
    });
    expect(notices.join(" ")).to.contain("may not have enough for gas");
    expect(report.status).to.equal("failed");
    expect(report.error).to.match(/enough funds|insufficient funds/i);
    expect(report.batches).to.deep.equal([]);
    expect(report.totals.paidMembers).to.equal(0);
    expect(report.members.every((m) => m.status === "not-sent")).to.equal(true);
  });

  it("refuses bad input with a message saying what to fix", async () => {
    const world = await loadFixture(worldFixture);
    await expectRejection(
      resolvePoolTarget({ deployment: "x.json", poolAddress: world.poolAddress }),
      PayoutInputError,
      "either --deployment or --pool-address",
    );
    await expectRejection(resolvePoolTarget({}), PayoutInputError, "Say which RevenuePool");
    await expectRejection(
      resolvePoolTarget({ poolAddress: "0x1234" }),
      PayoutInputError,
      "--pool-address is not an address",
    );
    await expectRejection(
      resolvePoolTarget({ poolAddress: world.poolAddress.toLowerCase().replace("0x", "0X") }),
      PayoutInputError,
      "is not an address",
    );
    const mixed =
      world.poolAddress.slice(0, 2) +
      world.poolAddress
        .slice(2)
        .split("")
        .map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase()))
        .join("");
    if (mixed !== world.poolAddress) {
      await expectRejection(
        resolvePoolTarget({ poolAddress: mixed }),
        PayoutInputError,
        "wrong checksum",
      );
    }
    const dir = await mkdtemp(path.join(tmpdir(), "payout-deployment-"));
    await expectRejection(
      resolvePoolTarget({ deployment: path.join(dir, "sepolia.json") }),
      PayoutInputError,
      "does not exist",
    );
    const notRecord = path.join(dir, "not-a-record.json");
    await writeFile(
      notRecord,
      JSON.stringify({ chainId: 31337, contracts: { RevenuePool: { address: "0x1234" } } }),
    );
    const error = await expectRejection(
      resolvePoolTarget({ deployment: notRecord }),
      PayoutInputError,
      `Problems in ${notRecord}`,
    );
    expect(error.message).to.contain("network is missing");
    expect(error.message).to.contain("contracts.RevenuePool.address");
    const broken = path.join(dir, "broken.json");
    await writeFile(broken, "{ broken");
    await expectRejection(
      resolvePoolTarget({ deployment: broken }),
      PayoutInputError,
      `${broken} is not valid JSON`,
    );
    const noPool = path.join(dir, "no-pool.json");
    await writeFile(
      noPool,
      JSON.stringify(
        deploymentRecord({ ConsentRegistry: { address: world.poolAddress, blockNumber: 1 } }),
      ),
    );
    await expectRejection(
      resolvePoolTarget({ deployment: noPool }),
      PayoutInputError,
      "has no RevenuePool (contracts: ConsentRegistry)",
    );
    const good = path.join(dir, "localhost.json");
    await writeFile(
      good,
      JSON.stringify(
        deploymentRecord({
          RevenuePool: { address: world.poolAddress.toLowerCase(), blockNumber: 3 },
        }),
      ),
    );
    expect(await resolvePoolTarget({ deployment: good })).to.deep.equal({
      address: world.poolAddress,
      fromBlock: 3,
      chainId: 31337n,
      network: "localhost",
      source: good,
    });

    await expectRejection(payout(world, { poolId: 9n }), PayoutInputError, "Pool 9 does not exist");
    await expectRejection(
      payout(world, { poolAddress: world.alice.address }),
      PayoutInputError,
      "There is no contract at",
    );
    await expectRejection(
      payout(world, { poolAddress: await world.registry.getAddress() }),
      PayoutInputError,
      "is not a RevenuePool",
    );
    await expectRejection(
      runPayout({
        provider: ethers.provider,
        poolAddress: world.poolAddress,
        poolId: 1n,
        send: true,
      }),
      PayoutInputError,
      "needs an account",
    );
    await expectRejection(
      payout(world, { maxGasPerTx: 20_000_000n }),
      PayoutInputError,
      "16,777,216",
    );
  });

  describe("command line (scripts/payout.ts)", () => {
    const cli = (args: string[], env: Record<string, string> = {}) =>
      runScript(path.join("scripts", "payout.ts"), args, { env: { ...process.env, ...env } });

    it("explains every option with --help, and refuses bad input saying what to fix", async () => {
      const help = await cli(["--help"]);
      expect(help.status).to.equal(0);
      for (const option of [
        "--pool",
        "--deployment",
        "--pool-address",
        "--network",
        "--rpc-url",
        "--from",
        "--send",
        "--max-gas-per-tx",
        "--max-batches",
        "--from-block",
        "--log-range",
        "--concurrency",
        "--out",
        "--quiet",
      ]) {
        expect(help.stdout).to.contain(`  ${option} `);
      }
      const [badAddress, unknownNetwork] = await Promise.all([
        cli(["--pool", "1", "--pool-address", "0x1234", "--network", "localhost"]),
        cli([
          "--pool",
          "1",
          "--pool-address",
          "0x000000000000000000000000000000000000dEaD",
          "--network",
          "mainnet",
        ]),
      ]);
      expect(badAddress.status).to.equal(2);
      expect(badAddress.stderr).to.contain("--pool-address is not an address");
      expect(unknownNetwork.status).to.equal(2);
      expect(unknownNetwork.stderr).to.contain(
        'There is no network "mainnet" in hardhat.config.ts',
      );
      expect(unknownNetwork.stderr).to.contain("localhost");
    });

    it("refuses, with exit code 2 and before connecting, input that names no pool or no chain", async () => {
      const dead = ["--pool-address", "0x000000000000000000000000000000000000dEaD"];
      const refusals: [string[], string][] = [
        [["--pool", "1", "--pol", "2"], "Unknown option '--pol'"],
        [[...dead, "--network", "localhost"], "Say which pool to pay with --pool <id>"],
        [["--pool", "0", ...dead], '--pool must be a whole number from 1 up, got "0"'],
        [
          ["--pool", "1", ...dead, "--max-gas-per-tx", "20,000,000"],
          '--max-gas-per-tx must be a whole number from 100,000 to 16,777,216, got "20,000,000"',
        ],
        [["--pool", "1", ...dead], "Say which network the pool is on"],
        [
          ["--pool", "1", ...dead, "--network", "localhost", "--rpc-url", "http://127.0.0.1:1"],
          "Give either --network or --rpc-url, not both",
        ],
        [
          ["--pool", "1", ...dead, "--rpc-url", "127.0.0.1:8545"],
          '--rpc-url must be an http(s) URL, got "127.0.0.1:8545"',
        ],
        [["--pool", "1", ...dead, "--network", "default"], "Hardhat's in-process chain"],
      ];
      for (let i = 0; i < refusals.length; i += 4) {
        const batch = refusals.slice(i, i + 4);
        const runs = await Promise.all(batch.map(([args]) => cli(args)));
        runs.forEach((run, j) => {
          const [args, message] = batch[j]!;
          expect(run.status, `${args.join(" ")}: ${run.stderr}`).to.equal(2);
          expect(run.stderr).to.contain(message);
          expect(run.stderr).to.contain("Run with --help to see every option.");
        });
      }
    });

    it("pays a pool over JSON-RPC with --rpc-url and PAYOUT_PRIVATE_KEY, and writes the report", async () => {
      const server = await network.createServer("default", "127.0.0.1");
      const { port } = await server.listen();
      const url = `http://127.0.0.1:${port}`;
      const remote = await network.create({ network: "localhost", override: { url } });
      try {
        const world = await deployWorld(remote.ethers, 20);
        // Hardhat's first default account, whose key is public.
        const key = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
        const [first] = await remote.ethers.getSigners();
        expect(new Wallet(key).address).to.equal(first!.address);
        const dir = await mkdtemp(path.join(tmpdir(), "payout-cli-"));
        const deployment = path.join(dir, "localhost.json");
        await writeFile(
          deployment,
          JSON.stringify(
            deploymentRecord({ RevenuePool: { address: world.poolAddress, blockNumber: 2 } }),
          ),
        );
        const out = path.join(dir, "report.json");
        const run = await cli(
          [
            "--rpc-url",
            url,
            "--deployment",
            deployment,
            "--pool",
            "1",
            "--send",
            "--max-gas-per-tx",
            "300000",
            "--out",
            out,
          ],
          { PAYOUT_PRIVATE_KEY: key },
        );
        expect(run.status, run.stderr).to.equal(0);
        expect(run.stdout).to.contain("Paid ");
        expect(run.stdout).to.contain("Could not pay 2 members");
        const report = JSON.parse(await readFile(out, "utf8"));
        expect(report.mode).to.equal("send");
        expect(report.status).to.equal("complete");
        expect(report.sender).to.equal(first!.address);
        expect(report.pool.scannedFromBlock).to.equal(2);
        expect(report.totals.paidMembers).to.equal(20);
        expect(report.totals.failedMembers).to.equal(2);
        expect(report.batches.length).to.be.greaterThan(1);
        for (const b of report.batches) expect(BigInt(b.gasLimit) <= 300_000n).to.equal(true);
        expect(await world.pool.claimableOf(1n, world.bob.address)).to.equal(0n);
      } finally {
        await remote.close();
        await server.close();
      }
    });
  });
});
