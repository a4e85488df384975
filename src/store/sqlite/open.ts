import { mkdirSync } from 'node:fs';
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
 * How long a write waits for another process's write to finish before SQLITE_BUSY. Longer than the
 * longest write Paperboy makes while others run (a batch of an ingest, a planning flush of 20,000
 * deliveries, a subscriber import: each well under 30 s even on a loaded machine, see
 * test/e2e/ingest-beside-send.test.ts), so that a process never fails for another's write: a
 * delivery recorded beside a large ingest, a `send` beside `serve`. Every write transaction
 * begins IMMEDIATE (writeTransaction), or SQLite would fail it at once instead of waiting.
 */
export const BUSY_TIMEOUT_MS = 60_000;

/** Opens (creating if needed) the SQLite file, switches it to WAL and brings its schema up to date. */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Database.Database;
  let applied: number;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    // WAL with synchronous=NORMAL is durable against process crashes, and much faster than FULL.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
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
