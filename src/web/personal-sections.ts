// The "Your topics" and "Your feed" sections of the preferences page: what they show, read from the store.
import type { App } from '../app.js';
import type { Subscriber } from '../domain/subscriber.js';
import { formatBytes } from '../ingest/fetch.js';
import type { LibraryReport } from '../jobs/subscribers/library-papers.js';
import { FEED_FORMATS, type FeedFormat } from '../render/feeds/feed-data.js';

/** What a personal-topic or feed form just did, for the page that answers it. */
export interface PersonalSectionState {
  topics?: { error?: string; report?: LibraryReport & { name: string } };
  feed?: { replaced: boolean; hadOne: boolean };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export async function personalSections(
  app: App,
  page: { subscriber: Subscriber; token: string; csrf: string },
  extra: { personal?: PersonalSectionState },
) {
  const { subscriber, token, csrf } = page;
  const limits = app.config.personal;
  const state = extra.personal ?? {};
  const views = await app.personalTopics.list(subscriber);
  const papers = await app.store.getPapers([...new Set(views.flatMap((v) => v.seeds))]);
  const titles = new Map(papers.map((p) => [p.id, p.title]));
  const feedBase = await app.personalFeeds.feedBaseOf(subscriber.id);
  const report = state.topics?.report;
  return {
    yourTopics:
      limits.maxTopics === 0 && views.length === 0
        ? undefined
        : {
            token,
            csrf,
            error: state.topics?.error,
            report: report && { ...report, entries: report.read === 1 ? 'entry' : 'entries' },
            topics: views.map((v) => ({
              slug: v.topic.slug,
              name: v.topic.name,
              words: v.words,
              seedCount: plural(v.seeds.length, 'paper', 'papers'),
              seeds: v.seeds.map((id) => ({ id, title: titles.get(id) ?? id })),
            })),
            canAdd: views.length < limits.maxTopics,
            maxTopics: limits.maxTopics,
            maxUpload: formatBytes(limits.maxUploadBytes),
            maxPapers: limits.maxEntries,
          },
    yourFeed: {
      token,
      csrf,
      replaced: state.feed?.replaced ?? false,
      hadOne: state.feed?.hadOne ?? false,
      urls:
        feedBase &&
        (Object.entries(FEED_FORMATS) as [FeedFormat, (typeof FEED_FORMATS)[FeedFormat]][]).map(([, f]) => ({
          label: f.label,
          href: `${feedBase}.${f.extension}`,
        })),
    },
  };
}
