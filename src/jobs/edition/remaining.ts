import { readerOf, type Digest } from '../../domain/digest.js';
import type { ScoredPaper } from '../../domain/matching.js';
import { topicSlugsOf, type Topic } from '../../domain/topic.js';
import type { DigestStore, PaperStore, RatingStore, TopicStore } from '../../store/ports.js';
import { remainingByTopic, topicRanking } from '../select/pick.js';
import { ratingsUnder } from './reader-editions.js';
import type { WindowRanking } from './window-ranking.js';

/** The papers of an edition's window that matched its topics but are not in it, per topic, best first. */
export interface RemainingPapers {
  digest: Digest;
  topics: { topic: Topic; papers: ScoredPaper[] }[];
}

export interface RemainingDeps {
  store: Pick<PaperStore, 'papersFirstSeenBetween' | 'getPapers'> &
    Pick<TopicStore, 'getTopic'> &
    Pick<DigestStore, 'getDigest'> &
    Pick<RatingStore, 'ratingsOf'>;
  ranking: WindowRanking;
  maxPapers: number;
}

/** Editions whose remaining papers are kept: each costs a ranking of its window to compute. */
const REMAINING_CACHED = 16;

/**
 * What the "more papers on the web" line of an edition stands for: its window's papers that
 * matched its topics and that it does not show (neither in a slot nor under one as a
 * near-duplicate), ranked again for each topic. Undefined for an unknown edition.
 */
export function createRemainingPapers({ store, ranking, maxPapers }: RemainingDeps) {
  // A frozen edition's window never changes: its remaining papers are computed once per topic queries.
  const cache = new Map<string, RemainingPapers>();
  return async function remaining(digestId: string): Promise<RemainingPapers | undefined> {
    const digest = await store.getDigest(digestId);
    if (!digest) return undefined;
    const topics: Topic[] = [];
    for (const slug of topicSlugsOf(digest.editionKey)) {
      const topic = await store.getTopic(slug, 'any');
      if (topic) topics.push(topic);
    }
    // One reader's own edition is ranked again with their ratings as they are now (a paper they
    // rejected since is not listed either).
    const reader = readerOf(digest.editionKey);
    const rated = reader
      ? (
          await ratingsUnder(
            store,
            [reader],
            topics.map((t) => t.slug),
          )
        ).get(reader)
      : undefined;
    const ratedKey = [...(rated ?? [])].flatMap(([slug, list]) => list.map((r) => `${slug} ${r.paper.id} ${r.value}`));
    const key = JSON.stringify([digestId, ...topics.map((t) => t.query), ...ratedKey]);
    const cached = cache.get(key);
    if (cached) return cached;
    const candidates = await store.papersFirstSeenBetween(digest.windowStart, digest.cutoffAt);
    const background = candidates.length > 0 ? await ranking.background() : [];
    const rank = topicRanking(candidates, ranking.options(background, maxPapers));
    const lists = topics.map((t) => {
      const own = rated?.get(t.slug);
      return own ? rank.forReader(t, own) : rank(t);
    });
    const rest = remainingByTopic(lists, new Set(digest.paperIds));
    const result: RemainingPapers = { digest, topics: topics.map((topic, k) => ({ topic, papers: rest[k]! })) };
    cache.set(key, result);
    if (cache.size > REMAINING_CACHED) cache.delete(cache.keys().next().value!);
    return result;
  };
}
