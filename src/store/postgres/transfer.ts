import { PaperboyError } from '../../domain/errors.js';
import type { TransferStore, TransferTable } from '../ports.js';
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
