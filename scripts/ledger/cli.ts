/**
 * The ledger reader's command line: `npm run ledger -- <command> [options]`. Every command's input is
 * checked with zod before anything is read; errors say what was wrong and how to fix it.
 *
 * `runCli` takes the arguments and where to write, and returns the exit code, so tests run it in-process.
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { CitizenDataError, InvalidInputError } from "../../sdk/errors.js";
import {
  EXPORT_TABLES,
  LedgerReader,
  addressSchema,
  idSchema,
  parseInput,
  type ExportTable,
  type LedgerAnswer,
  type SyncResult,
} from "../../sdk/ledger/index.js";

/** Where the CLI writes. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Environment variables (LEDGER_DB, LEDGER_RPC_URL). */
  env?: Record<string, string | undefined>;
}

const DEFAULT_DB = path.join("out", "ledger", "ledger.db");
const DEFAULT_RPC = "http://127.0.0.1:8545";

const COMMON = `Common options:
  --db FILE        the ledger database (default ${DEFAULT_DB}, or $LEDGER_DB)
  --format F       json (default) or csv
  --out FILE       write the answer there instead of to standard output
  -h, --help       this help`;

/** The common options of commands that write no answer (sync, status, rebuild). */
const COMMON_PLAIN = COMMON.replace(/\n  --format F[^\n]*/, "");

const USAGE = `Usage: npm run ledger -- <command> [options]

The ledger reader: reads the ConsentRegistry's, DataLicensing's and RevenuePool's events into an embedded
database, then answers questions from it without touching the chain.

Commands:
  sync               read new events from a JSON-RPC endpoint
  status             what the database holds and how far it has read
  cohort             subjects whose consent covers a grantee, purpose and categories at a time
  citizen-report     a citizen's transparency report (JSON, CSV or a self-contained HTML page)
  controller-record  a controller's record of processing (GDPR art. 30)
  product-report     a product's sales and revenue by party
  indicators         licences, value exchanged, citizens taking part, consents, shares of revenue
  export             a table (events, consents, sales, members, ...) as JSON or CSV
  rebuild            recompute the derived tables from the stored events

Run \`npm run ledger -- <command> --help\` for a command's options.

${COMMON}`;

interface Command {
  summary: string;
  usage: string;
  options: Record<string, { type: "string" | "boolean" }>;
  run(
    reader: () => LedgerReader,
    values: Record<string, string | boolean | undefined>,
    out: Output,
  ): Promise<void>;
}

interface Output {
  io: CliIo;
  format: string;
  file: string | undefined;
  write(text: string): Promise<void>;
  answer(reader: LedgerReader, answer: LedgerAnswer): Promise<void>;
}

/** A usage error: exit code 2 and the command's usage. */
class UsageError extends Error {}

const formatSchema = (allowed: readonly string[]) =>
  z.enum(allowed as [string, ...string[]], {
    message: `--format must be one of ${allowed.join(", ")}`,
  });

const count = (name: string) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int({ message: `${name} must be a whole number` })
    .nonnegative({ message: `${name} must not be negative` });

const deploymentSchema = z.object({
  chainId: z.number().int().positive().optional(),
  contracts: z.object({
    ConsentRegistry: z.object({ address: z.string(), blockNumber: z.number().int().nonnegative() }),
    DataLicensing: z.object({ address: z.string(), blockNumber: z.number().int().nonnegative() }),
    RevenuePool: z.object({ address: z.string(), blockNumber: z.number().int().nonnegative() }),
  }),
});

function syncSummary(r: SyncResult): string {
  const blocks = r.fromBlock === null ? "no new block" : `blocks ${r.fromBlock} to ${r.toBlock}`;
  const reorg = r.reorg
    ? `\nReorganisation undone: kept blocks up to ${r.reorg.lastGoodBlock}, removed ${r.reorg.removedEvents} events, recomputed the derived tables.`
    : "";
  return (
    `Chain ${r.chainId}: read ${blocks} (head ${r.head}, ${r.confirmations} confirmation${r.confirmations === 1 ? "" : "s"} waited for).\n` +
    `${r.events} new event${r.events === 1 ? "" : "s"}, ${r.duplicates} already stored; ` +
    `${r.requests} eth_getLogs request${r.requests === 1 ? "" : "s"}, ${r.refusals} refused and retried smaller; ` +
    `${Math.round(r.ms)} ms.${reorg}\n`
  );
}

