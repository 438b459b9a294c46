/**
 * Pays a revenue pool's members in gas-bounded batches: the command line around scripts/payout/.
 * Dry run by default; `--send` sends. Run `npx tsx scripts/payout.ts --help` (or `npm run payout -- --help`).
 */
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { config as loadEnv } from "dotenv";
import {
  FetchRequest,
  JsonRpcProvider,
  Network,
  Wallet,
  formatUnits,
  getAddress,
  type Provider,
  type Signer,
} from "ethers";
import { CitizenDataError } from "../sdk/errors.js";
import {
  DEFAULT_MAX_GAS_PER_TX,
  PayoutInputError,
  defaultReportPath,
  describeError,
  formatAmount,
  parseAddress,
  resolvePoolTarget,
  runPayout,
  withRetry,
  writeReport,
  type PayoutEvent,
  type PayoutReport,
  type PoolTarget,
  type TokenInfo,
} from "./payout/index.js";

const USAGE = `Usage: npm run payout -- --pool <id> (--deployment <file> | --pool-address <address>) [options]

Pays every member of a revenue pool what it is owed, in batches, with RevenuePool.payout(poolId, members).
Without --send it is a dry run: it plans, prints the plan and writes the report, and sends nothing.

Which pool
  --pool <id>               the pool id (1, 2, ...). Required.
  --deployment <file>       a deployment record, deployments/<network>.json: the RevenuePool's address and the
                            block it was deployed in (where the search for members starts)
  --pool-address <address>  the RevenuePool's address, instead of --deployment

Which chain and account
  --network <name>          a network of hardhat.config.ts, e.g. localhost (a node started with
                            \`npx hardhat node\`) or sepolia (needs SEPOLIA_RPC_URL, and SEPOLIA_PRIVATE_KEY to send,
                            in the environment, .env or the Hardhat keystore). Default: the deployment file's network.
  --rpc-url <url>           a JSON-RPC endpoint instead of --network; --send then reads the sender's key from
                            PAYOUT_PRIVATE_KEY (environment or .env)
  --from <address>          the account that sends (default: the network's first account). In a dry run without
                            a key, the account gas is estimated for.

How
  --send                    send the transactions (default: a dry run, which sends nothing)
  --max-gas-per-tx <gas>    gas budget of one batch (default ${DEFAULT_MAX_GAS_PER_TX.toLocaleString("en-US")}; at most 16,777,216). Each batch's
                            gas is estimated and its gas limit (estimate + 20%) stays within the budget.
  --max-batches <n>         stop after n transactions; run again to pay the rest
  --from-block <n>          first block to search for members (default: the deployment's block, else 0)
  --log-range <blocks>      blocks per event query at first (default 10000); halved when the provider refuses
  --concurrency <n>         RPC reads in flight at once (default 8)
  --out <file>              the JSON report (default reports/payout-<network>-pool<id>-<timestamp>.json)
  --quiet                   no progress bars; one line per batch
  --help                    this text

Resuming: the chain is the source of truth. Each run reads who is owed now, and each batch re-reads its members
just before it is sent, so running the same command again after Ctrl-C, --max-batches or an error pays whoever is
still owed and nobody twice. Ctrl-C stops after the current batch and writes the report so far.

Exit status: 0 done (members that could not be paid are listed in the report), 1 an error, 2 bad input,
130 interrupted.`;

