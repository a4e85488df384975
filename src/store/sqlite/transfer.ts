import type Database from 'better-sqlite3';
import { PaperboyError } from '../../domain/errors.js';
import { TRANSFER_TABLES, type SendRateStore, type TransferRow, type TransferStore, type TransferTable } from '../ports.js';

/** The order rows are exported in: insertion order where it matters (papers, logs), else the key. */
const ORDER: Record<TransferTable, string> = {
  papers: 'rowid',
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

/**
 * Meta rows that are not copied: the change counters (content_version, plan_version) belong to
 * the store that bumps them, and the target's own triggers keep its counters moving.
 */
export const STORE_COUNTERS: readonly string[] = ['content_version', 'plan_version'];
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

export function sqliteTransferStore(db: Database.Database): TransferStore {
  return {
    async exportRows(table, offset, limit) {
      checkTransferTarget(table, []);
      return db.prepare(`SELECT * FROM ${table} ${EXPORT_WHERE[table] ?? ''} ORDER BY ${ORDER[table]} LIMIT ? OFFSET ?`).all(limit, offset) as never;
    },
    async importRows(pages) {
      const counts: Record<string, number> = {};
      // better-sqlite3 transactions cannot span an await: BEGIN and COMMIT by hand on the one connection.
      db.exec('BEGIN IMMEDIATE');
      try {
        const used = db.prepare('SELECT (SELECT count(*) FROM papers) + (SELECT count(*) FROM subscribers) + (SELECT count(*) FROM deliveries) AS n').get() as { n: number };
        if (used.n > 0) throw new PaperboyError('INVALID_INPUT', NOT_EMPTY);
        for await (const { table, rows } of pages) {
          let written = 0;
          for (const row of rows) {
            const columns = Object.keys(row);
            checkTransferTarget(table, columns);
            if (isStoreCounter(table, row)) continue;
            // Meta and topics may hold first-run defaults: the imported copy replaces them.
            const verb = table === 'meta' || table === 'topics' ? 'INSERT OR REPLACE' : 'INSERT';
            db.prepare(`${verb} INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
              ...columns.map((c) => row[c]),
            );
            written++;
          }
          counts[table] = (counts[table] ?? 0) + written;
        }
        // The paper store indexes the rows it writes itself (no insert trigger): index the copied
        // papers, all of them, since the store held none before.
        db.exec("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')");
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
      return counts;
    },
  };
}

export function sqliteSendRateStore(db: Database.Database): SendRateStore {
  const reserve = db.prepare<{ name: string; now: number; interval: number }, { next_at: number; step: number }>(`
    INSERT INTO send_rate (name, next_at) VALUES (@name, @now + @interval)
    ON CONFLICT (name) DO UPDATE SET next_at = max(send_rate.next_at, @now)
      + CASE WHEN @now < send_rate.slow_until THEN max(@interval, send_rate.slow_interval) ELSE @interval END
    RETURNING next_at, CASE WHEN @now < slow_until THEN max(@interval, slow_interval) ELSE @interval END AS step`);
  return {
    async reserveSendSlot(name, nowMs, intervalMs) {
      const row = reserve.get({ name, now: nowMs, interval: intervalMs })!;
      return { atMs: row.next_at - row.step, intervalMs: row.step };
    },
    async slowSends(name, intervalMs, untilMs) {
      db.prepare(
        `INSERT INTO send_rate (name, next_at, slow_interval, slow_until) VALUES (?, 0, ?, ?)
         ON CONFLICT (name) DO UPDATE SET slow_interval = excluded.slow_interval, slow_until = excluded.slow_until`,
      ).run(name, intervalMs, untilMs);
    },
  };
}
