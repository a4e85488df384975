import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { PaperboyError } from '../../domain/errors.js';
import { createFtsLexicalIndex } from '../lexical-index.js';
import type { Store } from '../ports.js';
import { sqliteDeliveryStore } from './deliveries.js';
import { sqliteDigestStore } from './digests.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { sqlitePaperStore } from './papers.js';
import { sqliteSourceStore } from './sources.js';
import { sqliteRevisionStore } from './revisions.js';
import { sqliteRunStore } from './runs.js';
import { sqliteSubscriberStore } from './subscribers.js';
import { sqliteMetaStore, sqliteTopicStore } from './topics.js';
import { sqliteSendRateStore, sqliteTransferStore } from './transfer.js';

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

/** Opens (creating if needed) the SQLite file, switches it to WAL and brings its schema up to date. */
export function openSqliteStore(path: string): Store {
  let db: Database.Database;
  let applied: number;
  try {
    if (path !== ':memory:') createOwnerOnly(path);
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    // WAL with synchronous=NORMAL is durable against process crashes, and much faster than FULL.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A second process (a CLI command beside `serve`) waits for the writer instead of failing.
    db.pragma('busy_timeout = 5000');
    // 32 MB of page cache (the default is 2 MB): a large ingest and its full-text index fit in it.
    db.pragma('cache_size = -32768');
    applied = migrate(db);
  } catch (err) {
    throw new PaperboyError('STORE_UNAVAILABLE', `cannot open the SQLite database at ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return {
    engine: 'sqlite',
    lexicalIndex: createFtsLexicalIndex,
    schema: { version: MIGRATIONS.length, applied },
    ...sqlitePaperStore(db),
    ...sqliteSourceStore(db),
    ...sqliteTopicStore(db),
    ...sqliteDigestStore(db),
    ...sqliteMetaStore(db),
    ...sqliteSubscriberStore(db),
    ...sqliteDeliveryStore(db),
    ...sqliteRevisionStore(db),
    ...sqliteRunStore(db),
    ...sqliteSendRateStore(db),
    ...sqliteTransferStore(db),
    async close() {
      db.close();
    },
  };
}
