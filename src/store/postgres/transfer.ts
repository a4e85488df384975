import { PaperboyError } from '../../domain/errors.js';
import type { SendRateStore, TransferStore, TransferTable } from '../ports.js';
import { EXPORT_WHERE, NOT_EMPTY, checkTransferTarget, exportOrder, isStoreCounter } from '../transfer-rules.js';
import type { Pg } from './db.js';

const ORDER = exportOrder('seq');

/**
 * Columns that exist in PostgreSQL only: papers.seq stands in for SQLite's rowid and is regenerated;
 * papers.search (the full-text index) is computed from the title and abstract.
 */
const INTERNAL: Partial<Record<TransferTable, readonly string[]>> = { papers: ['seq', 'search'] };

export function pgTransferStore(db: Pg): TransferStore {
  return {
    async exportRows(table, offset, limit) {
      checkTransferTarget(table, []);
      const { rows } = await db.query(`SELECT * FROM ${table} ${EXPORT_WHERE[table] ?? ''} ORDER BY ${ORDER[table]} LIMIT $1 OFFSET $2`, [limit, offset]);
      const internal = INTERNAL[table];
      if (internal) for (const r of rows) for (const c of internal) delete r[c];
      return rows as never;
    },
    async importRows(pages) {
      return db.tx(async (c) => {
        const counts: Record<string, number> = {};
        const used = await c.query<{ n: number }>(
          'SELECT (SELECT count(*) FROM papers) + (SELECT count(*) FROM subscribers) + (SELECT count(*) FROM deliveries) AS n',
        );
        if (used.rows[0]!.n > 0) throw new PaperboyError('INVALID_INPUT', NOT_EMPTY);
        for await (const { table, rows } of pages) {
          let written = 0;
          for (const row of rows) {
            const columns = Object.keys(row);
            checkTransferTarget(table, columns);
            if (isStoreCounter(table, row)) continue;
            const values = columns.map((_, i) => `$${i + 1}`).join(', ');
            const upsert =
              table === 'meta' ? ' ON CONFLICT (key) DO UPDATE SET value = excluded.value'
              : table === 'topics' ? ' ON CONFLICT (slug) DO UPDATE SET name = excluded.name, query = excluded.query, query_syntax = excluded.query_syntax, created_at = excluded.created_at, updated_at = excluded.updated_at'
              : '';
            await c.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values})${upsert}`, columns.map((k) => row[k]));
            written++;
          }
          counts[table] = (counts[table] ?? 0) + written;
        }
        // Logs (and the run history) were copied with their sequence numbers: new entries must continue after them.
        for (const table of ['consent_log', 'bounces', 'runs']) {
          await c.query(`SELECT setval(pg_get_serial_sequence('${table}', 'seq'), coalesce((SELECT max(seq) FROM ${table}), 0) + 1, false)`);
        }
        return counts;
      });
    },
  };
}

export function pgSendRateStore(db: Pg): SendRateStore {
  return {
    async reserveSendSlot(name, nowMs, intervalMs) {
      // One statement takes the slot and moves it on: concurrent workers queue on the row lock.
      const { rows } = await db.query<{ next_at: number; step: number }>(
        `INSERT INTO send_rate (name, next_at) VALUES ($1, $2::float8 + $3::float8)
         ON CONFLICT (name) DO UPDATE SET next_at = greatest(send_rate.next_at, $2::float8)
           + CASE WHEN $2::float8 < send_rate.slow_until THEN greatest($3::float8, send_rate.slow_interval) ELSE $3::float8 END
         RETURNING next_at, CASE WHEN $2::float8 < slow_until THEN greatest($3::float8, slow_interval) ELSE $3::float8 END AS step`,
        [name, nowMs, intervalMs],
      );
      const row = rows[0]!;
      return { atMs: row.next_at - row.step, intervalMs: row.step };
    },
    async slowSends(name, intervalMs, untilMs) {
      await db.query(
        `INSERT INTO send_rate (name, next_at, slow_interval, slow_until) VALUES ($1, 0, $2, $3)
         ON CONFLICT (name) DO UPDATE SET slow_interval = excluded.slow_interval, slow_until = excluded.slow_until`,
        [name, intervalMs, untilMs],
      );
    },
  };
}
