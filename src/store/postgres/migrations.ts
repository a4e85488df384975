import { MIGRATIONS } from '../migrations/index.js';
import type { Pg } from './db.js';

/**
 * Runs the migrations (migrations/) the database has not seen yet, in one transaction.
 * `schema_version` records how many have run; an advisory lock makes processes that start
 * together take turns.
 */
export async function migratePg(db: Pg, schema: string | undefined) {
  const migrations = MIGRATIONS.map((m) => m.postgres);
  return db.tx(async (c) => {
    // Another process migrating may hold the lock for a while: wait for it, whatever lock_timeout says.
    await c.query('SET LOCAL lock_timeout = 0');
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('paperboy:migrate'))`);
    if (schema) await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const row = (await c.query<{ version: number }>('SELECT version FROM schema_version')).rows[0];
    if (!row) await c.query('INSERT INTO schema_version (version) VALUES (0)');
    const current = row?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(
        `the database schema (version ${current}) is newer than this Paperboy knows (${migrations.length}); upgrade Paperboy`,
      );
    }
    for (let v = current; v < migrations.length; v++) await c.query(migrations[v] as string);
    await c.query('UPDATE schema_version SET version = $1', [migrations.length]);
    return { version: migrations.length, applied: migrations.length - current };
  });
}
