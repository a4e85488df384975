import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { InvalidInputError, ParseError } from '../../domain/errors.js';
import {
  TRANSFER_TABLES,
  type Store,
  type TransferRow,
  type TransferStore,
  type TransferTable,
} from '../../store/ports.js';

/** The store an export reads or an import writes, and what it says of its engine and schema. */
type Transferable = TransferStore & Pick<Store, 'engine' | 'schema'>;

const PAGE = 500;
const FORMAT = 'paperboy-export';

/**
 * Writes a whole store as JSON lines: a header naming the format and schema version, then one line
 * per row, `{"table": …, "row": {column: value}}`, tables parents first and rows in insertion order.
 * Values are copied as stored (ISO text times, JSON text lists), so nothing is lost between engines.
 */
export async function exportStore(
  store: Transferable,
  write: (line: string) => Promise<void> | void,
): Promise<Record<string, number>> {
  await write(JSON.stringify({ format: FORMAT, schemaVersion: store.schema.version, engine: store.engine }));
  const counts: Record<string, number> = {};
  for (const table of TRANSFER_TABLES) {
    counts[table] = 0;
    for (let offset = 0; ; offset += PAGE) {
      const rows = await store.exportRows(table, offset, PAGE);
      for (const row of rows) await write(JSON.stringify({ table, row }));
      counts[table] += rows.length;
      if (rows.length < PAGE) break;
    }
  }
  return counts;
}

/** Reads an export (see exportStore) into an empty store, in one transaction: all of it or nothing. */
export async function importStore(store: Transferable, input: Readable, file: string): Promise<Record<string, number>> {
  async function* pages(): AsyncGenerator<{ table: TransferTable; rows: TransferRow[] }> {
    // Read only once the store starts taking rows: a readline opened earlier could see the whole
    // file go by (and close) while the store is still beginning its transaction.
    const lines = createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    let header = false;
    let page: { table: TransferTable; rows: TransferRow[] } | undefined;
    for await (const line of lines) {
      lineNo++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new ParseError(file, lineNo, 'not a JSON line');
      }
      const v = value as { format?: unknown; schemaVersion?: unknown; table?: unknown; row?: unknown };
      if (!header) {
        if (v.format !== FORMAT)
          throw new ParseError(file, lineNo, `not a Paperboy export (the first line must name the format "${FORMAT}")`);
        if (typeof v.schemaVersion !== 'number' || v.schemaVersion > store.schema.version) {
          throw new ParseError(
            file,
            lineNo,
            `the export's schema version ${String(v.schemaVersion)} is newer than this store's (${store.schema.version}); upgrade Paperboy first`,
            { field: 'schemaVersion' },
          );
        }
        header = true;
        continue;
      }
      if (typeof v.table !== 'string' || !(TRANSFER_TABLES as readonly string[]).includes(v.table)) {
        throw new ParseError(file, lineNo, `unknown table ${JSON.stringify(v.table)}`, { field: 'table' });
      }
      if (typeof v.row !== 'object' || v.row === null || Array.isArray(v.row))
        throw new ParseError(file, lineNo, 'a row must be an object', { field: 'row' });
      const table = v.table as TransferTable;
      if (page && (page.table !== table || page.rows.length >= PAGE)) {
        yield page;
        page = undefined;
      }
      page ??= { table, rows: [] };
      page.rows.push(v.row as TransferRow);
    }
    if (!header) throw new InvalidInputError(`${file} is empty: not a Paperboy export`);
    if (page) yield page;
  }
  return store.importRows(pages());
}
