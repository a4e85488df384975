// Readers rate the papers of their digests from the email: a signed per-reader link opens a page
// (nothing written), its buttons record, replace or take back the rating.
import type { Paper } from '../../domain/paper.js';
import type { Rating, RatingValue } from '../../domain/rating.js';
import type { Subscriber } from '../../domain/subscriber.js';
import { verifyToken } from '../../domain/tokens.js';
import type { Topic } from '../../domain/topic.js';
import type { Logger } from '../../log.js';
import type { PaperStore, RatingStore, SubscriberStore, TopicStore } from '../../store/ports.js';

/** What a button asks for: "more like this", "not for me", or no rating (undo). */
export type RatingChoice = 'more' | 'less' | 'none';

export function parseChoice(raw: string | undefined): RatingChoice | undefined {
  return raw === 'more' || raw === 'less' || raw === 'none' ? raw : undefined;
}

export const choiceOf = (rating: Pick<Rating, 'value'> | undefined): RatingChoice =>
  rating === undefined ? 'none' : rating.value === 1 ? 'more' : 'less';

const VALUES: Record<Exclude<RatingChoice, 'none'>, RatingValue> = { more: 1, less: -1 };

/** A paper a reader may rate under one of their topics, with their rating of it so far. */
export interface RatingTarget {
  subscriber: Subscriber;
  topic: Topic;
  paper: Paper;
  current: Rating | undefined;
}

/**
 * Why a link cannot rate: `invalid` (tampered, or a reader whose data is gone), `inactive`
 * (unsubscribed: there is no digest to teach), `paper` (no such paper stored), `topic` (no such
 * topic, or no longer one of the reader's).
 */
export type RatingRefusal = {
  refused: 'invalid' | 'inactive' | 'paper' | 'topic';
  subscriber?: Subscriber;
  paper?: Paper;
};

export interface RatingDeps {
  store: Pick<SubscriberStore, 'getSubscriber'> &
    Pick<PaperStore, 'getPapers'> &
    Pick<TopicStore, 'getTopic' | 'listTopics'> &
    RatingStore;
  secret: string;
  clock: () => Date;
  logger: Logger;
}

/** One of a reader's ratings as their preferences page lists it. */
export interface ListedRating extends Rating {
  paper: Paper | undefined;
  topicName: string;
}

export function createRatingJobs({ store, secret, clock, logger }: RatingDeps) {
  return {
    /** The paper and reader a rating link stands for; reads only. */
    async target(token: string, topicSlug: string, paperId: string): Promise<RatingTarget | RatingRefusal> {
      const id = verifyToken(secret, 'rate', token);
      const subscriber = id ? await store.getSubscriber(id) : undefined;
      if (!subscriber || subscriber.status === 'suppressed') return { refused: 'invalid' };
      const [paper] = paperId ? await store.getPapers([paperId]) : [];
      if (subscriber.status !== 'confirmed' && subscriber.status !== 'pending')
        return { refused: 'inactive', subscriber, ...(paper && { paper }) };
      if (!paper) return { refused: 'paper', subscriber };
      const topic = topicSlug ? await store.getTopic(topicSlug) : undefined;
      if (!topic || !subscriber.topics.includes(topic.slug)) return { refused: 'topic', subscriber, paper };
      const current = (await store.listRatings(subscriber.id)).find(
        (r) => r.topicSlug === topic.slug && r.paperId === paper.id,
      );
      return { subscriber, topic, paper, current };
    },

    /** Records the choice (or takes the rating back); false when the reader or paper went meanwhile. */
    async choose(target: RatingTarget, choice: RatingChoice): Promise<boolean> {
      const { subscriber, topic, paper } = target;
      if (choice === 'none') {
        await store.removeRating(subscriber.id, topic.slug, paper.id);
        return true;
      }
      const done = await store.rate({
        subscriberId: subscriber.id,
        topicSlug: topic.slug,
        paperId: paper.id,
        value: VALUES[choice],
        ratedAt: clock().toISOString(),
      });
      if (done) logger.info('paper rated', { subscriber: subscriber.id, topic: topic.slug, paper: paper.id, choice });
      return done;
    },

    /** A reader's ratings with their papers and topic names, for the preferences page and the export. */
    async list(subscriberId: string): Promise<ListedRating[]> {
      const ratings = await store.listRatings(subscriberId);
      if (ratings.length === 0) return [];
      const papers = new Map(
        (await store.getPapers([...new Set(ratings.map((r) => r.paperId))])).map((p) => [p.id, p]),
      );
      const names = new Map((await store.listTopics()).map((t) => [t.slug, t.name]));
      return ratings.map((r) => ({
        ...r,
        paper: papers.get(r.paperId),
        topicName: names.get(r.topicSlug) ?? r.topicSlug,
      }));
    },

    remove: (subscriberId: string, topicSlug: string, paperId: string) =>
      store.removeRating(subscriberId, topicSlug, paperId),
    reset: (subscriberId: string, topicSlug: string) => store.resetRatings(subscriberId, topicSlug),
  };
}
