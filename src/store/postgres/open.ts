import { PaperboyError } from '../../domain/errors.js';
import { maskSecrets, maskUrl, secretsInUrl } from '../../domain/secrets.js';
import { createFtsLexicalIndex } from '../lexical-index.js';
import type { Store } from '../ports.js';
import { createPg } from './db.js';
import { pgDeliveryStore } from './deliveries.js';
import { pgDigestStore } from './digests.js';
import { migratePg } from './migrations.js';
import { pgPaperStore } from './papers.js';
import { pgRunStore } from './runs.js';
import { pgSourceStore } from './sources.js';
import { pgSubscriberStore } from './subscribers.js';
import { pgMetaStore, pgTopicStore } from './topics.js';
import { pgSendRateStore, pgTransferStore } from './transfer.js';

/**
 * Connects a pool to PostgreSQL (in `schema` when given, created if missing) and brings the schema
 * up to date. Several processes may open the same database at once: migrations take turns.
 */
export async function openPostgresStore(url: string, options: { schema?: string; poolSize?: number } = {}): Promise<Store> {
  const db = createPg(url, { schema: options.schema, max: options.poolSize });
  let schema: { version: number; applied: number };
  try {
    schema = await migratePg(db, options.schema);
  } catch (err) {
    await db.end().catch(() => undefined);
    // The driver's message may quote the connection string: what it says of the password is masked.
    const reason = maskSecrets((err as Error).message, secretsInUrl(url));
    throw new PaperboyError('STORE_UNAVAILABLE', `cannot open the PostgreSQL database at ${maskUrl(url)}: ${reason}`, {
      cause: err,
    });
  }
  return {
    engine: 'postgres',
    // PostgreSQL's ts_rank is not BM25: rankings use the same engine as on SQLite, and rank alike.
    lexicalIndex: createFtsLexicalIndex,
    schema,
    ...pgPaperStore(db),
    ...pgSourceStore(db),
    ...pgTopicStore(db),
    ...pgDigestStore(db),
    ...pgMetaStore(db),
    ...pgSubscriberStore(db),
    ...pgDeliveryStore(db),
    ...pgRunStore(db),
    ...pgSendRateStore(db),
    ...pgTransferStore(db),
    async close() {
      await db.end();
    },
  };
}
