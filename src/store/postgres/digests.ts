import type { DigestStore } from '../ports.js';
import type { Pg } from './db.js';
import { type DigestRow, toDigest } from '../rows.js';

export function pgDigestStore(db: Pg): DigestStore {
  const byKey = async (topicSet: string, kind: string, key: string) =>
    (await db.query<DigestRow>('SELECT * FROM digests WHERE topic_set = $1 AND period_kind = $2 AND period_key = $3', [topicSet, kind, key]))
      .rows[0];
  return {
    async insertDigest(d) {
      // The unique (topic_set, period_kind, period_key) key decides, as in SQLite: a second freeze
      // of the same edition waits for the first to commit, then keeps it.
      const result = await db.query(
        `INSERT INTO digests (id, topic_set, period_kind, period_key, period_start, period_end, window_start,
           cutoff_at, created_at, subject, paper_ids, html, text, updated_ids, compact_html, compact_text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT DO NOTHING`,
        [
          d.id,
          d.topicSet,
          d.period.kind,
          d.period.key,
          d.period.start.toISOString(),
          d.period.end.toISOString(),
          d.windowStart,
          d.cutoffAt,
          d.createdAt,
          d.subject,
          JSON.stringify(d.paperIds),
          d.html,
          d.text,
          JSON.stringify(d.updatedIds ?? []),
          d.compact?.html ?? null,
          d.compact?.text ?? null,
        ],
      );
      const stored = await byKey(d.topicSet, d.period.kind, d.period.key);
      if (!stored) throw new Error(`digest ${d.id} was neither inserted nor found`);
      return { digest: toDigest(stored), created: (result.rowCount ?? 0) > 0 };
    },
    async findDigest(topicSet, kind, periodKey) {
      const row = await byKey(topicSet, kind, periodKey);
      return row && toDigest(row);
    },
    async latestDigest(topicSet, kind) {
      const { rows } = await db.query<DigestRow>(
        'SELECT * FROM digests WHERE topic_set = $1 AND period_kind = $2 ORDER BY cutoff_at DESC LIMIT 1',
        [topicSet, kind],
      );
      return rows[0] && toDigest(rows[0]);
    },
    async getDigest(id) {
      const row = (await db.query<DigestRow>('SELECT * FROM digests WHERE id = $1', [id])).rows[0];
      return row && toDigest(row);
    },
    async listDigests({ topicSet, limit }) {
      const { rows } = topicSet
        ? await db.query<DigestRow>('SELECT * FROM digests WHERE topic_set = $1 ORDER BY cutoff_at DESC LIMIT $2', [topicSet, limit])
        : await db.query<DigestRow>('SELECT * FROM digests ORDER BY cutoff_at DESC LIMIT $1', [limit]);
      return rows.map(toDigest);
    },
  };
}
