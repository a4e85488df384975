import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onTestFinished } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open.js';
import type { Store } from '../../src/store/ports.js';
import { TEST_PG_URL } from './system.js';

/**
 * A fresh schema in the test database, dropped when the test finishes: each test works on its own
 * empty store, and nothing is left behind. Returns the environment that points Paperboy at it.
 */
export function freshSchema(): { schema: string; env: { DATABASE_URL: string; DATABASE_SCHEMA: string } } {
  const schema = `pb_${randomBytes(6).toString('hex')}`;
  onTestFinished(() => dropSchema(schema));
  return { schema, env: { DATABASE_URL: TEST_PG_URL, DATABASE_SCHEMA: schema } };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client(TEST_PG_URL);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Runs one statement in a schema, bypassing the store: for what the ports never do (e.g. edit the consent log). */
export async function pgExec(schema: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL store in a fresh schema, closed and dropped after the test. */
export async function pgTestStore(): Promise<{ store: Store; schema: string }> {
  const { schema } = freshSchema();
  const store = await openPostgresStore(TEST_PG_URL, { schema });
  onTestFinished(() => store.close());
  return { store, schema };
}
