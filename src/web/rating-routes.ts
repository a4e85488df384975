// The rating page that each paper's "More like this" / "Not for me" link in a digest opens. GET
// only shows (link scanners open every link of an email); the page's buttons POST, with the
// preferences form's CSRF token, and the answer offers Undo.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import type { Paper } from '../domain/paper.js';
import { signToken } from '../domain/tokens.js';
import { choiceOf, parseChoice, type RatingChoice, type RatingTarget } from '../jobs/subscribers/ratings.js';
import type { PageRenderer } from '../render/web/pages.js';
import { formField, readForm } from './form-body.js';
import { validCsrf } from './subscription-routes.js';

type RateRequest = { Params: { token: string } };
/** A paper's link: `/rate/<token>/<topic>/<paper id>/<more|less>` (see the digest templates). */
type RateLink = { Params: { token: string; topic: string; paper: string; choice: string } };

const RATE_FORM = { csrf: formField.one, topic: formField.one, paper: formField.one, value: formField.one };

/** Per client: a reader rating a whole digest makes a few dozen of these, never hundreds a minute. */
const RATE_POST_LIMIT = { max: 60, timeWindow: 60_000 };

const LABELS: Record<RatingChoice, string> = { more: 'More like this', less: 'Not for me', none: 'Remove my rating' };

const paperView = (p: Paper) => ({
  title: p.title,
  url: p.url ?? (p.arxivId ? `https://arxiv.org/abs/${p.arxivId}` : ''),
  authors: p.authors.join(', '),
});

function savedText(choice: RatingChoice, topicName: string): string {
  if (choice === 'more') return `Saved: more like this. Your next ${topicName} digests take it into account.`;
  if (choice === 'less') return `Saved: not for you. Your next ${topicName} digests take it into account.`;
  return 'Your rating of this paper is removed.';
}

export function registerRatingRoutes(server: FastifyInstance, app: App, pages: PageRenderer): void {
  const page = (reply: FastifyReply, status: number, data: Record<string, unknown> & { heading: string }) =>
    reply
      .code(status)
      // Behind a personal token: never cached by a shared cache.
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(pages.render('rate', { title: `${data.heading} · Paperboy`, ...data }));

  const preferencesUrl = (subscriberId: string) => app.subscriptions.links(subscriberId).preferencesUrl;

  /** A link that cannot rate: a page that says why, and that nothing was recorded. */
  function refusal(reply: FastifyReply, found: Exclude<Awaited<ReturnType<typeof app.ratings.target>>, RatingTarget>) {
    const prefs = found.subscriber && preferencesUrl(found.subscriber.id);
    const paper = found.paper && paperView(found.paper);
    switch (found.refused) {
      case 'invalid':
        return page(reply, 404, {
          heading: 'This link is not valid',
          message:
            'It may be cut short, or the data of the address it was sent to has been deleted. Nothing was recorded.',
        });
      case 'inactive':
        return page(reply, 200, {
          heading: 'You are unsubscribed',
          paper,
          message: 'No digests go to this address, so there is nothing for a rating to change. Nothing was recorded.',
          preferencesUrl: prefs,
        });
      case 'paper':
        return page(reply, 404, {
          heading: 'Paper not found',
          message: 'Paperboy does not know this paper; the link may be cut short. Nothing was recorded.',
          preferencesUrl: prefs,
        });
      case 'topic':
        return page(reply, 200, {
          heading: 'Not one of your topics',
          paper,
          message:
            'This paper came in a digest on a topic you no longer get (or that no longer exists). Nothing was recorded.',
          preferencesUrl: prefs,
        });
    }
  }

  /** The form's fixed fields: who, which paper under which topic, and a fresh CSRF token. */
  const formData = (token: string, t: RatingTarget) => ({
    token,
    csrf: signToken(app.secret, 'csrf', `${t.subscriber.id}.${app.clock().getTime()}`),
    topic: t.topic.slug,
    paperId: t.paper.id,
    paper: paperView(t.paper),
    topicName: t.topic.name,
    preferencesUrl: preferencesUrl(t.subscriber.id),
  });

  /** The two choices, the one the link named first; with "remove" when the paper is rated already. */
  function choicesFor(t: RatingTarget, asked: RatingChoice | undefined) {
    const first: RatingChoice = asked === 'less' ? 'less' : 'more';
    const order: RatingChoice[] = first === 'more' ? ['more', 'less'] : ['less', 'more'];
    if (t.current) order.push('none');
    return order.map((value, i) => ({ value, label: LABELS[value], primary: i === 0 }));
  }

  const currentText = (t: RatingTarget) =>
    t.current
      ? `You marked this paper “${LABELS[choiceOf(t.current)]}”.`
      : 'Should your digest bring more papers like this one?';

  // The web copy of a digest has no reader: its links lead here (`web` is never a token, which has
  // a dot), to the paper and a word on how to rate.
  server.get<{ Params: Omit<RateLink['Params'], 'token'> }>(
    '/rate/web/:topic/:paper/:choice',
    async (request, reply) => {
      const [paper] = await app.store.getPapers([request.params.paper]);
      return page(reply, 200, {
        heading: 'Rate papers from your email',
        paper: paper && paperView(paper),
        message:
          'Ratings are personal: each changes the digest of the reader who makes it. Use the “More like this” and “Not for me” links in your own digest email; they know who you are, with no account or password.',
        subscribeUrl: '/#subscribe',
      });
    },
  );

  server.get<RateLink>('/rate/:token/:topic/:paper/:choice', async (request, reply) => {
    const { token, topic, paper, choice } = request.params;
    const found = await app.ratings.target(token, topic, paper);
    if ('refused' in found) return refusal(reply, found);
    return page(reply, 200, {
      heading: 'Rate this paper',
      ...formData(token, found),
      message: currentText(found),
      choices: choicesFor(found, parseChoice(choice)),
    });
  });

  server.post<RateRequest>(
    '/rate/:token',
    { config: { rateLimit: RATE_POST_LIMIT } },
    async (request: FastifyRequest<RateRequest>, reply) => {
      const body = readForm(RATE_FORM, request.body);
      const found = await app.ratings.target(request.params.token, body.topic ?? '', body.paper ?? '');
      if ('refused' in found) return refusal(reply, found);
      const choice = parseChoice(body.value);
      if (!validCsrf(app.secret, found.subscriber.id, body.csrf ?? '', app.clock()) || !choice) {
        return page(reply, 403, {
          heading: 'Form expired',
          ...formData(request.params.token, found),
          message: 'This form is too old or did not come from this site. Choose again.',
          choices: choicesFor(found, undefined),
        });
      }
      const before = choiceOf(found.current);
      await app.ratings.choose(found, choice);
      const data = { ...formData(request.params.token, found), notice: savedText(choice, found.topic.name) };
      // Nothing changed (the same button twice): the choices again. Else Undo, which puts back what was there before.
      if (choice === before)
        return page(reply, 200, { heading: 'Rate this paper', ...data, choices: choicesFor(found, choice) });
      return page(reply, 200, { heading: choice === 'none' ? 'Rating removed' : 'Thank you', ...data, undo: before });
    },
  );
}
