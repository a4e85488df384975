// The preferences page's "Your ratings": the reader's ratings grouped by topic, as
// templates/web/partials/ratings-section.hbs shows them (web/preferences-data-routes.ts changes them).
import type { ListedRating } from '../../jobs/subscribers/ratings.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "7 Dec 2026", as the rest of the site writes days. */
const day = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** The preferences page's "Your ratings": one group per topic, newest first within. */
export function ratingsSectionView(ratings: readonly ListedRating[]) {
  const topics = new Map<string, { slug: string; name: string; items: unknown[] }>();
  for (const r of ratings) {
    let topic = topics.get(r.topicSlug);
    if (!topic) topics.set(r.topicSlug, (topic = { slug: r.topicSlug, name: r.topicName, items: [] }));
    const p = r.paper;
    topic.items.push({
      topic: r.topicSlug,
      paper: r.paperId,
      title: p?.title ?? r.paperId,
      url: p?.url ?? (p?.arxivId ? `https://arxiv.org/abs/${p.arxivId}` : ''),
      label: r.value === 1 ? 'More like this' : 'Not for me',
      when: day(r.ratedAt),
    });
  }
  return [...topics.values()].map((t) => ({ ...t, count: plural(t.items.length, 'rating', 'ratings') }));
}
