/**
 * The ledger's embedded database. This is the only module that touches `node:sqlite` (Node ≥ 22.13 without
 * a flag; Node 24 here): everything else talks to the small {@link Db} interface, so another embedded
 * engine could be put behind it in one place.
 *
 * SQLite holds 64-bit signed integers; the ledger keeps token amounts (uint256) as decimal TEXT and sums
 * and does arithmetic on them exactly with functions registered on every connection: the aggregate
 * `big_sum(x)` and `big_add(a, b)`, `big_sub(a, b)`, `big_mul(a, b)`, all returning decimal TEXT.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";

/** A value SQLite stores: what the ledger binds and reads. */
export type SqlValue = string | number | bigint | null;

/** A row as read: column name to value. */
export type Row = Record<string, SqlValue>;

/** Parameters of a statement: positional values, or one object of named values (`$name` in the SQL). */
export type Params = readonly SqlValue[] | [Record<string, SqlValue>];

/** A prepared statement. */
export interface Statement {
  /** Runs the statement; returns how many rows it changed. */
  run(...params: Params): { changes: number };
  /** The first row, or `undefined`. */
  get<T extends object = Row>(...params: Params): T | undefined;
  /** Every row. */
  all<T extends object = Row>(...params: Params): T[];
  /** The rows one by one, without holding them all in memory. */
  iterate<T extends object = Row>(...params: Params): IterableIterator<T>;
}

/** The database as the ledger uses it. */
export interface Db {
  /** Runs one or more SQL statements without parameters. */
  exec(sql: string): void;
  /** Prepares (and caches) a statement. */
  prepare(sql: string): Statement;
  /** Runs `fn` in a transaction: committed if it returns, rolled back if it throws. Nests as savepoints. */
  transaction<T>(fn: () => T): T;
  /** The file the database lives in, or `:memory:`. */
  readonly location: string;
  /** Closes the database. */
  close(): void;
}

class SqliteStatement implements Statement {
  constructor(private readonly statement: StatementSync) {}

  run(...params: Params): { changes: number } {
    const result = this.statement.run(...(params as never[]));
    return { changes: Number(result.changes) };
  }

  get<T extends object = Row>(...params: Params): T | undefined {
    return this.statement.get(...(params as never[])) as T | undefined;
  }

  all<T extends object = Row>(...params: Params): T[] {
    return this.statement.all(...(params as never[])) as T[];
  }

  iterate<T extends object = Row>(...params: Params): IterableIterator<T> {
    return this.statement.iterate(...(params as never[])) as IterableIterator<T>;
  }
}

class SqliteDb implements Db {
  private readonly statements = new Map<string, Statement>();
  private depth = 0;

  constructor(
    private readonly db: DatabaseSync,
    readonly location: string,
  ) {}

  exec(sql: string): void {
    this.db.exec(sql);
  }

  prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = new SqliteStatement(this.db.prepare(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    const savepoint = `sp${this.depth}`;
    this.db.exec(this.depth === 0 ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
    this.depth += 1;
    try {
      const result = fn();
      this.depth -= 1;
      this.db.exec(this.depth === 0 ? "COMMIT" : `RELEASE ${savepoint}`);
      return result;
    } catch (error) {
      this.depth -= 1;
      this.db.exec(
        this.depth === 0 ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`,
      );
      throw error;
    }
  }

  close(): void {
    this.statements.clear();
    if (this.db.isOpen) this.db.close();
  }
}

/**
 * Opens (creating it and its folder if needed) the database at `location`, or an in-memory one for
 * `":memory:"`, with write-ahead logging and the exact-integer functions.
 *
 * @example
 * ```ts
 * const db = openDatabase("out/ledger/ledger.db");
 * db.prepare("SELECT big_sum(price) AS total FROM sales").get();
 * ```
 */
export function openDatabase(location: string): Db {
  if (location !== ":memory:") mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
  const db = new DatabaseSync(location);
  db.exec(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
  );
  db.aggregate("big_sum", {
    start: () => 0n,
    step: (total: bigint, value: unknown) =>
      value === null || value === undefined ? total : total + BigInt(value as string),
    result: (total: bigint) => total.toString(),
  } as unknown as Parameters<DatabaseSync["aggregate"]>[1]);
  const binary = (name: string, op: (a: bigint, b: bigint) => bigint): void => {
    db.function(name, { deterministic: true }, (a: unknown, b: unknown) =>
      a === null || b === null ? null : op(BigInt(a as string), BigInt(b as string)).toString(),
    );
  };
  binary("big_add", (a, b) => a + b);
  binary("big_sub", (a, b) => a - b);
  binary("big_mul", (a, b) => a * b);
  return new SqliteDb(db, location);
}
