// A reader's personal feed: the papers of the digests sent to them, at a secret URL they can replace.
import { createHmac, randomBytes } from 'node:crypto';
import { NotFoundError } from '../../domain/errors.js';
import { paperLink, readableAbstract } from '../../domain/paper.js';
import { hashConfirmationToken } from '../../domain/tokens.js';
import type { FeedData, FeedItem } from '../../render/feeds/feed-data.js';
import type { PaperStore, PersonalStore } from '../../store/ports.js';

/** The newest sent digests a personal feed reads, and the papers it shows at most. */
const FEED_DIGESTS = 30;
const FEED_ITEMS = 100;

export interface PersonalFeedDeps {
  store: Pick<PaperStore, 'getPapers'> &
    Pick<PersonalStore, 'personalFeedNonce' | 'setPersonalFeed' | 'personalFeedOwner' | 'sentDigestsOf'>;
  clock: () => Date;
  secret: string;
  config: { publicUrl: string };
}

const SECRET_SHAPE = /^[\w-]{43}$/;

export function createPersonalFeedJobs({ store, clock, secret, config }: PersonalFeedDeps) {
  const base = config.publicUrl;
  // Derived, not stored: the store keeps only its hash, and the page can show it again. A new nonce replaces it.
  const secretOf = (subscriberId: string, nonce: string) =>
    createHmac('sha256', secret).update(`personal-feed\n${subscriberId}\n${nonce}`).digest('base64url');
  const feedBase = (token: string) => `${base}/me/${token}/feed`;

  return {
    /** The subscriber's feed address without extension, when they have made one. */
    async feedBaseOf(subscriberId: string): Promise<string | undefined> {
      const nonce = await store.personalFeedNonce(subscriberId);
      return nonce === undefined ? undefined : feedBase(secretOf(subscriberId, nonce));
    },

    /** Makes the subscriber's feed address, or replaces it: the old one stops working at once. */
    async replace(subscriberId: string): Promise<string> {
      const nonce = randomBytes(16).toString('base64url');
      const token = secretOf(subscriberId, nonce);
      await store.setPersonalFeed(subscriberId, hashConfirmationToken(token), nonce, clock().toISOString());
      return feedBase(token);
    },

    /** The feed behind a secret: the papers of the newest digests sent to its owner, newest first. */
    async feedData(token: string): Promise<FeedData> {
      const owner = SECRET_SHAPE.test(token) ? await store.personalFeedOwner(hashConfirmationToken(token)) : undefined;
      if (!owner) throw new NotFoundError('There is no feed at this address. It may have been replaced.');
      const sent = await store.sentDigestsOf(owner, FEED_DIGESTS);
      const when = new Map<string, string>();
      for (const { digest, sentAt } of sent) {
        for (const id of digest.paperIds) if (!when.has(id) && when.size < FEED_ITEMS) when.set(id, sentAt);
      }
      const papers = await store.getPapers([...when.keys()]);
      const items: FeedItem[] = papers.map((p) => ({
        id: p.id,
        title: p.title,
        url: paperLink(p),
        summary: readableAbstract(p.abstract),
        authors: p.authors,
        date: new Date(when.get(p.id) as string),
      }));
      return {
        title: 'Paperboy: your digests',
        description:
          'The papers of the digests Paperboy sent you, newest first. This address is private: do not share it.',
        siteUrl: `${base}/`,
        feedBase: feedBase(token),
        updated: items[0]?.date ?? clock(),
        items,
      };
    },
  };
}
