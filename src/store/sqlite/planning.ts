// The planner's two reads whose plans are tuned to SQLite (PostgreSQL's: postgres/planning.ts);
// the rest of planning is shared (sql/planning.ts).
import type Database from 'better-sqlite3';
import type { Frequency } from '../../domain/subscriber.js';
import { toPlanCandidate } from '../rows.js';
import { type PlanningReads, RECEIVED } from '../sql/planning.js';
import type { SqliteDb } from './sql-db.js';

export function sqlitePlanningReads(sdb: SqliteDb, db: Database.Database): PlanningReads {
  // The period's planned subscribers are collected once per statement (from the period's digests
  // through the (digest_id, subscriber_id) index), not probed per subscriber.
  const unplanned = db.prepare<
    { slots: string; kind: string; key: string },
    {
      id: string;
      topics: string | null;
      frequency: Frequency;
      timezone: string;
      send_hour: number;
      confirmed_at: string | null;
    }
  >(`
    SELECT s.id, s.frequency, s.timezone, s.send_hour, s.confirmed_at,
      (SELECT group_concat(slug, ',') FROM (SELECT t.topic_slug AS slug FROM subscriber_topics t
         JOIN topics k ON k.slug = t.topic_slug WHERE t.subscriber_id = s.id ORDER BY t.topic_slug)) AS topics
    FROM subscribers s
    WHERE s.status = 'confirmed'
      AND (s.frequency, s.timezone, s.send_hour) IN (
        SELECT json_extract(value, '$.frequency'), json_extract(value, '$.timezone'), json_extract(value, '$.sendHour')
        FROM json_each(@slots))
      AND s.id NOT IN (
        SELECT d.subscriber_id FROM digests g JOIN deliveries d ON d.digest_id = g.id
        WHERE g.period_kind = @kind AND g.period_key = @key)`);
  // The digests of other periods that showed the papers come first (MATERIALIZED, CROSS JOIN), read
  // by paper from digest_papers in the four ranges of its key around the period planned (a row
  // value's range would be read to the end of the paper's rows). Neither each subscriber's whole
  // history (it grows with every period sent) nor every digest cut off since @after (those this
  // run has made so far, all of the period planned) is read.
  const shownBy = (where: string) =>
    `SELECT dp.digest_id AS id FROM p CROSS JOIN digest_papers dp ON dp.paper_id = p.id WHERE ${where}`;
  const receivedPapers = db.prepare<
    { ids: string; papers: string; after: string; kind: string; key: string },
    { id: string }
  >(`
    WITH p AS MATERIALIZED (SELECT DISTINCT value AS id FROM json_each(@papers)),
    shown AS MATERIALIZED (
      ${shownBy('dp.period_kind < @kind')}
      UNION ${shownBy('dp.period_kind > @kind')}
      UNION ${shownBy('dp.period_kind = @kind AND dp.period_key < @key')}
      UNION ${shownBy('dp.period_kind = @kind AND dp.period_key > @key')})
    SELECT DISTINCT d.subscriber_id AS id
    FROM shown CROSS JOIN digests g ON g.id = shown.id CROSS JOIN deliveries d ON d.digest_id = shown.id
    WHERE g.cutoff_at > @after AND ${RECEIVED} AND d.subscriber_id IN (SELECT value FROM json_each(@ids))`);
  // Subscribers who may have missed an edition: not in the audience of the topic set's edition
  // that ended at @after (found through digests_latest), yet with a history (one index probe a
  // subscriber). The caller keeps those whose latest cutoff is really before @after.
  const missedEdition = db.prepare<{ ids: string; after: string; topicSet: string; kind: string }, { id: string }>(`
    SELECT i.value AS id FROM json_each(@ids) i
    WHERE i.value NOT IN (
        SELECT d.subscriber_id FROM digests g CROSS JOIN deliveries d ON d.digest_id = g.id
        WHERE g.topic_set = @topicSet AND g.period_kind = @kind AND g.cutoff_at = @after AND ${RECEIVED})
      AND EXISTS (SELECT 1 FROM deliveries d WHERE d.subscriber_id = i.value AND d.kind = 'digest' AND ${RECEIVED})`);
  const lastCutoff = db.prepare<[string], { at: string | null }>(`
    SELECT max(g.cutoff_at) AS at FROM deliveries d JOIN digests g ON g.id = d.digest_id
    WHERE d.subscriber_id = ? AND ${RECEIVED}`);

  return {
    async eachUnplannedSubscriber({ slots, period }, visit) {
      return sdb.raw(() => {
        let n = 0;
        for (const row of unplanned.iterate({ slots: JSON.stringify(slots), kind: period.kind, key: period.key })) {
          if (!row.topics) continue;
          visit(toPlanCandidate({ ...row, topics: row.topics }));
          n++;
        }
        return n;
      });
    },
    async receivedAnyOf({ subscriberIds, paperIds, after, period, topicSet }) {
      const found = new Map<string, string>();
      if (subscriberIds.length === 0) return found;
      const ids = JSON.stringify(subscriberIds);
      return sdb.raw(() => {
        const hits =
          paperIds.length === 0
            ? []
            : receivedPapers.all({ ids, papers: JSON.stringify(paperIds), after, kind: period.kind, key: period.key });
        for (const { id } of hits) found.set(id, lastCutoff.get(id)?.at ?? '');
        for (const { id } of missedEdition.all({ ids, after, topicSet, kind: period.kind })) {
          const last = lastCutoff.get(id)?.at ?? '';
          if (!found.has(id) && last < after) found.set(id, last);
        }
        // In the order asked.
        return new Map(subscriberIds.flatMap((id) => (found.has(id) ? [[id, found.get(id)!] as const] : [])));
      });
    },
  };
}
