import type Database from 'better-sqlite3';
import type { DigestStore } from '../ports.js';
import { type DigestRow, toDigest } from '../rows.js';

export function sqliteDigestStore(db: Database.Database): DigestStore {
  const byKey = db.prepare<[string, string, string], DigestRow>(
    'SELECT * FROM digests WHERE topic_set = ? AND period_kind = ? AND period_key = ?',
  );
  return {
    async insertDigest(d) {
      // The UNIQUE (topic_set, period_kind, period_key) constraint decides: a second freeze of
      // the same edition (a double fire, a second process) keeps the first one.
      const result = db
        .prepare(
          `INSERT INTO digests (id, topic_set, period_kind, period_key, period_start, period_end, window_start,
             cutoff_at, created_at, subject, paper_ids, updated_ids, html, text, compact_html, compact_text)
           VALUES (@id, @topicSet, @kind, @key, @start, @end, @windowStart, @cutoffAt, @createdAt, @subject,
             @paperIds, @updatedIds, @html, @text, @compactHtml, @compactText)
           ON CONFLICT DO NOTHING`,
        )
        .run({
          id: d.id,
          topicSet: d.topicSet,
          kind: d.period.kind,
          key: d.period.key,
          start: d.period.start.toISOString(),
          end: d.period.end.toISOString(),
          windowStart: d.windowStart,
          cutoffAt: d.cutoffAt,
          createdAt: d.createdAt,
          subject: d.subject,
          paperIds: JSON.stringify(d.paperIds),
          updatedIds: JSON.stringify(d.updatedIds ?? []),
          html: d.html,
          text: d.text,
          compactHtml: d.compact?.html ?? null,
          compactText: d.compact?.text ?? null,
        });
      // Inserted: the row is what was given, no need to read 80 KB of HTML back.
      if (result.changes > 0) return { digest: { ...d, updatedIds: d.updatedIds ?? [] }, created: true };
      const stored = byKey.get(d.topicSet, d.period.kind, d.period.key);
      if (!stored) throw new Error(`digest ${d.id} was neither inserted nor found`);
      return { digest: toDigest(stored), created: false };
    },
    async findDigest(topicSet, kind, periodKey) {
      const row = byKey.get(topicSet, kind, periodKey);
      return row && toDigest(row);
    },
    async latestDigest(topicSet, kind) {
      const row = db
        .prepare<[string, string], DigestRow>(
          'SELECT * FROM digests WHERE topic_set = ? AND period_kind = ? ORDER BY cutoff_at DESC LIMIT 1',
        )
        .get(topicSet, kind);
      return row && toDigest(row);
    },
    async getDigest(id) {
      const row = db.prepare<[string], DigestRow>('SELECT * FROM digests WHERE id = ?').get(id);
      return row && toDigest(row);
    },
    async listDigests({ topicSet, limit }) {
      const rows = topicSet
        ? db
            .prepare<[string, number], DigestRow>('SELECT * FROM digests WHERE topic_set = ? ORDER BY cutoff_at DESC LIMIT ?')
            .all(topicSet, limit)
        : db.prepare<[number], DigestRow>('SELECT * FROM digests ORDER BY cutoff_at DESC LIMIT ?').all(limit);
      return rows.map(toDigest);
    },
  };
}
