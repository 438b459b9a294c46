import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { network } from "hardhat";
import type { Eip1193Provider } from "../../sdk/ledger/index.js";
import { runCli } from "../../scripts/ledger/cli.js";
import { deployLedgerWorld, serveRpc, someActivity } from "../helpers/ledger.js";

const { ethers, networkHelpers, provider } = await network.create();
const { loadFixture } = networkHelpers;
const rpc = provider as unknown as Eip1193Provider;

async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
  });
  return { code, stdout, stderr };
}

async function cliFixture() {
  const w = await deployLedgerWorld(ethers);
  await someActivity(w, 0);
  await someActivity(w, 1);
  return w;
}

describe("Ledger CLI", function () {
  this.timeout(60_000);
  let dir: string;
  let db: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "ledger-cli-"));
    db = path.join(dir, "ledger.db");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lists its commands, and each command's options", async () => {
    const help = await cli("--help");
    expect(help.code).to.equal(0);
    for (const command of [
      "sync",
      "status",
      "cohort",
      "citizen-report",
      "controller-record",
      "product-report",
      "indicators",
      "export",
      "rebuild",
    ]) {
      expect(help.stdout).to.contain(`  ${command} `);
      const own = await cli(command, "--help");
      expect(own.code, command).to.equal(0);
      expect(own.stdout).to.contain(`npm run ledger -- ${command}`);
    }
    expect((await cli()).code).to.equal(2);
    const unknown = await cli("cohrt");
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('Unknown command "cohrt". Did you mean cohort?');
  });

  it("syncs from a JSON-RPC URL and answers every question from the database", async () => {
    const w = await loadFixture(cliFixture);
    const server = await serveRpc(rpc);
    try {
      const { registry, licensing, pool } = w.contracts;
      const first = await cli(
        "sync",
        "--db",
        db,
        "--rpc",
        server.url,
        "--registry",
        registry,
        "--licensing",
        licensing,
        "--pool",
        pool,
        "--range",
        "20",
      );
      expect(first.stderr).to.equal("");
      expect(first.code).to.equal(0);
      expect(first.stdout).to.match(
        /Chain 31337: read blocks 0 to \d+ \(head \d+, 0 confirmations waited for\)\.\n\d+ new events, 0 already stored; \d+ eth_getLogs requests, 0 refused/,
      );
      const again = await cli("sync", "--db", db, "--rpc", server.url, "--format", "json");
      expect(again.code).to.equal(0);
      expect(JSON.parse(again.stdout)).to.deep.include({ events: 0, fromBlock: null });
    } finally {
      await server.close();
    }

    const status = JSON.parse((await cli("status", "--db", db)).stdout);
    expect(status.schemaVersion).to.equal(1);
    expect(status.source.contracts.registry).to.equal(w.contracts.registry);

    const cohort = await cli(
      "cohort",
      "--db",
      db,
      "--grantee",
      w.grantee.address.toLowerCase(),
      "--purpose",
      "ResearchAndDevelopment",
      "--categories",
      "Location,Age",
    );
    expect(cohort.code).to.equal(0);
    const answer = JSON.parse(cohort.stdout);
    expect(answer.question).to.equal("cohort");
    // The second citizen withdrew everything last.
    expect(answer.subjects).to.have.members([w.citizens[0]!.address, w.citizens[2]!.address]);

    const csv = path.join(dir, "out", "cohort.csv");
    const written = await cli(
      "cohort",
      "--db",
      db,
      "--grantee",
      w.grantee.address,
      "--purpose",
      "ResearchAndDevelopment",
      "--categories",
      "Location,Age",
      "--format",
      "csv",
      "--out",
      csv,
    );
    expect(written.stderr).to.equal(`Wrote ${csv}\n`);
    expect(readFileSync(csv, "utf8").split("\r\n")[0]).to.equal("subject");

    const html = path.join(dir, "alice.html");
    const report = await cli(
      "citizen-report",
      "--db",
      db,
      "--subject",
      w.citizens[0]!.address,
      "--format",
      "html",
      "--out",
      html,
    );
    expect(report.code).to.equal(0);
    expect(readFileSync(html, "utf8")).to.contain("What the ledger holds about you");

    for (const args of [
      ["controller-record", "--controller", w.grantee.address],
      ["product-report", "--product", "1"],
      ["indicators", "--from", "2020-01-01"],
    ]) {
      const run = await cli(args[0]!, "--db", db, ...args.slice(1));
      expect(run.code, args.join(" ")).to.equal(0);
      expect(JSON.parse(run.stdout).question).to.equal(args[0]);
    }
    const sales = await cli("export", "--db", db, "--table", "sales", "--format", "csv");
    expect(sales.code).to.equal(0);
    expect(sales.stdout.split("\r\n")[0]).to.contain("position,product_id,pool_id,licensee");
    const rebuilt = await cli("rebuild", "--db", db);
    expect(rebuilt.stdout).to.match(
      /^Recomputed the derived tables from \d+ events in \d+ ms\.\n$/,
    );
  });

  it("reads the contracts and their deployment blocks from an address book", async () => {
    const w = await loadFixture(cliFixture);
    const book = path.join(dir, "localhost.json");
    const entry = (address: string, blockNumber: number) => ({
      address,
      blockNumber,
      version: "0.1.0",
    });
    writeFileSync(
      book,
      JSON.stringify({
        network: "localhost",
        chainId: 31337,
        contracts: {
          ConsentRegistry: entry(w.contracts.registry, 1),
          DataLicensing: entry(w.contracts.licensing, 2),
          RevenuePool: entry(w.contracts.pool, 3),
        },
      }),
    );
    const server = await serveRpc(rpc);
    try {
      const run = await cli(
        "sync",
        "--db",
        db,
        "--rpc",
        server.url,
        "--deployment",
        book,
        "--format",
        "json",
      );
      expect(run.code).to.equal(0);
      expect(JSON.parse(run.stdout).fromBlock).to.equal(1);
    } finally {
      await server.close();
    }
  });

  it("refuses bad input with the reason and the command's usage, before reading anything", async () => {
    const w = await loadFixture(cliFixture);
    const cases: [string[], number, string][] = [
      [
        ["cohort", "--db", db, "--purpose", "ResearchAndDevelopment", "--categories", "Age"],
        2,
        "Missing --grantee",
      ],
      [
        [
          "cohort",
          "--db",
          db,
          "--grantee",
          "0x12",
          "--purpose",
          "ResearchAndDevelopment",
          "--categories",
          "Age",
        ],
        2,
        '"0x12" is not an address',
      ],
      [
        [
          "cohort",
          "--db",
          db,
          "--grantee",
          w.grantee.address,
          "--purpose",
          "Research",
          "--categories",
          "Age",
        ],
        2,
        "purpose",
      ],
      [
        [
          "cohort",
          "--db",
          db,
          "--grantee",
          w.grantee.address,
          "--purpose",
          "ResearchAndDevelopment",
          "--categories",
          "Age",
          "--at",
          "soon",
        ],
        2,
        "is not a time",
      ],
      [
        [
          "cohort",
          "--db",
          db,
          "--grantee",
          w.grantee.address,
          "--purpose",
          "ResearchAndDevelopment",
          "--categories",
          "Age",
          "--format",
          "html",
        ],
        2,
        "--format must be one of json, csv",
      ],
      [["cohort", "--db", db, "--colour", "blue"], 2, "Unknown option '--colour'"],
      [["product-report", "--db", db, "--product", "abc"], 2, "--product"],
      [["product-report", "--db", db, "--product", "7"], 2, "knows no product 7"],
      [["export", "--db", db, "--table", "secrets"], 2, "--table must be one of events"],
      [["sync", "--db", db, "--rpc", "not a url"], 2, "--rpc must be an http(s) URL"],
      [["sync", "--db", db, "--rpc", "http://127.0.0.1:9"], 2, "has never been synced"],
      [["sync", "--db", db, "--registry", w.contracts.registry], 2, "Give all three"],
      [
        ["sync", "--db", db, "--deployment", path.join(dir, "missing.json")],
        2,
        "Cannot read the address book",
      ],
      [
        [
          "sync",
          "--db",
          db,
          "--rpc",
          "http://127.0.0.1:9",
          ...[
            "--registry",
            w.contracts.registry,
            "--licensing",
            w.contracts.licensing,
            "--pool",
            w.contracts.pool,
          ],
        ],
        1,
        "Cannot reach the JSON-RPC endpoint",
      ],
    ];
    for (const [argv, code, message] of cases) {
      const run = await cli(...argv);
      expect(run.code, argv.join(" ")).to.equal(code);
      expect(run.stderr, argv.join(" ")).to.contain(message);
      expect(run.stdout).to.equal("");
    }
  });

  it("runs as `npm run ledger` does (tsx scripts/ledger.ts)", async () => {
    const require = createRequire(import.meta.url);
    const tsx = path.join(path.dirname(require.resolve("tsx/package.json")), "dist", "cli.mjs");
    const { stdout } = await promisify(execFile)(process.execPath, [
      tsx,
      "scripts/ledger.ts",
      "--help",
    ]);
    expect(stdout).to.contain("Usage: npm run ledger -- <command> [options]");
  });
});
