import type Database from 'better-sqlite3';

/**
 * A write transaction that begins IMMEDIATE: it takes the write lock first, waiting for another
 * process's write up to the busy timeout. A deferred one (better-sqlite3's default) that reads
 * before it writes would fail with SQLITE_BUSY at once, without waiting, if another process held
 * the lock when it came to write. Nested in another transaction it is a savepoint, as usual.
 */
export function writeTransaction<F extends (...args: never[]) => unknown>(db: Database.Database, fn: F): F {
  return db.transaction(fn).immediate as unknown as F;
}
