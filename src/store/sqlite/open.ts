import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { PaperboyError } from '../../domain/errors.js';
import { createFtsLexicalIndex } from '../lexical-index.js';
import type { Store } from '../ports.js';
import { MIGRATIONS } from '../migrations/index.js';
import { sharedStore } from '../sql/store.js';
import { firstLine, guardUnavailable, type UnavailableOptions } from '../unavailable.js';
import { sqliteClaims } from './claims.js';
import { migrate } from './migrations.js';
import { sqlitePaperWrites } from './papers.js';
import { sqlitePlanningReads } from './planning.js';
import { sqliteDb } from './sql-db.js';

/**
 * The database holds subscribers' addresses: a new file (and a new folder for it) is made readable
 * by its owner only, whatever the umask. SQLite gives the -wal and -shm files the database's mode.
 */
function createOwnerOnly(path: string): void {
  const dir = dirname(path);
  if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dir, 0o700);
  try {
    closeSync(openSync(path, 'wx', 0o600));
    chmodSync(path, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

// Busy past busy_timeout, a lock, a read-only file or folder, a full disk, an I/O error: the file
// cannot be used now, which is not a bug in a statement.
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|READONLY|FULL|IOERR|CANTOPEN|PROTOCOL|NOMEM)/;

/** The one-line reason when an error means the SQLite file cannot be used right now. */
function sqliteUnavailable(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE.test(code) ? `${code}: ${firstLine(err)}` : undefined;
}

/**
 * How long a write waits for another process's write to finish before SQLITE_BUSY. Longer than the
 * longest write Paperboy makes while others run (a batch of an ingest, a planning flush of 20,000
 * deliveries, a subscriber import: each well under 30 s even on a loaded machine, see
 * test/e2e/ingest-beside-send.test.ts), so that a process never fails for another's write: a
 * delivery recorded beside a large ingest, a `send` beside `serve`. Every write transaction
 * begins IMMEDIATE (writeTransaction), or SQLite would fail it at once instead of waiting.
 */
const BUSY_TIMEOUT_MS = 60_000;

export interface SqliteOptions extends UnavailableOptions {
  /** How long a write waits for another process's write lock before it fails (busy_timeout; default BUSY_TIMEOUT_MS). */
  lockTimeoutMs?: number;
}

/** Opens (creating if needed) the SQLite file, switches it to WAL and brings its schema up to date. */
export function openSqliteStore(path: string, options: SqliteOptions = {}): Store {
  let db: Database.Database;
  let applied: number;
  try {
    if (path !== ':memory:') createOwnerOnly(path);
    db = new Database(path, { timeout: Math.round(options.lockTimeoutMs ?? BUSY_TIMEOUT_MS) });
    db.pragma('journal_mode = WAL');
    // WAL with synchronous=NORMAL is durable against process crashes, and much faster than FULL.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // 32 MB of page cache (the default is 2 MB): a large ingest fits in it.
    db.pragma('cache_size = -32768');
    applied = migrate(db);
  } catch (err) {
    throw new PaperboyError(
      'STORE_UNAVAILABLE',
      `cannot open the SQLite database at ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  const sdb = sqliteDb(db);
  const store: Store = {
    engine: 'sqlite',
    lexicalIndex: createFtsLexicalIndex,
    schema: { version: MIGRATIONS.length, applied },
    ...sharedStore(sdb),
    ...sqlitePaperWrites(sdb, db),
    ...sqliteClaims(sdb, db),
    ...sqlitePlanningReads(sdb, db),
    async close() {
      db.close();
    },
  };
  return guardUnavailable(store, sqliteUnavailable, options);
}
