import { renderOpml } from '../../render/feeds/opml.js';
import type { TopicStore } from '../../store/ports.js';

/**
 * The OPML of every public feed: the site's feed of all new papers, then each public topic's. A
 * personal topic (and so a reader's personal feed) is never in it: listTopics leaves them out.
 */
export async function feedsOpml(deps: {
  store: Pick<TopicStore, 'listTopics'>;
  publicUrl: string;
  clock: () => Date;
}): Promise<string> {
  const base = deps.publicUrl.replace(/\/+$/, '');
  const topics = await deps.store.listTopics();
  return renderOpml({
    title: 'Paperboy: every feed',
    ownerUrl: `${base}/`,
    created: deps.clock(),
    feeds: [
      { title: 'Paperboy: new papers', xmlUrl: `${base}/feed.xml`, htmlUrl: `${base}/` },
      ...topics.map((t) => ({
        title: `Paperboy: ${t.name}`,
        xmlUrl: `${base}/topics/${encodeURIComponent(t.slug)}/feed.xml`,
        htmlUrl: `${base}/topics/${encodeURIComponent(t.slug)}`,
      })),
    ],
  });
}
