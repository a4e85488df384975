// Both engines' migrations make the same schema: the same version, the same tables, and the same
// columns (type, NOT NULL, default), but for the differences named here.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import { tempDir } from '../helpers/env.js';
import { pgTestStore } from '../helpers/postgres.js';
import { TEST_PG_URL, postgresAvailable } from '../helpers/system.js';

/** Columns one engine has and the other has not, or has with another type, and why. */
const ENGINE_COLUMNS: Record<string, { postgres: string | null; why: string }> = {
  'papers.seq': { postgres: 'integer', why: 'PostgreSQL has no rowid: insertion order is an identity column' },
  'digest_papers.updated': { postgres: 'boolean', why: '0/1 in SQLite, which has no boolean type' },
};

interface Column {
  type: string;
  notNull: boolean;
  default: string | null;
}

/** Types as the ports see them: SQLite's declared affinity, PostgreSQL's type folded to it. */
const PG_TYPES: Record<string, string> = {
  text: 'text',
  integer: 'integer',
  bigint: 'integer',
  'double precision': 'real',
  boolean: 'boolean',
};

function sqliteSchema(path: string): Record<string, Column> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
      .pluck()
      .all() as string[];
    const columns: Record<string, Column> = {};
    for (const table of tables) {
      const rows = db.pragma(`table_info(${table})`) as {
        name: string;
        type: string;
        notnull: number;
        dflt_value: string | null;
        pk: number;
      }[];
      for (const c of rows) {
        // A PRIMARY KEY column is never NULL in Paperboy's rows (SQLite allows it only for legacy reasons).
        columns[`${table}.${c.name}`] = {
          type: c.type.toLowerCase(),
          notNull: c.notnull === 1 || c.pk > 0,
          default: c.dflt_value,
        };
      }
    }
    return columns;
  } finally {
    db.close();
  }
}

async function postgresSchema(schema: string): Promise<Record<string, Column>> {
  const client = new pg.Client(TEST_PG_URL);
  await client.connect();
  try {
    const { rows } = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
    }>(
      `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = $1 AND table_name <> 'schema_version' ORDER BY table_name, ordinal_position`,
      [schema],
    );
    const columns: Record<string, Column> = {};
    for (const c of rows) {
      columns[`${c.table_name}.${c.column_name}`] = {
        type: PG_TYPES[c.data_type] ?? c.data_type,
        notNull: c.is_nullable === 'NO',
        // '[]'::text and 'digest'::text as SQLite writes them: '[]', 'digest'.
        default: c.column_default?.replace(/::[a-z ]+$/, '') ?? null,
      };
    }
    return columns;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('give each version as SQL for both engines', () => {
    for (const [i, m] of MIGRATIONS.entries()) {
      expect(m.sqlite.trim(), `migration ${i + 1}`).not.toBe('');
      expect(m.postgres.trim(), `migration ${i + 1}`).not.toBe('');
    }
  });

  it.skipIf(!postgresAvailable())('bring both engines to the same version, tables and columns', async () => {
    const path = join(tempDir(), 'paperboy.db');
    const sqlite = openSqliteStore(path);
    const { store: postgres, schema } = await pgTestStore();
    await sqlite.close();
    expect(sqlite.schema).toEqual({ version: MIGRATIONS.length, applied: MIGRATIONS.length });
    expect(postgres.schema).toEqual(sqlite.schema);

    const [fromSqlite, fromPostgres] = [sqliteSchema(path), await postgresSchema(schema)];
    for (const [name, { postgres: type }] of Object.entries(ENGINE_COLUMNS)) {
      expect(fromPostgres[name]?.type ?? null, name).toBe(type);
      delete fromSqlite[name];
      delete fromPostgres[name];
    }
    expect(Object.keys(fromSqlite).length).toBeGreaterThan(100);
    expect(fromPostgres).toEqual(fromSqlite);
  });
});
