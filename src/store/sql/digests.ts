// Frozen editions, on both engines.
import type { DigestStore, NewDigest } from '../ports.js';
import { type DigestRow, toDigest } from '../rows.js';
import type { SqlDb, SqlRunner } from './db.js';
import { type Engine, sql } from './statement.js';

/** The columns of a stored digest, as digestRow fills them. */
const COLUMNS = [
  'id',
  'topic_set',
  'period_kind',
  'period_key',
  'period_start',
  'period_end',
  'window_start',
  'cutoff_at',
  'created_at',
  'subject',
  'paper_ids',
  'updated_ids',
  'html',
  'text',
  'compact_html',
  'compact_text',
  'entries',
  'view',
] as const satisfies readonly (keyof DigestRow)[];
// The UNIQUE (topic_set, period_kind, period_key) key decides: a second freeze of the same edition
// (a double fire, a second process) keeps the first one.
const INSERT = sql`
  INSERT INTO digests (${COLUMNS.join(', ')})
  VALUES (${COLUMNS.map((c) => `:${c}`).join(', ')})
  ON CONFLICT DO NOTHING`;
// Many digests in one statement (PostgreSQL, where each statement is a round trip): the rows as
// JSON objects, parsed once. As INSERT, an existing edition is kept. (SQLite's text, equivalent,
// would parse each row once per column: SQLite inserts one row per statement, which costs no
// round trip. Its WHERE makes ON CONFLICT read as the upsert clause, not part of the SELECT.)
const INSERT_MANY = sql`
  INSERT INTO digests (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.join(', ')} FROM ${{
    sqlite: `(SELECT ${COLUMNS.map((c) => `value ->> '$.${c}' AS ${c}`).join(', ')} FROM json_each(:rows))`,
    postgres: `jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(${COLUMNS.map((c) => `${c} text`).join(', ')})`,
    json: ['rows'],
  }} WHERE true
  ON CONFLICT DO NOTHING`;
const BY_KEY = sql`SELECT * FROM digests WHERE topic_set = :topicSet AND period_kind = :kind AND period_key = :key`;
const WINDOW_BY_KEY = sql`
  SELECT window_start, cutoff_at FROM digests WHERE topic_set = :topicSet AND period_kind = :kind AND period_key = :key`;
const LATEST = sql`SELECT * FROM digests WHERE topic_set = :topicSet AND period_kind = :kind ORDER BY cutoff_at DESC LIMIT 1`;
const BY_ID = sql`SELECT * FROM digests WHERE id = :id`;
const LIST = sql`SELECT * FROM digests ORDER BY cutoff_at DESC LIMIT :limit`;
const LIST_OF_SET = sql`SELECT * FROM digests WHERE topic_set = :topicSet ORDER BY cutoff_at DESC LIMIT :limit`;

/** The row a digest is stored as. */
function digestRow(d: NewDigest): DigestRow {
  return {
    id: d.id,
    topic_set: d.editionKey,
    period_kind: d.period.kind,
    period_key: d.period.key,
    period_start: d.period.start.toISOString(),
    period_end: d.period.end.toISOString(),
    window_start: d.windowStart,
    cutoff_at: d.cutoffAt,
    created_at: d.createdAt,
    subject: d.subject,
    paper_ids: JSON.stringify(d.paperIds),
    updated_ids: JSON.stringify(d.updatedIds ?? []),
    html: d.html,
    text: d.text,
    compact_html: d.compact?.html ?? null,
    compact_text: d.compact?.text ?? null,
    entries: d.entries ? JSON.stringify(d.entries) : null,
    view: d.view ?? null,
  };
}

/** Digests per INSERT when many are written together on PostgreSQL: each a few kB (a reader's edition is its packed view). */
const CHUNK = 200;

/**
 * Inserts many digests in the transaction given, as insertDigest would (an edition already stored
 * is kept). Returns how many were new.
 */
export async function insertDigests(tx: SqlRunner, engine: Engine, digests: readonly NewDigest[]): Promise<number> {
  let created = 0;
  if (engine === 'sqlite') {
    for (const d of digests) created += await tx.run(INSERT, digestRow(d));
    return created;
  }
  for (let i = 0; i < digests.length; i += CHUNK)
    created += await tx.run(INSERT_MANY, { rows: digests.slice(i, i + CHUNK).map(digestRow) });
  return created;
}

export function digestStore(db: SqlDb): DigestStore {
  const byKey = (editionKey: string, kind: string, key: string) =>
    db.get<DigestRow>(BY_KEY, { topicSet: editionKey, kind, key });
  return {
    async insertDigest(d) {
      const row = digestRow(d);
      // Inserted: the digest is what its row reads back as, without reading 80 KB of HTML back.
      if ((await db.run(INSERT, row)) > 0) return { digest: toDigest(row), created: true };
      const stored = await byKey(d.editionKey, d.period.kind, d.period.key);
      if (!stored) throw new Error(`digest ${d.id} was neither inserted nor found`);
      return { digest: toDigest(stored), created: false };
    },
    async findDigest(editionKey, kind, periodKey) {
      const row = await byKey(editionKey, kind, periodKey);
      return row && toDigest(row);
    },
    async digestWindow(editionKey, kind, periodKey) {
      const row = await db.get<Pick<DigestRow, 'window_start' | 'cutoff_at'>>(WINDOW_BY_KEY, {
        topicSet: editionKey,
        kind,
        key: periodKey,
      });
      return row && { windowStart: row.window_start, cutoffAt: row.cutoff_at };
    },
    async latestDigest(topicSet, kind) {
      const row = await db.get<DigestRow>(LATEST, { topicSet, kind });
      return row && toDigest(row);
    },
    async getDigest(id) {
      const row = await db.get<DigestRow>(BY_ID, { id });
      return row && toDigest(row);
    },
    async listDigests({ topicSet, limit }) {
      const rows = topicSet
        ? await db.all<DigestRow>(LIST_OF_SET, { topicSet, limit })
        : await db.all<DigestRow>(LIST, { limit });
      return rows.map(toDigest);
    },
  };
}
