import type Database from 'better-sqlite3';
import { PaperboyError } from '../../domain/errors.js';
import type { SendRateStore, TransferStore } from '../ports.js';
import { EXPORT_WHERE, NOT_EMPTY, checkTransferTarget, exportOrder, isStoreCounter } from '../transfer-rules.js';

const ORDER = exportOrder('rowid');

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
