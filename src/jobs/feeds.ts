import { rankPapers } from '../domain/matching.js';
import { paperLink, type Paper } from '../domain/paper.js';
import { parseQuery } from '../domain/query.js';
import { NotFoundError } from '../domain/errors.js';
import type { FeedData, FeedItem } from '../render/feeds/feed-data.js';
import type { PaperStore, TopicStore } from '../store/ports.js';

export interface FeedDeps {
  store: PaperStore & TopicStore;
  clock: () => Date;
  config: { publicUrl: string };
}

/** Items per feed: feed readers poll often, a long history only costs bandwidth. */
const FEED_ITEMS = 50;
/** How far back a topic feed looks for matches among the newest papers. */
const TOPIC_WINDOW = 2000;

function toItem(paper: Paper): FeedItem {
  return {
    id: paper.id,
    title: paper.title,
    url: paperLink(paper),
    summary: paper.abstract,
    authors: paper.authors,
    date: new Date(paper.firstSeenAt),
  };
}

/** Builds the data of the site feed and of each topic's feed, newest paper first. */
export function createFeedJobs({ store, clock, config }: FeedDeps) {
  const base = config.publicUrl;
  return {
    async feedData(topicSlug?: string): Promise<FeedData> {
      if (!topicSlug) {
        const papers = await store.listPapers({ limit: FEED_ITEMS });
        return {
          title: 'Paperboy: new papers',
          description: 'Every new paper Paperboy has seen, newest first.',
          siteUrl: `${base}/`,
          feedBase: `${base}/feed`,
          updated: papers[0] ? new Date(papers[0].firstSeenAt) : clock(),
          items: papers.map(toItem),
        };
      }
      const topic = await store.getTopic(topicSlug);
      if (!topic) throw new NotFoundError(`no topic "${topicSlug}"`);
      const recent = await store.listPapers({ limit: TOPIC_WINDOW });
      const matching = rankPapers(parseQuery(topic.query), recent)
        .map((s) => s.paper)
        .sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt))
        .slice(0, FEED_ITEMS);
      return {
        title: `Paperboy: ${topic.name}`,
        description: `New papers on ${topic.name} (${topic.query}).`,
        siteUrl: `${base}/topics/${topic.slug}`,
        feedBase: `${base}/topics/${topic.slug}/feed`,
        updated: matching[0] ? new Date(matching[0].firstSeenAt) : clock(),
        items: matching.map(toItem),
      };
    },
  };
}

export type FeedJobs = ReturnType<typeof createFeedJobs>;
