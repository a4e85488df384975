// The reader's own data on the preferences page: their ratings (remove one, reset a topic) and
// "Delete my data". Every change is a POST with the preferences form's CSRF token; the ratings'
// forms answer with a redirect back to the list (the page shows what is left).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { App } from '../app.js';
import { NotFoundError } from '../domain/errors.js';
import type { Subscriber } from '../domain/subscriber.js';
import { signToken } from '../domain/tokens.js';
import { topicNames } from '../domain/topic.js';
import type { PageRenderer } from '../render/web/pages.js';
import { formField, readForm } from './form-body.js';
import { validCsrf } from './subscription-routes.js';

type TokenParams = { Params: { token: string } };

const RATING_FORM = { csrf: formField.one, topic: formField.one, paper: formField.one };
const DELETE_FORM = { csrf: formField.one, confirm: formField.one };

/** Per client, as the rating page's buttons. */
const DATA_POST_LIMIT = { max: 60, timeWindow: 60_000 };

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function registerPreferencesDataRoutes(server: FastifyInstance, app: App, pages: PageRenderer): void {
  const html = (reply: FastifyReply, status: number, page: 'delete-data' | 'message', data: Record<string, unknown>) =>
    reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(pages.render(page, { title: `${data.heading ?? 'Delete my data'} · Paperboy`, ...data }));

  const expired = (reply: FastifyReply, token: string) =>
    html(reply, 403, 'message', {
      heading: 'Form expired',
      message: 'This form is too old or did not come from this site. Open your preferences again.',
      link: { href: `/preferences/${token}`, text: 'Your preferences' },
    });

  /** The reader a preferences link stands for, if the form came from their page (CSRF). */
  async function reader(token: string, csrf: string | undefined): Promise<Subscriber | 'expired'> {
    const s = await app.subscriptions.subscriberForLink('preferences', token);
    if (!s || s.status === 'suppressed')
      throw new NotFoundError('This link is not valid. It may have expired or been used already.');
    return validCsrf(app.secret, s.id, csrf ?? '', app.clock()) ? s : 'expired';
  }

  const backToRatings = (reply: FastifyReply, token: string) =>
    reply.code(303).header('location', `/preferences/${token}#ratings`).send();

  server.post<TokenParams>(
    '/preferences/:token/ratings/remove',
    { config: { rateLimit: DATA_POST_LIMIT } },
    async (request, reply) => {
      const body = readForm(RATING_FORM, request.body);
      const s = await reader(request.params.token, body.csrf);
      if (s === 'expired') return expired(reply, request.params.token);
      await app.ratings.remove(s.id, body.topic ?? '', body.paper ?? '');
      return backToRatings(reply, request.params.token);
    },
  );

  server.post<TokenParams>(
    '/preferences/:token/ratings/reset',
    { config: { rateLimit: DATA_POST_LIMIT } },
    async (request, reply) => {
      const body = readForm(RATING_FORM, request.body);
      const s = await reader(request.params.token, body.csrf);
      if (s === 'expired') return expired(reply, request.params.token);
      await app.ratings.reset(s.id, body.topic ?? '');
      return backToRatings(reply, request.params.token);
    },
  );

  // Two steps: the first POST (the preferences page's button) asks; only the second, with
  // confirm=yes, deletes.
  server.post<TokenParams>(
    '/preferences/:token/delete',
    { config: { rateLimit: DATA_POST_LIMIT } },
    async (request, reply) => {
      const { token } = request.params;
      const body = readForm(DELETE_FORM, request.body);
      const s = await reader(token, body.csrf);
      if (s === 'expired') return expired(reply, token);
      if (body.confirm !== 'yes') {
        const ratings = await app.ratings.list(s.id);
        // The reader's own topics are in no public list: named from theirs, apart from the shared ones.
        const own = await app.store.listPersonalTopics(s.id);
        const ownSlugs = new Set(own.map((t) => t.slug));
        return html(reply, 200, 'delete-data', {
          token,
          csrf: signToken(app.secret, 'csrf', `${s.id}.${app.clock().getTime()}`),
          email: s.email,
          topicNames: topicNames(
            await app.store.listTopics(),
            s.topics.filter((slug) => !ownSlugs.has(slug)),
          ),
          ownTopics: own.length > 0 && {
            names: topicNames(
              own,
              own.map((t) => t.slug),
            ),
            words: own.length === 1 ? 'your own topic' : 'your own topics',
            its: own.length === 1 ? 'its' : 'their',
          },
          ratingCount: plural(ratings.length, 'rating', 'ratings'),
        });
      }
      await app.store.eraseSubscriber(s.id, app.clock().toISOString());
      app.logger.info('subscriber erased at their request', { subscriber: s.id });
      return html(reply, 200, 'message', {
        heading: 'Your data is deleted',
        message:
          'Paperboy no longer holds your subscription, ratings or consent history. It keeps only a note that this address must never be mailed again.',
      });
    },
  );
}
