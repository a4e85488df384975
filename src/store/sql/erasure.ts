// A reader's right to be forgotten: everything about them goes, one suppression entry stays.
import type { ErasureStore } from '../ports.js';
import type { SqlDb } from './db.js';
import { dialect, sql } from './statement.js';

const EMAIL = sql`SELECT email FROM subscribers WHERE id = :id`;
// An address already suppressed (a bounce, the operator) is kept suppressed, now as erased: the
// bounce history that explained it is deleted below.
const SUPPRESS = sql`
  INSERT INTO suppressions (email, reason, detail, created_at) VALUES (:email, 'erased', 'the reader deleted their data', :at)
  ON CONFLICT (email) DO UPDATE SET reason = excluded.reason, detail = excluded.detail, created_at = excluded.created_at`;
const DELIVERIES = sql`DELETE FROM deliveries WHERE subscriber_id = :id OR email = :email`;
// Editions made for this reader alone carry their id in the edition key (the topic_set column;
// ids are random, so no other key holds one), and so do the editions of their personal topics
// (whose random slugs only their owner's keys hold): what was picked for them is theirs too.
const OWN = dialect('instr(topic_set, :id) > 0', 'strpos(topic_set, :id) > 0');
const PERSONAL_TOPICS = sql`SELECT slug FROM topics WHERE owner_subscriber_id = :id`;
const EDITION_PAPERS = sql`DELETE FROM digest_papers WHERE digest_id IN (SELECT id FROM digests WHERE ${OWN})`;
const EDITIONS = sql`DELETE FROM digests WHERE ${OWN}`;
const BOUNCES = sql`DELETE FROM bounces WHERE email = :email`;
// Cascades to the reader's topics (their personal ones too), ratings, personal feed (and any other table keyed by the subscriber).
const SUBSCRIBER = sql`DELETE FROM subscribers WHERE id = :id`;
// After the subscriber row and with the suppression in place: the consent log's trigger allows
// this deletion only then. Earlier subscriptions of the same address go too.
const CONSENT = sql`DELETE FROM consent_log WHERE subscriber_id = :id OR email = :email`;

export function erasureStore(db: SqlDb): ErasureStore {
  return {
    async eraseSubscriber(id, at) {
      return db.transaction(async (tx) => {
        const row = await tx.get<{ email: string }>(EMAIL, { id });
        if (!row) return false;
        const { email } = row;
        await tx.run(SUPPRESS, { email, at });
        await tx.run(DELIVERIES, { id, email });
        const personal = await tx.all<{ slug: string }>(PERSONAL_TOPICS, { id });
        for (const key of [id, ...personal.map((t) => t.slug)]) {
          await tx.run(EDITION_PAPERS, { id: key });
          await tx.run(EDITIONS, { id: key });
        }
        await tx.run(BOUNCES, { email });
        await tx.run(SUBSCRIBER, { id });
        await tx.run(CONSENT, { id, email });
        return true;
      });
    },
  };
}
