import type { Digest } from '../../domain/digest.js';
import { NotFoundError } from '../../domain/errors.js';
import type { ScoredPaper } from '../../domain/matching.js';
import { paperLink, readableAbstract, type Paper } from '../../domain/paper.js';
import { createRanker, type Ranker } from '../../domain/ranking/ranker.js';
import type { Topic } from '../../domain/topic.js';
import type { FeedData, FeedItem } from '../../render/feeds/feed-data.js';
import type { DigestStore, FullTextStore, PaperStore, TopicStore } from '../../store/ports.js';
import { seedsBeyond, topicQuery } from '../select/topics.js';

export interface FeedDeps {
  store: Pick<PaperStore, 'getPapers' | 'listPapers'> &
    Pick<TopicStore, 'getTopic' | 'listAllTopics'> &
    Pick<DigestStore, 'listDigests'> &
    FullTextStore;
  clock: () => Date;
  config: { publicUrl: string; digest?: { popularity?: number } };
}

/** Items per feed: feed readers poll often, a long history only costs bandwidth. */
const FEED_ITEMS = 50;
/** How far back a topic feed looks for matches among the newest papers. */
const TOPIC_WINDOW = 2000;
/** Weekly editions listed on a topic's page and in its feed. */
const WEEKLY_ITEMS = 10;
/** Titles named in a weekly edition's feed item. */
const WEEKLY_TITLES = 10;

function toItem(paper: Paper): FeedItem {
  return {
    id: paper.id,
    title: paper.title,
    url: paperLink(paper),
    summary: readableAbstract(paper.abstract),
    authors: paper.authors,
    date: new Date(paper.firstSeenAt),
  };
}

/** What a topic's page and feeds show: its matching papers (newest first, each with why) and its weekly editions. */
export interface TopicView {
  topic: Topic;
  papers: ScoredPaper[];
  weekly: Digest[];
}

/** Builds the data of the site feed and of each topic's feed, newest first. */
export function createFeedJobs({ store, clock, config }: FeedDeps) {
  const base = config.publicUrl;
  // Building the index costs a few hundred ms for 2,000 papers: reuse it until the papers change.
  let cached: { key: string; ranker: Ranker; recent: ReadonlySet<string> } | undefined;
  /** A ranker over the recent papers, which topic pages list, and over the topics' like: seeds, however old. */
  async function rankerForRecent(): Promise<{ ranker: Ranker; recent: ReadonlySet<string> }> {
    const recent = await store.listPapers({ limit: TOPIC_WINDOW });
    let newest = '';
    for (const p of recent) if (p.updatedAt > newest) newest = p.updatedAt;
    const ids = new Set(recent.map((p) => p.id));
    const seeds = await seedsBeyond(store, ids);
    const key = `${recent.length}|${recent[0]?.id ?? ''}|${newest}|${seeds.join(' ')}`;
    // Not closed when replaced: a request may still be ranking with it; its memory goes with it.
    if (cached?.key !== key) {
      const corpus = seeds.length === 0 ? recent : [...recent, ...(await store.getPapers(seeds))];
      cached = { key, ranker: createRanker(corpus, store.lexicalIndex), recent: ids };
    }
    return cached;
  }

  /** A weekly edition as one feed item: its subject, its web copy, the titles it holds. */
  async function weeklyItem(digest: Digest): Promise<FeedItem> {
    const papers = await store.getPapers(digest.paperIds.slice(0, WEEKLY_TITLES));
    const byId = new Map(papers.map((p) => [p.id, p]));
    const titles = digest.paperIds.flatMap((id, i) => (byId.has(id) ? [`${i + 1}. ${byId.get(id)?.title}`] : []));
    const rest = digest.paperIds.length - titles.length;
    return {
      id: `digest:${digest.id}`,
      title: digest.subject,
      url: `${base}/digests/${encodeURIComponent(digest.id)}`,
      summary: [`The week's top papers:`, ...titles, ...(rest > 0 ? [`and ${rest} more.`] : [])].join('\n'),
      authors: [],
      date: new Date(digest.createdAt),
    };
  }

  async function topicView(slug: string): Promise<TopicView> {
    const topic = await store.getTopic(slug);
    if (!topic) throw new NotFoundError(`no topic "${slug}"`);
    const { ranker, recent } = await rankerForRecent();
    const papers = ranker
      .rank(topicQuery(topic), { candidates: recent, popularity: config.digest?.popularity ?? 0 })
      .sort((a, b) => b.paper.firstSeenAt.localeCompare(a.paper.firstSeenAt) || b.score - a.score)
      .slice(0, FEED_ITEMS);
    const digests = await store.listDigests({ topicSet: topic.slug, limit: WEEKLY_ITEMS * 8 });
    return { topic, papers, weekly: digests.filter((d) => d.period.kind === 'week').slice(0, WEEKLY_ITEMS) };
  }

  return {
    topicView,

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
      const { topic, papers, weekly } = await topicView(topicSlug);
      const items = [...papers.map((s) => toItem(s.paper)), ...(await Promise.all(weekly.map(weeklyItem)))]
        .sort((a, b) => b.date.getTime() - a.date.getTime() || a.id.localeCompare(b.id))
        .slice(0, FEED_ITEMS);
      return {
        title: `Paperboy: ${topic.name}`,
        description: `New papers on ${topic.name} (${topic.query}), and each week's top papers.`,
        siteUrl: `${base}/topics/${topic.slug}`,
        feedBase: `${base}/topics/${topic.slug}/feed`,
        updated: items[0] ? items[0].date : clock(),
        items,
      };
    },
  };
}
