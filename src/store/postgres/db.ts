import pg from 'pg';

/** What the adapters need from PostgreSQL: a query, and a transaction that rolls back on any error. */
export interface Pg {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
  /** Runs `work` between BEGIN and COMMIT on one pooled connection; ROLLBACK if it throws. */
  tx<T>(work: (c: PgClient) => Promise<T>): Promise<T>;
  /**
   * Queries whose commit does not wait for the WAL flush (synchronous_commit off): for records
   * whose loss in a crash of the PostgreSQL server itself is safe (see sql/deliveries.ts).
   */
  relaxed: PgClient;
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
function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`"${schema}" is not a valid schema name (lower-case letters, digits, _)`);
  return schema;
}

export function createPg(url: string, options: { schema?: string; max?: number; lockTimeoutMs?: number } = {}): Pg {
  const newPool = (settings: string[]) => {
    const p = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      types,
      ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    });
    // An idle connection the server drops (restart, admin kill) must not crash the process.
    p.on('error', () => undefined);
    return p;
  };
  // Every connection works in the configured schema (tests use one per run).
  const searchPath = options.schema ? [`-c search_path=${checkSchemaName(options.schema)}`] : [];
  // A writer waits for a lock as long as SQLite's busy_timeout lets it, then the store is
  // "unavailable" (a sign-up answers 503) instead of the request hanging behind the lock.
  const lockTimeout =
    options.lockTimeoutMs === undefined ? [] : [`-c lock_timeout=${Math.round(options.lockTimeoutMs)}`];
  const settings = [...searchPath, ...lockTimeout];
  const pool = newPool(settings);
  // Opened on first use: only delivery workers record outcomes.
  let relaxedPool: pg.Pool | undefined;
  let ended: Promise<void> | undefined;
  const relaxed = () => (relaxedPool ??= newPool([...settings, '-c synchronous_commit=off']));
  return {
    relaxed: { query: (sql, params) => relaxed().query(sql, params as unknown[]) },
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
    // Twice is once, as closing a SQLite store twice is: a test's app may be closed early and again at its end.
    end() {
      ended ??= Promise.all([pool.end(), relaxedPool?.end()]).then(() => undefined);
      return ended;
    },
  };
}
