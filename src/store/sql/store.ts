// Everything of a store that is written once for both engines. Each engine adds its own parts
// (EngineParts) and opens the connection: sqlite/open.ts, postgres/open.ts.
import type { Store } from '../ports.js';
import type { SqlDb } from './db.js';
import { channelStore } from './channels.js';
import { deliveryLog, deliveryQueue } from './deliveries.js';
import { digestStore } from './digests.js';
import { metaStore } from './meta.js';
import { erasureStore } from './erasure.js';
import { paperReads } from './papers.js';
import { personalStore } from './personal.js';
import { planningStore } from './planning.js';
import { ratingStore } from './ratings.js';
import { runStore } from './runs.js';
import { sendRateStore } from './send-rate.js';
import { sourceStore } from './sources.js';
import { subscriberStore } from './subscribers.js';
import { suppressionStore } from './suppressions.js';
import { topicStore } from './topics.js';
import { transferStore } from './transfer.js';

/** What each engine writes its own way: writing papers, claiming, and the two planning reads tuned per engine. */
export type EngineParts = Pick<
  Store,
  'upsertPapers' | 'claimDeliveries' | 'claimConfirmations' | 'eachUnplannedSubscriber' | 'receivedAnyOf'
>;

export type SharedStore = Omit<Store, keyof EngineParts | 'engine' | 'schema' | 'lexicalIndex' | 'close'>;

/** `afterImport`: SQL of the engine's own run at the end of an import (see transferStore). */
export function sharedStore(db: SqlDb, afterImport?: string): SharedStore {
  return {
    ...paperReads(db),
    ...sourceStore(db),
    ...topicStore(db),
    ...personalStore(db),
    ...digestStore(db),
    ...metaStore(db),
    ...subscriberStore(db),
    ...ratingStore(db),
    ...erasureStore(db),
    ...deliveryQueue(db),
    ...deliveryLog(db),
    ...planningStore(db),
    ...suppressionStore(db),
    ...runStore(db),
    ...sendRateStore(db),
    ...transferStore(db, afterImport),
    ...channelStore(db),
  };
}
