import { PaperboyError } from '../../domain/errors.js';
import { maskSecrets, maskUrl, secretsInUrl } from '../../domain/secrets.js';
import { createFtsLexicalIndex } from '../lexical-index.js';
import type { Store } from '../ports.js';
import { sharedStore } from '../sql/store.js';
import { firstLine, guardUnavailable, type UnavailableOptions } from '../unavailable.js';
import { createPg } from './db.js';
import { pgClaims } from './claims.js';
import { migratePg } from './migrations.js';
import { pgPaperWrites } from './papers.js';
import { pgPlanningReads } from './planning.js';
import { postgresDb } from './sql-db.js';
import { CONTINUE_SEQUENCES } from './transfer.js';

// SQLSTATE classes and codes that say the server cannot do it now, not that the statement is
// wrong: connection exceptions (08), insufficient resources such as a full disk (53), shutdowns
// (57P0x), system I/O errors (58), a lock not had within lock_timeout (55P03), a cancelled
// statement (57014), a read-only server or transaction (25006), a serialization failure or deadlock
// (40001, 40P01), and writes refused to this role (42501).
const UNAVAILABLE_STATES = /^(08|53|57P0|58|55P03$|57014$|25006$|40001$|40P01$|42501$)/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const DRIVER_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** The one-line reason when an error means PostgreSQL cannot be used right now. */
function pgUnavailable(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const message = firstLine(err);
  if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || NETWORK_CODES.has(code)))
    return `${message} (${code})`;
  return DRIVER_MESSAGES.test(message) ? message : undefined;
}

export interface PostgresOptions extends UnavailableOptions {
  schema?: string;
  poolSize?: number;
  /** How long a statement waits for a lock before it fails (lock_timeout; 0 waits for ever). */
  lockTimeoutMs?: number;
}

/**
 * Connects a pool to PostgreSQL (in `schema` when given, created if missing) and brings the schema
 * up to date. Several processes may open the same database at once: migrations take turns.
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  const db = createPg(url, { schema: options.schema, max: options.poolSize, lockTimeoutMs: options.lockTimeoutMs });
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
  const sdb = postgresDb(db);
  const store: Store = {
    engine: 'postgres',
    // PostgreSQL's ts_rank is not BM25: rankings use the same engine as on SQLite, and rank alike.
    lexicalIndex: createFtsLexicalIndex,
    schema,
    ...sharedStore(sdb, CONTINUE_SEQUENCES),
    ...pgPaperWrites(db),
    ...pgClaims(db),
    ...pgPlanningReads(db),
    async close() {
      await db.end();
    },
  };
  return guardUnavailable(store, pgUnavailable, options);
}
