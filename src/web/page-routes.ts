import type { FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { NotFoundError } from '../domain/errors.js';
import { explain, scoreLabel, type ScoredPaper } from '../domain/matching.js';
import { readableAbstract } from '../domain/paper.js';
import { paperFacts, paperLinkViews } from '../render/paper-facts.js';
import { trimText } from '../domain/text.js';
import { publicCopy, webContent } from '../render/email/digest-email.js';
import { topicNames, topicSlugsOf } from '../domain/topic.js';
import { FEED_FORMATS } from '../render/feeds/feed-data.js';
import type { PageRenderer } from '../render/web/pages.js';
import { subscriptionFormView } from '../render/web/subscription-form.js';

/** `<link rel="alternate">` for a feed in each of its formats, so feed readers find them all. */
const feedLinks = (title: string, base: string) =>
  Object.values(FEED_FORMATS).map((f) => ({
    type: f.contentType,
    title: `${title} (${f.label})`,
    href: `${base}.${f.extension}`,
  }));

/** Per client: a reader follows a few of these links, never dozens a minute. */
const MORE_PAGE_LIMIT = { max: 30, timeWindow: 60_000 };

/** A paper as the topic page and an edition's "more" page list it. */
const paperView = (s: ScoredPaper) => ({
  title: s.paper.title,
  ...paperLinkViews(s.paper),
  facts: paperFacts(s.paper),
  authors: s.paper.authors.join(', '),
  abstract: trimText(readableAbstract(s.paper.abstract), 600),
  why: explain(s),
  score: scoreLabel(s.score),
});

/** "1 paper", "103 papers". */
const countOf = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "1 more paper", "17 more papers", or "nothing more" (not "0 more papers"). */
function moreCount(n: number, what: 'papers' | '' = ''): string {
  if (n === 0) return 'nothing more';
  const noun = what === '' ? '' : n === 1 ? ' paper' : ' papers';
  return `${n} more${noun}`;
}

/** The home page; after a failed sign-up it shows the error and what was typed. */
export async function renderHome(
  app: App,
  pages: PageRenderer,
  failed?: {
    error: string;
    form: { email: string; topics: string[]; frequency?: string; timezone?: string; hour?: string };
  },
): Promise<string> {
  const topics = await app.store.listTopics();
  const withDigests = await Promise.all(
    topics.map(async (t) => {
      const [latest] = await app.store.listDigests({ topicSet: t.slug, limit: 1 });
      return { ...t, latestDigest: latest && { id: latest.id, period: latest.period.key } };
    }),
  );
  const typed = failed?.form;
  const hour = typed?.hour !== undefined && /^\d{1,2}$/.test(typed.hour) ? Number(typed.hour) : undefined;
  return pages.render('home', {
    title: 'Paperboy',
    feeds: feedLinks('Paperboy: new papers', `${app.config.publicUrl}/feed`),
    topics: withDigests,
    counts: `${countOf(await app.store.countPapers(), 'paper', 'papers')} · ${countOf(topics.length, 'topic', 'topics')}`,
    error: failed?.error,
    form: subscriptionFormView(topics, {
      email: typed?.email,
      topics: typed?.topics,
      frequency: typed?.frequency === 'weekly' ? 'weekly' : 'daily',
      timezone: typed?.timezone,
      sendHour: hour,
    }),
  });
}

export function registerPageRoutes(server: FastifyInstance, app: App, pages: PageRenderer): void {
  const base = app.config.publicUrl;

  server.get('/', async (_request, reply) => {
    return reply.type('text/html; charset=utf-8').send(await renderHome(app, pages));
  });

  server.get<{ Params: { slug: string } }>('/topics/:slug', async (request, reply) => {
    const topic = await app.store.getTopic(request.params.slug);
    if (!topic) throw new NotFoundError('There is no such topic.');
    const view = await app.feeds.topicView(topic.slug);
    const digests = await app.store.listDigests({ topicSet: topic.slug, limit: 10 });
    const papers = view.papers.map(paperView);
    const html = pages.render('topic', {
      title: `${topic.name} · Paperboy`,
      feeds: feedLinks(`Paperboy: ${topic.name}`, `${base}/topics/${topic.slug}/feed`),
      topic,
      // The subscribe form with this topic ticked: the reader may add others.
      subscribeHeading: `Get ${topic.name} by email`,
      form: subscriptionFormView(await app.store.listTopics(), { topics: [topic.slug] }),
      weekly: view.weekly.map((d) => ({ id: d.id, subject: d.subject, count: d.paperIds.length })),
      digests: digests.filter((d) => d.period.kind === 'day').map((d) => ({ id: d.id, subject: d.subject })),
      papers,
    });
    return reply.type('text/html; charset=utf-8').send(html);
  });

  // The web copy of a digest ("view in browser"): the frozen edition's content as a page of the
  // site, with a form to subscribe to its topics in place of anyone's personal links.
  server.get<{ Params: { id: string } }>('/digests/:id', async (request, reply) => {
    const digest = await app.store.getDigest(request.params.id);
    if (!digest) throw new NotFoundError('There is no such digest.');
    const content = webContent(digest.html, `${base}/rate/web`);
    // An edition frozen before its content was marked is shown as it was: the email, made public.
    if (content === undefined)
      return reply.type('text/html; charset=utf-8').send(publicCopy(digest, `${base}/#subscribe`));
    const all = await app.store.listTopics();
    const slugs = topicSlugsOf(digest.editionKey);
    const topics = all.filter((t) => slugs.includes(t.slug));
    const single = topics.length === 1 ? topics[0] : undefined;
    const html = pages.render('digest', {
      title: digest.subject,
      feeds: single ? feedLinks(`Paperboy: ${single.name}`, `${base}/topics/${single.slug}/feed`) : [],
      content,
      topics: topics.map((t) => ({ slug: t.slug, name: t.name })),
      feedUrl: single ? `/topics/${single.slug}/feed.xml` : '/feed.xml',
      subscribeHeading: `Get ${topicNames(all, slugs)} by email`,
      form: subscriptionFormView(all, { topics: slugs }),
    });
    return reply.type('text/html; charset=utf-8').send(html);
  });

  // Where a digest's "more papers on the web" line leads: what matched the edition but did not fit.
  // An edition not in the cache is ranked again (up to a second or two for a busy week), so one
  // client may not make the server rank edition after edition.
  server.get<{ Params: { id: string } }>(
    '/digests/:id/more',
    { config: { rateLimit: MORE_PAGE_LIMIT } },
    async (request, reply) => {
      const remaining = await app.digests.remaining(request.params.id);
      if (!remaining) throw new NotFoundError('There is no such digest.');
      const { digest, topics } = remaining;
      const count = topics.reduce((n, t) => n + t.papers.length, 0);
      const html = pages.render('more', {
        title: `More papers · ${digest.subject}`,
        topicNames: topics.map((t) => t.topic.name).join(', '),
        count: moreCount(count, 'papers'),
        digestId: digest.id,
        subject: digest.subject,
        named: topics.length > 1,
        // Each topic's count is the one its section in the email gives as not shown.
        topics: topics.map((t) => ({
          slug: t.topic.slug,
          name: t.topic.name,
          count: moreCount(t.papers.length),
          papers: t.papers.map(paperView),
        })),
      });
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );
}
