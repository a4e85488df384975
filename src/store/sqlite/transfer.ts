import type Database from 'better-sqlite3';
import { PaperboyError } from '../../domain/errors.js';
import type { TransferStore } from '../ports.js';
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
