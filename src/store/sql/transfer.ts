// Moving a whole store to another engine, row for row: what an export holds, in what order, and
// how an import checks and writes it, the same on both engines.
import { PaperboyError } from '../../domain/errors.js';
import { TRANSFER_TABLES, type TransferRow, type TransferStore, type TransferTable } from '../ports.js';
import type { SqlDb } from './db.js';
import { type Statement, dialect, sql } from './statement.js';

/**
 * The order rows are exported in: insertion order where it matters (papers, logs), else the key.
 * `insertion` names the engine's insertion-order column of papers (SQLite's rowid, PostgreSQL's seq).
 */
function exportOrder(insertion: string): Record<TransferTable, string> {
  return {
    papers: insertion,
    source_states: 'name',
    topics: 'slug',
    digests: 'id',
    meta: 'key',
    subscribers: 'id',
    personal_feeds: 'subscriber_id',
    subscriber_topics: 'subscriber_id, topic_slug',
    ratings: 'subscriber_id, topic_slug, paper_id',
    channels: 'id',
    consent_log: 'seq',
    deliveries: 'id',
    suppressions: 'email',
    bounces: 'seq',
    runs: 'seq',
  };
}

/**
 * Meta rows that are not copied: the change counters (content_version, plan_version) belong to
 * the store that bumps them, and the target's own triggers keep its counters moving; the write
 * probe's row says only when that store last took a probe.
 */
const STORE_COUNTERS: readonly string[] = ['content_version', 'plan_version', 'write_probe'];
const isStoreCounter = (table: TransferTable, row: TransferRow) =>
  table === 'meta' && STORE_COUNTERS.includes(String(row.key));
/** Narrows an export: only the meta table has rows left out. */
const EXPORT_WHERE: Partial<Record<TransferTable, string>> = {
  meta: `WHERE key NOT IN (${STORE_COUNTERS.map((k) => `'${k}'`).join(', ')})`,
};

/** Table and column names come from an export file: only plain names reach the SQL. */
function checkTransferTarget(table: string, columns: readonly string[]): void {
  if (!(TRANSFER_TABLES as readonly string[]).includes(table))
    throw new PaperboyError('INVALID_INPUT', `unknown table "${table}" in the export`);
  for (const c of columns) {
    if (!/^[a-z_]{1,40}$/.test(c))
      throw new PaperboyError('INVALID_INPUT', `unknown column "${c}" of ${table} in the export`);
  }
}

const NOT_EMPTY = 'the target store already holds papers, subscribers or deliveries: import only into an empty store';

const [SQLITE_ORDER, PG_ORDER] = [exportOrder('rowid'), exportOrder('seq')];
const EXPORT = Object.fromEntries(
  TRANSFER_TABLES.map((table) => [
    table,
    sql`SELECT * FROM ${table} ${EXPORT_WHERE[table] ?? ''} ORDER BY ${dialect(SQLITE_ORDER[table], PG_ORDER[table])} LIMIT :limit OFFSET :offset`,
  ]),
) as Record<TransferTable, Statement>;

/** Columns that exist in PostgreSQL only: papers.seq stands in for SQLite's rowid and is regenerated. */
const ENGINE_COLUMNS: Partial<Record<TransferTable, readonly string[]>> = { papers: ['seq'] };

const USED = sql`SELECT (SELECT count(*) FROM papers) + (SELECT count(*) FROM subscribers) + (SELECT count(*) FROM deliveries) AS n`;

/**
 * Meta and topics may hold first-run defaults: the imported row replaces the one there, every
 * column (one the export lacks takes its default, as in a new row).
 */
const REPLACED: Partial<Record<TransferTable, { key: string; columns: readonly string[] }>> = {
  meta: { key: 'key', columns: ['value'] },
  topics: { key: 'slug', columns: ['name', 'query', 'query_syntax', 'created_at', 'updated_at'] },
};

/** The INSERT of a row with these columns (each its own parameter), made once per table and columns. */
const inserts = new Map<string, Statement>();
function insertOf(table: TransferTable, columns: readonly string[]): Statement {
  const name = `${table}(${columns.join(',')})`;
  let statement = inserts.get(name);
  if (!statement) {
    const replaced = REPLACED[table];
    const upsert = replaced
      ? `ON CONFLICT (${replaced.key}) DO UPDATE SET ${replaced.columns.map((c) => `${c} = excluded.${c}`).join(', ')}`
      : '';
    statement = sql`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `:${c}`).join(', ')}) ${upsert}`;
    inserts.set(name, statement);
  }
  return statement;
}

/** `afterImport`: SQL of the engine's own to run at the end of an import's transaction. */
export function transferStore(db: SqlDb, afterImport?: string): TransferStore {
  return {
    async exportRows(table, offset, limit) {
      checkTransferTarget(table, []);
      const rows = await db.all<TransferRow>(EXPORT[table], { limit, offset });
      const internal = ENGINE_COLUMNS[table];
      if (internal) for (const r of rows) for (const c of internal) delete r[c];
      return rows;
    },
    async importRows(pages) {
      return db.transaction(async (tx) => {
        if ((await tx.get<{ n: number }>(USED))!.n > 0) throw new PaperboyError('INVALID_INPUT', NOT_EMPTY);
        const counts: Record<string, number> = {};
        for await (const { table, rows } of pages) {
          let written = 0;
          for (const row of rows) {
            const columns = Object.keys(row);
            checkTransferTarget(table, columns);
            if (isStoreCounter(table, row)) continue;
            await tx.run(insertOf(table, columns), row);
            written++;
          }
          counts[table] = (counts[table] ?? 0) + written;
        }
        if (afterImport) await tx.exec(afterImport);
        return counts;
      });
    },
  };
}