const COMMANDS: Record<string, Command> = {
  sync: {
    summary: "read new events from a JSON-RPC endpoint",
    usage: `Usage: npm run ledger -- sync [options]

Reads the three contracts' events into the database, in block ranges, waiting for confirmations, undoing
reorganisations. The first sync needs the contracts (--deployment, or the three addresses); later syncs
resume where the last one stopped.

  --rpc URL            JSON-RPC endpoint (default $LEDGER_RPC_URL or ${DEFAULT_RPC})
  --deployment FILE    an address book (deployments/<network>.json): addresses and deployment blocks
  --registry ADDRESS   the ConsentRegistry   } instead of --deployment
  --licensing ADDRESS  the DataLicensing     }
  --pool ADDRESS       the RevenuePool       }
  --start-block N      first block of the first sync (default: the deployment block, or 0)
  --to-block N         stop at this block
  --confirmations N    blocks to wait (default 0 on chains 31337 and 1337, 12 elsewhere)
  --range N            blocks per eth_getLogs at most (default 5000; halved when refused)
  --follow             keep syncing every --interval seconds (default 12) until stopped
  --interval SECONDS
  --format json        print each sync's result as JSON (default: a short summary)

${COMMON_PLAIN}`,
    options: {
      rpc: { type: "string" },
      deployment: { type: "string" },
      registry: { type: "string" },
      licensing: { type: "string" },
      pool: { type: "string" },
      "start-block": { type: "string" },
      "to-block": { type: "string" },
      confirmations: { type: "string" },
      range: { type: "string" },
      follow: { type: "boolean" },
      interval: { type: "string" },
    },
    async run(reader, v, out) {
      const o = parseInput(
        z.object({
          rpc: z.string().url({ message: "--rpc must be an http(s) URL" }),
          registry: addressSchema.optional(),
          licensing: addressSchema.optional(),
          pool: addressSchema.optional(),
          startBlock: count("--start-block").optional(),
          toBlock: count("--to-block").optional(),
          confirmations: count("--confirmations").optional(),
          range: count("--range").min(1, { message: "--range must be at least 1" }).optional(),
          interval: count("--interval").min(1).default(12),
          format: formatSchema(["json", "text"]).default("text"),
        }),
        {
          rpc: v.rpc ?? out.io.env?.LEDGER_RPC_URL ?? DEFAULT_RPC,
          registry: v.registry,
          licensing: v.licensing,
          pool: v.pool,
          startBlock: v["start-block"],
          toBlock: v["to-block"],
          confirmations: v.confirmations,
          range: v.range,
          interval: v.interval,
          format: v.format === undefined ? undefined : v.format,
        },
        "sync options",
      );
      let contracts: { registry: string; licensing: string; pool: string } | undefined;
      let startBlock = o.startBlock;
      if (typeof v.deployment === "string") {
        let parsed: z.infer<typeof deploymentSchema>;
        try {
          parsed = parseInput(
            deploymentSchema,
            JSON.parse(await readFile(v.deployment, "utf8")),
            `address book ${v.deployment}`,
          );
        } catch (error) {
          if (error instanceof CitizenDataError) throw error;
          throw new UsageError(
            `Cannot read the address book ${v.deployment}: ${(error as Error).message}`,
          );
        }
        const c = parsed.contracts;
        contracts = {
          registry: c.ConsentRegistry.address,
          licensing: c.DataLicensing.address,
          pool: c.RevenuePool.address,
        };
        startBlock ??= Math.min(
          c.ConsentRegistry.blockNumber,
          c.DataLicensing.blockNumber,
          c.RevenuePool.blockNumber,
        );
      } else if (o.registry || o.licensing || o.pool) {
        if (!o.registry || !o.licensing || !o.pool) {
          throw new UsageError(
            "Give all three of --registry, --licensing and --pool (or --deployment)",
          );
        }
        contracts = { registry: o.registry, licensing: o.licensing, pool: o.pool };
      }
      const ledger = reader();
      if (!contracts && !ledger.status().source) {
        throw new UsageError(
          "This database has never been synced: name the contracts with --deployment FILE or --registry, --licensing and --pool",
        );
      }
      for (;;) {
        const result = await ledger.sync({
          provider: o.rpc,
          ...(contracts ? { contracts } : {}),
          ...(startBlock !== undefined ? { startBlock } : {}),
          ...(o.toBlock !== undefined ? { toBlock: o.toBlock } : {}),
          ...(o.confirmations !== undefined ? { confirmations: o.confirmations } : {}),
          ...(o.range !== undefined ? { rangeSize: o.range } : {}),
        });
        await out.write(
          o.format === "json" ? JSON.stringify(result, null, 2) + "\n" : syncSummary(result),
        );
        if (!v.follow) return;
        await new Promise((resolve) => setTimeout(resolve, o.interval * 1000));
      }
    },
  },

  status: {
    summary: "what the database holds",
    usage: `Usage: npm run ledger -- status [--db FILE]\n\n${COMMON_PLAIN}`,
    options: {},
    async run(reader, _v, out) {
      await out.write(JSON.stringify(reader().status(), null, 2) + "\n");
    },
  },

  cohort: {
    summary: "subjects whose consent covers a grantee, purpose and categories",
    usage: `Usage: npm run ledger -- cohort --grantee ADDRESS --purpose P --categories C1,C2 [--at TIME]

The subjects whose consent lets the grantee process every one of the categories for the purpose at a
time: the set a data product may be built from.

  --grantee ADDRESS  the controller the consents are given to
  --purpose P        a DPV purpose: name (ResearchAndDevelopment), IRI or bytes32 id
  --categories C,..  DPV personal-data categories, comma-separated (Location,Age), or ids
  --at TIME          unix seconds or ISO 8601 (default: the time of the last block read)

${COMMON}`,
    options: {
      grantee: { type: "string" },
      purpose: { type: "string" },
      categories: { type: "string" },
      at: { type: "string" },
    },
    async run(reader, v, out) {
      need(v, ["grantee", "purpose", "categories"]);
      await out.answer(
        reader(),
        reader().cohort({
          grantee: v.grantee as string,
          purpose: v.purpose as string,
          categories: v.categories as string,
          ...(v.at !== undefined ? { at: v.at as string } : {}),
        }),
      );
    },
  },

  "citizen-report": {
    summary: "a citizen's transparency report",
    usage: `Usage: npm run ledger -- citizen-report --subject ADDRESS [--format json|csv|html] [--receipts DIR]

Every consent given and withdrawn with its receipt hash, pools joined, licences sold on products the
citizen is part of, and what they earned, claimed and donated. --format html writes a self-contained page
with a chart of earnings over time and a timeline of consents.

  --subject ADDRESS  the citizen's account
  --receipts DIR     consent receipts (*.json) to attach to the consents whose hash they match

${COMMON.replace("json (default) or csv", "json (default), csv or html")}`,
    options: { subject: { type: "string" }, receipts: { type: "string" } },
    async run(reader, v, out) {
      need(v, ["subject"]);
      const receipts: unknown[] = [];
      if (typeof v.receipts === "string") {
        let names: string[];
        try {
          names = (await readdir(v.receipts)).filter((n) => n.endsWith(".json")).sort();
        } catch (error) {
          throw new UsageError(`Cannot read --receipts ${v.receipts}: ${(error as Error).message}`);
        }
        for (const name of names) {
          const file = path.join(v.receipts, name);
          try {
            receipts.push(JSON.parse(await readFile(file, "utf8")));
          } catch (error) {
            throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
          }
        }
      }
      await out.answer(
        reader(),
        reader().citizenReport({ subject: v.subject as string, receipts }),
      );
    },
  },

  "controller-record": {
    summary: "a controller's record of processing (GDPR art. 30)",
    usage: `Usage: npm run ledger -- controller-record --controller ADDRESS [--at TIME]

The purposes and categories the controller holds consent for, the licences it holds, and how many subjects'
consent covers each, at a time.

  --controller ADDRESS  the controller (a consent grantee, a licensee)
  --at TIME             unix seconds or ISO 8601 (default: the time of the last block read)

${COMMON}`,
    options: { controller: { type: "string" }, at: { type: "string" } },
    async run(reader, v, out) {
      need(v, ["controller"]);
      await out.answer(
        reader(),
        reader().controllerRecord({
          controller: v.controller as string,
          ...(v.at !== undefined ? { at: v.at as string } : {}),
        }),
      );
    },
  },

  "product-report": {
    summary: "a product's sales and revenue by party",
    usage: `Usage: npm run ledger -- product-report --product ID

Every sale of the product with its split, licences by status, revenue earned, withdrawn and owed by each
party, and for a pool product what each member earned from it.

  --product ID  the product's id

${COMMON}`,
    options: { product: { type: "string" } },
    async run(reader, v, out) {
      need(v, ["product"]);
      const { productId } = parseInput(
        z.object({ productId: idSchema }),
        { productId: v.product },
        "--product",
      );
      await out.answer(reader(), reader().productReport({ productId }));
    },
  },

  indicators: {
    summary: "the ecosystem's indicators",
    usage: `Usage: npm run ledger -- indicators [--from TIME] [--to TIME]

Licences established, value exchanged, citizens taking part, consents given and withdrawn, and the share of
revenue reaching citizens and cities, in total and by month.

  --from TIME  start of the period (unix seconds or ISO 8601; default: the beginning)
  --to TIME    end of the period (default: the time of the last block read)

${COMMON}`,
    options: { from: { type: "string" }, to: { type: "string" } },
    async run(reader, v, out) {
      await out.answer(
        reader(),
        reader().indicators({
          ...(v.from !== undefined ? { from: v.from as string } : {}),
          ...(v.to !== undefined ? { to: v.to as string } : {}),
        }),
      );
    },
  },

  export: {
    summary: "a table as JSON or CSV",
    usage: `Usage: npm run ledger -- export --table NAME [--format json|csv] [--out FILE]

  --table NAME  one of: ${Object.keys(EXPORT_TABLES).join(", ")}

${COMMON}`,
    options: { table: { type: "string" } },
    async run(reader, v, out) {
      need(v, ["table"]);
      const table = parseInput(
        z.enum(Object.keys(EXPORT_TABLES) as [ExportTable, ...ExportTable[]], {
          message: `--table must be one of ${Object.keys(EXPORT_TABLES).join(", ")}`,
        }),
        v.table,
        "--table",
      );
      const format = parseInput(formatSchema(["json", "csv"]), out.format, "--format") as
        "json" | "csv";
      await out.write(reader().exportTable(table, format));
    },
  },

  rebuild: {
    summary: "recompute the derived tables",
    usage: `Usage: npm run ledger -- rebuild [--db FILE]\n\n${COMMON_PLAIN}`,
    options: {},
    async run(reader, _v, out) {
      const { events, ms } = reader().rebuild();
      await out.write(
        `Recomputed the derived tables from ${events} events in ${Math.round(ms)} ms.\n`,
      );
    },
  },
};

