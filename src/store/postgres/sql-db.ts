import { type SqlDb, type SqlRunner, postgresParams } from '../sql/db.js';
import type { Pg, PgClient } from './db.js';

/** The shared statements on the pool (or, in a transaction, on its one connection). */
export function postgresDb(pg: Pg): SqlDb {
  const on = (c: PgClient): SqlRunner => ({
    async all<R>(statement: Parameters<SqlRunner['all']>[0], params?: Parameters<SqlRunner['all']>[1]) {
      return (await c.query(statement.text.postgres, postgresParams(statement, params))).rows as R[];
    },
    async get<R>(statement: Parameters<SqlRunner['get']>[0], params?: Parameters<SqlRunner['get']>[1]) {
      return (await c.query(statement.text.postgres, postgresParams(statement, params))).rows[0] as R | undefined;
    },
    async run(statement, params) {
      return (await c.query(statement.text.postgres, postgresParams(statement, params))).rowCount ?? 0;
    },
    async each<R>(
      statement: Parameters<SqlRunner['each']>[0],
      params: Parameters<SqlRunner['each']>[1],
      visit: (row: R) => void,
    ) {
      const { rows } = await c.query(statement.text.postgres, postgresParams(statement, params));
      for (const row of rows) visit(row as R);
      return rows.length;
    },
    async exec(engineSql) {
      await c.query(engineSql);
    },
  });
  return {
    engine: 'postgres',
    ...on(pg),
    relaxed: on(pg.relaxed),
    transaction: (work) => pg.tx((c) => work(on(c))),
  };
}
