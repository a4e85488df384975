// Readers' ratings of papers, on both engines.
import type { Rating, RatingValue } from '../../domain/rating.js';
import type { RatingStore } from '../ports.js';
import type { SqlDb } from './db.js';
import { inList, sql } from './statement.js';

interface RatingRow {
  subscriber_id: string;
  topic_slug: string;
  paper_id: string;
  value: number;
  rated_at: string;
}

const toRating = (r: RatingRow): Rating => ({
  subscriberId: r.subscriber_id,
  topicSlug: r.topic_slug,
  paperId: r.paper_id,
  value: r.value as RatingValue,
  ratedAt: r.rated_at,
});

// Written only when the reader and the paper exist, in the one statement: a link to a paper or a
// reader that is gone writes nothing, and no foreign key to papers is needed.
const RATE = sql`
  INSERT INTO ratings (subscriber_id, topic_slug, paper_id, value, rated_at)
  SELECT CAST(:subscriberId AS text), CAST(:topicSlug AS text), CAST(:paperId AS text), CAST(:value AS integer), CAST(:ratedAt AS text)
  WHERE EXISTS (SELECT 1 FROM subscribers WHERE id = :subscriberId) AND EXISTS (SELECT 1 FROM papers WHERE id = :paperId)
  ON CONFLICT (subscriber_id, topic_slug, paper_id) DO UPDATE SET value = excluded.value, rated_at = excluded.rated_at`;
const REMOVE = sql`DELETE FROM ratings WHERE subscriber_id = :subscriberId AND topic_slug = :topicSlug AND paper_id = :paperId`;
const RESET = sql`DELETE FROM ratings WHERE subscriber_id = :subscriberId AND topic_slug = :topicSlug`;
const ORDER = 'ORDER BY subscriber_id, topic_slug, rated_at DESC, paper_id';
const OF_ONE = sql`SELECT * FROM ratings WHERE subscriber_id = :subscriberId ${ORDER}`;
const OF_MANY = sql`SELECT * FROM ratings WHERE ${inList('subscriber_id', 'ids')} ${ORDER}`;
// DISTINCT over the key's first column: both engines read it from the primary key's index.
const RATED = sql`SELECT DISTINCT subscriber_id FROM ratings`;

/** Readers per statement in ratingsOf: a list of ids a few hundred kB long at most. */
const CHUNK = 5_000;

export function ratingStore(db: SqlDb): RatingStore {
  return {
    async rate(r) {
      return (await db.run(RATE, r)) > 0;
    },
    async removeRating(subscriberId, topicSlug, paperId) {
      return (await db.run(REMOVE, { subscriberId, topicSlug, paperId })) > 0;
    },
    resetRatings: (subscriberId, topicSlug) => db.run(RESET, { subscriberId, topicSlug }),
    async listRatings(subscriberId) {
      return (await db.all<RatingRow>(OF_ONE, { subscriberId })).map(toRating);
    },
    async ratingsOf(subscriberIds) {
      const byReader = new Map<string, Rating[]>();
      const ids = [...new Set(subscriberIds)];
      for (let i = 0; i < ids.length; i += CHUNK) {
        for (const row of await db.all<RatingRow>(OF_MANY, { ids: ids.slice(i, i + CHUNK) })) {
          let list = byReader.get(row.subscriber_id);
          if (!list) byReader.set(row.subscriber_id, (list = []));
          list.push(toRating(row));
        }
      }
      return byReader;
    },
    async ratedSubscribers() {
      return new Set((await db.all<{ subscriber_id: string }>(RATED)).map((r) => r.subscriber_id));
    },
  };
}
