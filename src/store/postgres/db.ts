import pg from 'pg';

/** What the adapters need from PostgreSQL: a query, and a transaction that rolls back on any error. */
export interface Pg {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs `work` between BEGIN and COMMIT on one pooled connection; ROLLBACK if it throws. */
  tx<T>(work: (c: PgClient) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

export type PgClient = Pick<Pg, 'query'>;

// COUNT and identity columns are int8: small enough here to be plain numbers, as SQLite gives them.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** A schema name safe to put in SQL as an identifier. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`"${schema}" is not a valid schema name (lower-case letters, digits, _)`);
  return schema;
}

export function createPg(url: string, options: { schema?: string; max?: number } = {}): Pg {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types,
    // Every connection of the pool works in the configured schema (tests use one per run).
    ...(options.schema ? { options: `-c search_path=${checkSchemaName(options.schema)}` } : {}),
  });
  // An idle connection the server drops (restart, admin kill) must not crash the process.
  pool.on('error', () => undefined);
  return {
    query: (sql, params) => pool.query(sql, params as unknown[]),
    async tx(work) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work({ query: (sql, params) => client.query(sql, params as unknown[]) });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        // A connection that cannot even roll back is thrown away, not handed to the next caller.
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        client.release(broken);
      }
    },
    end: () => pool.end(),
  };
}
