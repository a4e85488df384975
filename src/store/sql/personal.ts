// What a reader's personal topics and feed read and write beside the topics (see topics.ts), on both engines.
import type { PersonalReads } from '../ports.js';
import { type DigestRow, type PaperRow, toDigest, toPaper } from '../rows.js';
import type { SqlDb } from './db.js';
import { PAPER_COLUMNS } from './papers.js';
import { inList, sql } from './statement.js';

// A scan of the titles: run for an uploaded library's entries without an arXiv id, which is rare.
const TITLED = sql`SELECT ${PAPER_COLUMNS} FROM papers WHERE ${inList('lower(title)', 'titles')}`;
const FEED_NONCE = sql`SELECT nonce FROM personal_feeds WHERE subscriber_id = :subscriberId`;
const SET_FEED = sql`
  INSERT INTO personal_feeds (subscriber_id, secret_hash, nonce, created_at) VALUES (:subscriberId, :hash, :nonce, :at)
  ON CONFLICT (subscriber_id) DO UPDATE SET secret_hash = excluded.secret_hash, nonce = excluded.nonce, created_at = excluded.created_at`;
const FEED_OWNER = sql`SELECT subscriber_id FROM personal_feeds WHERE secret_hash = :hash`;
// Sent is what the relay accepted: a digest still pending or failed is not in the feed.
const SENT_DIGESTS = sql`
  SELECT g.*, d.sent_at AS delivery_sent_at FROM deliveries d JOIN digests g ON g.id = d.digest_id
  WHERE d.subscriber_id = :subscriberId AND d.status = 'sent'
  ORDER BY d.sent_at DESC, g.id LIMIT :limit`;

export function personalStore(db: SqlDb): PersonalReads {
  return {
    async papersTitled(titles) {
      if (titles.length === 0) return [];
      return (await db.all<PaperRow>(TITLED, { titles })).map(toPaper);
    },
    async personalFeedNonce(subscriberId) {
      return (await db.get<{ nonce: string }>(FEED_NONCE, { subscriberId }))?.nonce;
    },
    async setPersonalFeed(subscriberId, hash, nonce, at) {
      await db.run(SET_FEED, { subscriberId, hash, nonce, at });
    },
    async personalFeedOwner(hash) {
      return (await db.get<{ subscriber_id: string }>(FEED_OWNER, { hash }))?.subscriber_id;
    },
    async sentDigestsOf(subscriberId, limit) {
      const rows = await db.all<DigestRow & { delivery_sent_at: string }>(SENT_DIGESTS, { subscriberId, limit });
      return rows.map((r) => ({ digest: toDigest(r), sentAt: r.delivery_sent_at }));
    },
  };
}
