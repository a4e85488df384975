// What an export holds and how an import checks it, the same for every engine; each adapter
// writes only its SQL (see sqlite/transfer.ts and postgres/transfer.ts).
import { PaperboyError } from '../domain/errors.js';
import { TRANSFER_TABLES, type TransferRow, type TransferTable } from './ports.js';

/**
 * The order rows are exported in: insertion order where it matters (papers, logs), else the key.
 * `insertion` names the engine's insertion-order column of papers (SQLite's rowid, PostgreSQL's seq).
 */
export function exportOrder(insertion: string): Record<TransferTable, string> {
  return {
    papers: insertion,
    source_states: 'name',
    topics: 'slug',
    digests: 'id',
    meta: 'key',
    subscribers: 'id',
    subscriber_topics: 'subscriber_id, topic_slug',
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
export const STORE_COUNTERS: readonly string[] = ['content_version', 'plan_version', 'write_probe'];
export const isStoreCounter = (table: TransferTable, row: TransferRow) => table === 'meta' && STORE_COUNTERS.includes(String(row.key));
/** Narrows an export: only the meta table has rows left out. */
export const EXPORT_WHERE: Partial<Record<TransferTable, string>> = {
  meta: `WHERE key NOT IN (${STORE_COUNTERS.map((k) => `'${k}'`).join(', ')})`,
};

/** Table and column names come from an export file: only plain names reach the SQL. */
export function checkTransferTarget(table: string, columns: readonly string[]): void {
  if (!(TRANSFER_TABLES as readonly string[]).includes(table)) throw new PaperboyError('INVALID_INPUT', `unknown table "${table}" in the export`);
  for (const c of columns) {
    if (!/^[a-z_]{1,40}$/.test(c)) throw new PaperboyError('INVALID_INPUT', `unknown column "${c}" of ${table} in the export`);
  }
}

export const NOT_EMPTY = 'the target store already holds papers, subscribers or deliveries: import only into an empty store';
