import type Database from 'better-sqlite3';
import { MIGRATIONS } from '../migrations/index.js';
import { writeTransaction } from './write-transaction.js';

/** Runs the migrations (migrations/) the database has not seen yet, each in its own transaction. */
export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the database schema (version ${current}) is newer than this Paperboy knows (${MIGRATIONS.length}); upgrade Paperboy`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    // Another process opening the same file at the same moment may have run it meanwhile.
    writeTransaction(db, () => {
      if ((db.pragma('user_version', { simple: true }) as number) !== v) return;
      db.exec(MIGRATIONS[v]!.sqlite);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length - current;
}