function refuse(message: string): never {
  console.error(`${message}\n\nRun with --help to see every option.`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      pool: { type: "string" },
      deployment: { type: "string" },
      "pool-address": { type: "string" },
      network: { type: "string" },
      "rpc-url": { type: "string" },
      from: { type: "string" },
      send: { type: "boolean", default: false },
      "max-gas-per-tx": { type: "string" },
      "max-batches": { type: "string" },
      "from-block": { type: "string" },
      "log-range": { type: "string" },
      concurrency: { type: "string" },
      out: { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
} catch (error) {
  refuse((error as Error).message);
}
const values = parsed.values;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

/** A whole number from the command line, or undefined when the option is absent. */
function wholeNumber(
  name: string,
  text: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
) {
  if (text === undefined) return undefined;
  const cleaned = text.replace(/[_,]/g, "");
  const n = Number(cleaned);
  if (!/^\d+$/.test(cleaned) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new PayoutInputError(
      `--${name} must be a whole number from ${min.toLocaleString("en-US")}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max.toLocaleString("en-US")}`}, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Hardhat's errors carry a number: 7 is a missing configuration variable, 705 an unknown network. */
function hardhatErrorNumber(error: unknown): number | undefined {
  const n = (error as { number?: unknown })?.number;
  return typeof n === "number" ? n : undefined;
}

function missingVariable(error: unknown, network: string): PayoutInputError | undefined {
  if (hardhatErrorNumber(error) !== 7) return undefined;
  const name =
    /Variable "([^"]+)"/.exec((error as Error).message)?.[1] ?? "a configuration variable";
  return new PayoutInputError(`The network ${network} needs ${name}, which is not set`, {
    details: `Set it in the environment or in .env (${name}=...), or store it with \`npx hardhat keystore set ${name}\`.`,
  });
}

interface Connection {
  provider: Provider;
  signer: Signer | undefined;
  /** The account a dry run estimates for, when there is no signer. */
  from: string | undefined;
  networkName: string;
  close: () => Promise<void>;
}

/** Asks an endpoint for its chain id, so an unreachable URL fails fast with a clear message. */
async function probeChainId(url: string): Promise<bigint> {
  return withRetry(
    `eth_chainId at ${url}`,
    async () => {
      const request = new FetchRequest(url);
      request.timeout = 15_000;
      request.setHeader("content-type", "application/json");
      request.body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
      const response = await request.send();
      response.assertOk();
      const body = response.bodyJson as { result?: string; error?: { message?: string } };
      if (typeof body.result !== "string") {
        throw new CitizenDataError(`${url} did not answer eth_chainId`, {
          details: body.error?.message ?? JSON.stringify(body).slice(0, 200),
        });
      }
      return BigInt(body.result);
    },
    { policy: { attempts: 3, baseDelayMs: 500, maxDelayMs: 2_000 } },
  );
}

async function connectRpc(
  url: string,
  send: boolean,
  from: string | undefined,
): Promise<Connection> {
  if (!/^(https?|wss?):\/\//.test(url)) {
    throw new PayoutInputError(`--rpc-url must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  const chainId = await probeChainId(url);
  const network = Network.from(chainId);
  const provider = new JsonRpcProvider(url, network, { staticNetwork: network, cacheTimeout: -1 });
  let signer: Signer | undefined;
  const key = process.env.PAYOUT_PRIVATE_KEY?.trim();
  if (send) {
    if (!key) {
      throw new PayoutInputError(
        "Sending with --rpc-url needs the sender's key in PAYOUT_PRIVATE_KEY",
        {
          details:
            "Set PAYOUT_PRIVATE_KEY=0x... in the environment or in .env, or use --network with a configured account.",
        },
      );
    }
    try {
      signer = new Wallet(key, provider);
    } catch (cause) {
      throw new PayoutInputError("PAYOUT_PRIVATE_KEY is not a private key", {
        details: "It must be 0x followed by 64 hexadecimal digits.",
        cause,
      });
    }
    const address = await signer.getAddress();
    if (from !== undefined && from !== address) {
      throw new PayoutInputError(
        `--from is ${from}, but PAYOUT_PRIVATE_KEY is the key of ${address}`,
      );
    }
  }
  return {
    provider,
    signer,
    from,
    networkName: `chain-${chainId}`,
    close: async () => provider.destroy(),
  };
}

async function connectHardhat(
  name: string,
  send: boolean,
  from: string | undefined,
): Promise<Connection> {
  const { default: hre, network } = await import("hardhat");
  const configured = Object.keys(hre.config.networks);
  const config = hre.config.networks[name];
  if (config === undefined) {
    throw new PayoutInputError(`There is no network "${name}" in hardhat.config.ts`, {
      details: `Configured networks: ${configured.join(", ")}. Add it to \`networks\` there, or pass --rpc-url.`,
    });
  }
  if (config.type === "edr-simulated") {
    throw new PayoutInputError(
      `"${name}" is Hardhat's in-process chain, which starts empty on every run: it has no pool to pay`,
      {
        details:
          "Start a node with `npx hardhat node` in another terminal and pass --network localhost.",
      },
    );
  }
  // A dry run needs no key: connect without the network's configured accounts (a node's own accounts stay).
  const withoutKeys = !send && config.accounts !== "remote";
  let connection;
  try {
    connection = await network.create(
      withoutKeys ? { network: name, override: { accounts: [] } } : { network: name },
    );
  } catch (error) {
    throw missingVariable(error, name) ?? error;
  }
  const { ethers } = connection;
  let signers;
  try {
    signers = await withRetry(`connecting to ${name}`, () => ethers.getSigners(), {
      policy: { attempts: 3, baseDelayMs: 500, maxDelayMs: 2_000 },
    });
  } catch (error) {
    const missing = missingVariable(error, name);
    if (missing) throw missing;
    if (error instanceof CitizenDataError && hardhatErrorNumber(error.cause) === 703) {
      throw new CitizenDataError(`Cannot connect to the network ${name}`, {
        details:
          name === "localhost"
            ? "Is a node running? Start one with `npx hardhat node` in another terminal."
            : "Check its URL in hardhat.config.ts (or the variable it reads) and your connection.",
        cause: error,
      });
    }
    throw error;
  }
  const signer = from !== undefined ? signers.find((s) => s.address === from) : signers[0];
  if (send && signer === undefined) {
    throw new PayoutInputError(
      from !== undefined
        ? `The network ${name} has no account ${from} to send from`
        : `The network ${name} has no account to send from`,
      {
        details:
          from !== undefined
            ? `Its accounts: ${signers.map((s) => s.address).join(", ") || "none"}.`
            : 'Configure one in hardhat.config.ts (accounts: [configVariable("...")]) and set its key.',
      },
    );
  }
  return {
    provider: ethers.provider,
    signer: send ? signer : undefined,
    from: from ?? signer?.address,
    networkName: name,
    close: () => connection.close(),
  };
}

async function connect(
  target: PoolTarget,
  send: boolean,
  from: string | undefined,
): Promise<Connection> {
  const rpcUrl = values["rpc-url"];
  if (rpcUrl !== undefined && values.network !== undefined) {
    throw new PayoutInputError("Give either --network or --rpc-url, not both");
  }
  if (rpcUrl !== undefined) return connectRpc(rpcUrl, send, from);
  const name = values.network ?? target.network;
  if (name === undefined) {
    throw new PayoutInputError("Say which network the pool is on", {
      details:
        "Pass --network <name> (a network of hardhat.config.ts, e.g. localhost) or --rpc-url <url>.",
    });
  }
  return connectHardhat(name, send, from);
}

/** Progress bars on a terminal; plain lines elsewhere (logs, CI) or with --quiet. */
class Display {
  private readonly bars: cliProgress.MultiBar | undefined;
  private bar: cliProgress.SingleBar | undefined;
  private stage = "";
  private token: TokenInfo | undefined;

  constructor(interactive: boolean) {
    this.bars = interactive
      ? new cliProgress.MultiBar(
          { hideCursor: true, clearOnComplete: false, stopOnComplete: false, etaBuffer: 50 },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  }

  log(line: string): void {
    if (this.bars) this.bars.log(`${line}\n`);
    else console.error(line);
  }

  private show(stage: string, format: string, total: number, value: number, payload: object): void {
    if (!this.bars) return;
    if (this.stage !== stage) {
      this.bar?.stop();
      this.bar = this.bars.create(total, value, payload, {
        format: `  ${stage.padEnd(18)} {bar} ${format}`,
      });
      this.stage = stage;
    }
    this.bar!.setTotal(total);
    this.bar!.update(value, payload);
  }

  onEvent = (event: PayoutEvent): void => {
    switch (event.type) {
      case "pool":
        this.token = event.token;
        this.log(
          `Pool ${event.poolId} of RevenuePool ${event.version} at ${event.pool} on chain ${event.chainId}, paid in ${event.token.symbol}${event.token.address ? ` (${event.token.address})` : " (native coin)"}`,
        );
        break;
      case "scan":
        this.show(
          "finding members",
          "{value}/{total} blocks | {members} members",
          event.toBlock - event.fromBlock + 1,
          event.scannedTo - event.fromBlock + 1,
          { members: event.membersSeen },
        );
        break;
      case "range-shrunk":
        this.log(
          `  the provider refused blocks ${event.fromBlock}-${event.toBlock} (${event.reason}); asking ${event.range} blocks at a time`,
        );
        break;
      case "balances":
        this.show(
          "reading balances",
          "{value}/{total} members | {owed} owed",
          event.total,
          event.done,
          { owed: event.owed },
        );
        break;
      case "estimate":
        this.show(
          "sizing batches",
          "{value}/{total} members | {batches} batches",
          event.of,
          event.members,
          { batches: event.batches },
        );
        break;
      case "batch-start":
        break;
      case "batch-sent":
        break;
      case "batch-done": {
        const { batch, totals } = event;
        const amount = this.token ? formatAmount(totals.paid, this.token) : totals.paid.toString();
        const payload = {
          paid: totals.paidMembers,
          amount,
          failed: totals.failedMembers,
          batch: batch.index,
        };
        const done = totals.paidMembers + totals.failedMembers + totals.skippedMembers;
        const total = done + totals.notSentMembers;
        if (this.bars) {
          this.show(
            "paying",
            "{value}/{total} members | paid {paid} ({amount}) | failed {failed} | batch {batch}",
            total,
            done,
            payload,
          );
        } else {
          this.log(
            `  batch ${batch.index}: ${batch.paid} paid, ${batch.failed} failed, ${batch.skipped} skipped, ${batch.gasUsed?.toLocaleString("en-US")} gas, tx ${batch.txHash}${batch.note ? ` (${batch.note})` : ""}; so far ${amount} to ${totals.paidMembers} members`,
          );
        }
        break;
      }
      case "retry": {
        const n = event.notice;
        this.log(
          `  ${n.operation} failed (${n.reason}); retrying in ${(n.delayMs / 1000).toFixed(1)} s (attempt ${n.attempt + 1} of ${n.attempts})`,
        );
        break;
      }
      case "notice":
        this.log(`  ${event.message}`);
        break;
    }
  };

  stop(): void {
    this.bar?.stop();
    this.bars?.stop();
  }
}

function printSummary(report: PayoutReport, out: string): void {
  const fmt = (amount: bigint) => formatAmount(amount, report.token);
  const t = report.totals;
  const gas = (g: bigint) => g.toLocaleString("en-US");
  const lines: string[] = [];
  lines.push("");
  lines.push(
    `Pool ${report.pool.poolId} on ${report.network.name} (chain ${report.network.chainId}): ${report.pool.membersSeen} members seen since block ${report.pool.scannedFromBlock}.`,
  );
  if (t.owedMembers === 0 && t.skippedMembers === 0) {
    lines.push("Nobody is owed anything now: nothing to send.");
  } else if (report.mode === "dry-run") {
    lines.push(`Dry run: nothing was sent.`);
    lines.push(`Owed: ${fmt(t.owed)} to ${t.owedMembers} members.`);
    const limits = report.batches.reduce((s, b) => s + b.gasLimit, 0n);
    lines.push(
      `Plan: ${report.batches.length} batches within ${gas(report.maxGasPerTx)} gas each; estimated ${gas(t.estimatedGas)} gas in all` +
        (report.estimatedCost !== null && report.feePerGas !== null
          ? `; the gas limits (${gas(limits)}) would cost at most ${formatUnits(report.estimatedCost, 18)} ${report.network.nativeSymbol} at ${formatUnits(report.feePerGas, 9)} gwei.`
          : "."),
    );
    const shown = report.batches.slice(0, 10);
    for (const b of shown) {
      const amount = report.members
        .filter((m) => m.batch === b.index)
        .reduce((s, m) => s + m.amount, 0n);
      lines.push(
        `  batch ${b.index}: ${b.members} members, ${fmt(amount)}, estimated ${gas(b.estimatedGas)} gas (limit ${gas(b.gasLimit)})`,
      );
    }
    if (report.batches.length > shown.length)
      lines.push(`  ... and ${report.batches.length - shown.length} more`);
    if (t.owedMembers > 0) lines.push(`To pay, run the same command with --send.`);
  } else {
    lines.push(
      `Paid ${fmt(t.paid)} to ${t.paidMembers} members in ${t.transactions} transactions (${gas(t.gasUsed)} gas)` +
        (t.donated > 0n ? `, and ${fmt(t.donated)} auto-donated.` : "."),
    );
    if (t.failedMembers > 0) {
      lines.push(
        `Could not pay ${t.failedMembers} members (${fmt(t.failedAmount)}): still claimable; see "failures" in the report.`,
      );
      for (const f of report.failures.slice(0, 5))
        lines.push(`  ${f.member} -> ${f.payoutAddress}: ${f.reason}`);
    }
    if (t.skippedMembers > 0)
      lines.push(`Skipped ${t.skippedMembers} members owed nothing by the time their batch came.`);
    if (t.notSentMembers > 0 || t.pendingMembers > 0) {
      lines.push(
        `Not paid yet: ${t.notSentMembers + t.pendingMembers} members (${fmt(t.notSentAmount)}). Run the same command again to pay them; nobody is paid twice.`,
      );
    }
  }
  if (report.error) lines.push(`Stopped by an error: ${report.error}`);
  if (report.retries > 0) lines.push(`RPC calls retried: ${report.retries}.`);
  lines.push(`Report: ${out}`);
  console.log(lines.join("\n"));
}

const EXIT: Record<PayoutReport["status"], number> = {
  planned: 0,
  complete: 0,
  stopped: 0,
  interrupted: 130,
  failed: 1,
};

async function main(): Promise<number> {
  loadEnv({ quiet: true });
  const startedAt = new Date();
  const send = values.send;
  const poolIdNumber = wholeNumber("pool", values.pool, 1);
  if (poolIdNumber === undefined) {
    throw new PayoutInputError("Say which pool to pay with --pool <id>", {
      details: "Pool ids start at 1; a RevenuePool's poolCount() says how many there are.",
    });
  }
  const maxGas = wholeNumber("max-gas-per-tx", values["max-gas-per-tx"], 100_000, 16_777_216);
  const maxBatches = wholeNumber("max-batches", values["max-batches"], 1);
  const fromBlock = wholeNumber("from-block", values["from-block"], 0);
  const logRange = wholeNumber("log-range", values["log-range"], 1);
  const concurrency = wholeNumber("concurrency", values.concurrency, 1, 64);
  const from = values.from === undefined ? undefined : parseAddress(values.from, "--from");

  const target = await resolvePoolTarget({
    deployment: values.deployment,
    poolAddress: values["pool-address"],
    fromBlock,
  });
  const connection = await connect(target, send, from);
  const display = new Display(!values.quiet && process.stderr.isTTY === true);
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      display.log(
        send
          ? "Stopping after the current batch (press Ctrl-C again to quit at once)..."
          : "Stopping...",
      );
      controller.abort();
    } else {
      display.stop();
      console.error(
        "Quit without writing a report. The chain is the source of truth: run a dry run to see who is still owed.",
      );
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const { chainId } = await withRetry("eth_chainId", () => connection.provider.getNetwork(), {
      policy: { attempts: 3, baseDelayMs: 500, maxDelayMs: 2_000 },
    });
    if (target.chainId !== undefined && target.chainId !== chainId) {
      throw new PayoutInputError(
        `${target.source} is for chain ${target.chainId}, but ${connection.networkName} is chain ${chainId}`,
        { details: "Pass the network the deployment file belongs to." },
      );
    }
    if (send && connection.signer) {
      display.log(`Sending from ${getAddress(await connection.signer.getAddress())}.`);
    }
    const report = await runPayout({
      provider: connection.provider,
      ...(connection.signer ? { signer: connection.signer } : {}),
      ...(connection.from ? { from: connection.from } : {}),
      poolAddress: target.address,
      poolId: BigInt(poolIdNumber),
      fromBlock: target.fromBlock,
      send,
      network: connection.networkName,
      ...(maxGas !== undefined ? { maxGasPerTx: BigInt(maxGas) } : {}),
      ...(maxBatches !== undefined ? { maxBatches } : {}),
      ...(logRange !== undefined ? { logRange } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      signal: controller.signal,
      onEvent: display.onEvent,
    });
    display.stop();
    const out =
      values.out ?? defaultReportPath(connection.networkName, BigInt(poolIdNumber), startedAt);
    await writeReport(report, out);
    printSummary(report, out);
    return EXIT[report.status];
  } catch (error) {
    if (!controller.signal.aborted || error instanceof PayoutInputError) throw error;
    console.error(error instanceof CitizenDataError ? error.message : describeError(error));
    return 130;
  } finally {
    display.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await connection.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof PayoutInputError) refuse(error.message);
  console.error(
    error instanceof CitizenDataError ? error.message : `Error: ${describeError(error)}`,
  );
  process.exitCode = 1;
}
