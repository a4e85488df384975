import type Database from 'better-sqlite3';
import { type Params, type SqlDb, type SqlRunner, sqliteParams } from '../sql/db.js';
import type { Statement } from '../sql/statement.js';

export interface SqliteDb extends SqlDb {
  /**
   * Runs `fn` on the connection itself, synchronously, once no transaction of this process is
   * open on it: for the engine's own code (claims in one synchronous transaction, streamed reads).
   */
  raw<T>(fn: (db: Database.Database) => T): Promise<T>;
}

/**
 * The shared statements on one better-sqlite3 connection, each prepared once. A transaction holds
 * the connection: while one is open (its work awaits between statements), every other call of
 * this process waits for it to end instead of slipping into it.
 */
export function sqliteDb(db: Database.Database): SqliteDb {
  const prepared = new Map<Statement, Database.Statement>();
  const prepare = (statement: Statement) => {
    let p = prepared.get(statement);
    if (!p) prepared.set(statement, (p = db.prepare(statement.text.sqlite)));
    return p;
  };
  const runner: SqlRunner = {
    async all<R>(statement: Statement, params?: Params) {
      return prepare(statement).all(sqliteParams(statement, params)) as R[];
    },
    async get<R>(statement: Statement, params?: Params) {
      return prepare(statement).get(sqliteParams(statement, params)) as R | undefined;
    },
    async run(statement, params) {
      return prepare(statement).run(sqliteParams(statement, params)).changes;
    },
    async each<R>(statement: Statement, params: Params, visit: (row: R) => void) {
      let n = 0;
      for (const row of prepare(statement).iterate(sqliteParams(statement, params))) {
        visit(row as R);
        n++;
      }
      return n;
    },
    async exec(engineSql) {
      db.exec(engineSql);
    },
  };

  let open: Promise<void> | undefined;
  const idle = async () => {
    while (open) await open;
  };
  const outside =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (open) await idle();
      return fn(...args);
    };

  const shared: SqliteDb = {
    engine: 'sqlite',
    all: outside(runner.all) as SqlRunner['all'],
    get: outside(runner.get) as SqlRunner['get'],
    run: outside(runner.run),
    each: outside(runner.each) as SqlRunner['each'],
    exec: outside(runner.exec),
    relaxed: { run: outside(runner.run) },
    async raw(fn) {
      if (open) await idle();
      return fn(db);
    },
    async transaction(work) {
      await idle();
      let end!: () => void;
      open = new Promise((resolve) => (end = resolve));
      try {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(runner);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      } finally {
        open = undefined;
        end();
      }
    },
  };
  return shared;
}
