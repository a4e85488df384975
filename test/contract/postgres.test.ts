import { describe, onTestFinished } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open.js';
import type { Store } from '../../src/store/ports.js';
import { pgExec, pgTestStore } from '../helpers/postgres.js';
import { TEST_PG_URL, postgresAvailable } from '../helpers/system.js';
import { storeContract } from './store-contract.js';

const schemas = new WeakMap<Store, string>();

describe.skipIf(!postgresAvailable())('PostgreSQL', () => {
  storeContract({
    async open() {
      const { store, schema } = await pgTestStore();
      schemas.set(store, schema);
      return store;
    },
    exec: (store, sql) => pgExec(schemas.get(store)!, sql),
    async reopen(store) {
      const again = await openPostgresStore(TEST_PG_URL, { schema: schemas.get(store)! });
      schemas.set(again, schemas.get(store)!);
      onTestFinished(() => again.close());
      return again;
    },
  });
});