function need(values: Record<string, unknown>, names: readonly string[]): void {
  const missing = names.filter((n) => values[n] === undefined || values[n] === "");
  if (missing.length) throw new UsageError(`Missing ${missing.map((m) => `--${m}`).join(", ")}`);
}

/** Runs the CLI with `argv` (without the program name); returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const close = Object.keys(COMMANDS).filter((c) => c.startsWith(name.slice(0, 3)));
    io.stderr(
      `Unknown command "${name}".${close.length ? ` Did you mean ${close.join(" or ")}?` : ""}\n\n${USAGE}\n`,
    );
    return 2;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...rest],
      options: {
        ...command.options,
        db: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${command.usage}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }

  let ledger: LedgerReader | undefined;
  const reader = (): LedgerReader => {
    ledger ??= LedgerReader.open({
      database: (values.db as string | undefined) ?? io.env?.LEDGER_DB ?? DEFAULT_DB,
    });
    return ledger;
  };
  const format = (values.format as string | undefined) ?? "json";
  const file = values.out as string | undefined;
  const out: Output = {
    io,
    format,
    file,
    async write(text) {
      if (file) {
        await mkdir(path.dirname(path.resolve(file)), { recursive: true });
        await writeFile(file, text);
        io.stderr(`Wrote ${file}\n`);
      } else {
        io.stdout(text);
      }
    },
    async answer(r, answer) {
      const allowed =
        answer.question === "citizen-report" ? ["json", "csv", "html"] : ["json", "csv"];
      const f = parseInput(formatSchema(allowed), format, "--format") as "json" | "csv" | "html";
      await this.write(r.format(answer, f));
    },
  };
  try {
    await command.run(reader, values, out);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof CitizenDataError) {
      io.stderr(`Error: ${error.message}\n`);
      return error instanceof InvalidInputError ? 2 : 1;
    }
    io.stderr(
      `Error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  } finally {
    ledger?.close();
  }
}
