import { join } from 'node:path';
import Database from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/open.js';
import type { Store } from '../../src/store/ports.js';
import { tempDir } from '../helpers/env.js';
import { storeContract } from './store-contract.js';

const paths = new WeakMap<Store, string>();

storeContract({
  async open() {
    const path = join(tempDir(), 'paperboy.db');
    const store = openSqliteStore(path);
    paths.set(store, path);
    onTestFinished(() => store.close());
    return store;
  },
  async reopen(store) {
    const again = openSqliteStore(paths.get(store)!);
    paths.set(again, paths.get(store)!);
    onTestFinished(() => again.close());
    return again;
  },
  async exec(store, sql) {
    const db = new Database(paths.get(store)!);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  },
});
