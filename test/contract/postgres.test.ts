import { describe } from 'vitest';
import type { Store } from '../../src/store/ports.js';
import { pgExec, pgTestStore } from '../helpers/postgres.js';
import { postgresAvailable } from '../helpers/system.js';
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
  });
});
