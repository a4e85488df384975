// What the shared store code needs from an engine: run a statement, and a write transaction.
// sqlite/sql-db.ts and postgres/sql-db.ts implement it; each binds parameters its own way here.
import type { Engine, Statement } from './statement.js';

/** Values by parameter name (any object: a row type passes as it is). */
export type Params = object;

/** Statements on one connection (or pool): all rows, the first row, or how many rows a write changed. */
export interface SqlRunner {
  all<R>(statement: Statement, params?: Params): Promise<R[]>;
  get<R>(statement: Statement, params?: Params): Promise<R | undefined>;
  run(statement: Statement, params?: Params): Promise<number>;
  /** Hands each row to `visit` (which must not use the store): SQLite streams them, PostgreSQL reads them all first. */
  each<R>(statement: Statement, params: Params, visit: (row: R) => void): Promise<number>;
  /** Runs SQL written for this engine only (one or more statements, no parameters). */
  exec(engineSql: string): Promise<void>;
}

export interface SqlDb extends SqlRunner {
  readonly engine: Engine;
  /**
   * Runs `work` in one write transaction (SQLite: BEGIN IMMEDIATE, so it waits for another
   * process's writer instead of failing), committed if it resolves, rolled back if it throws.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /**
   * Writes whose commit need not wait for the disk, for records whose loss in a crash of the
   * database server itself is safe (PostgreSQL: synchronous_commit off; SQLite's WAL with
   * synchronous=NORMAL already makes that trade for every write).
   */
  readonly relaxed: Pick<SqlRunner, 'run'>;
}

/** A value as SQLite binds it: lists and JSON parameters as JSON text, booleans as 0/1. */
function sqliteValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** better-sqlite3's named parameters: exactly the statement's. */
export function sqliteParams(statement: Statement, params: Params = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of statement.names) out[name] = sqliteValue(param(params, name));
  return out;
}

/** node-postgres's positional parameters: arrays stay arrays, except JSON parameters. */
export function postgresParams(statement: Statement, params: Params = {}): unknown[] {
  return statement.names.map((name) => {
    const value = param(params, name);
    if (value === undefined) return null;
    return statement.json.has(name) ? JSON.stringify(value) : value;
  });
}

function param(params: Params, name: string): unknown {
  if (!(name in params)) throw new Error(`missing SQL parameter :${name}`);
  return (params as Record<string, unknown>)[name];
}
