import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { errorText, InvalidInputError, NotFoundError } from '../domain/errors.js';
import { signToken, verifyToken } from '../domain/tokens.js';
import type { Subscriber } from '../domain/subscriber.js';
import { topicNames } from '../domain/topic.js';
import { hourLabel } from '../render/email/confirm-email.js';
import type { PageRenderer } from '../render/web/pages.js';
import { ratingsSectionView } from '../render/web/ratings-section.js';
import { subscriptionFormView } from '../render/web/subscription-form.js';
import type { UnsubscribeScope } from '../jobs/subscribers/subscriptions.js';
import { createWindowLimiter } from './window-limiter.js';
import { formField, readForm } from './form-body.js';
import { renderHome } from './page-routes.js';

type TokenParams = { Params: { token: string } };

// The fields each form reads, and their kind (see form-body.ts).
const SUBSCRIPTION_FIELDS = {
  topics: formField.many,
  frequency: formField.one,
  timezone: formField.one,
  hour: formField.wholeNumber,
};
const SUBSCRIBE_FORM = { email: formField.one, ...SUBSCRIPTION_FIELDS };
const PREFERENCES_FORM = { csrf: formField.one, layout: formField.one, ...SUBSCRIPTION_FIELDS };
// `multipart` is the raw multipart/form-data body (see server.ts), which only this route reads.
const UNSUBSCRIBE_FORM = { 'List-Unsubscribe': formField.one, scope: formField.one, multipart: formField.one };

const CSRF_MAX_AGE_MS = 24 * 3_600_000;
// A tampered, unknown, expired or spent token: one answer for all, so the page reveals nothing.
const invalidLink = () => new NotFoundError('This link is not valid. It may have expired or been used already.');

function html(reply: FastifyReply, body: string, status = 200) {
  // Pages behind a token are personal: never cached by a shared cache.
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

export function registerSubscriptionRoutes(server: FastifyInstance, app: App, pages: PageRenderer): void {
  const { subscriptions, config } = app;
  const perAddress = createWindowLimiter({
    max: config.subscribe.perAddressPerHour,
    windowMs: 3_600_000,
    clock: app.clock,
  });
  const meta = (request: FastifyRequest, source: string) => ({
    source,
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  });

  const message = (
    reply: FastifyReply,
    status: number,
    heading: string,
    text: string,
    link?: { href: string; text: string },
  ) => html(reply, pages.render('message', { title: `${heading} · Paperboy`, heading, message: text, link }), status);

  server.post(
    '/subscribe',
    { config: { rateLimit: { max: config.subscribe.perIp, timeWindow: config.subscribe.ipWindowMinutes * 60_000 } } },
    async (request, reply) => {
      // Outside the try: a body of the wrong shape is a plain 400, not a form to fill in again.
      const body = readForm(SUBSCRIBE_FORM, request.body);
      const input = { email: body.email ?? '', ...subscriptionInput(body) };
      try {
        const wanted = await subscriptions.validate(input);
        if (!perAddress.allow(wanted.email)) {
          return message(reply, 429, 'Too many requests', 'Too many sign-ups for this address. Try again in an hour.');
        }
        // Every branch writes (see subscribeValidated): a store that cannot take writes fails
        // them all alike with a StoreUnavailableError, which the error handler answers with 503.
        const asked = await subscriptions.subscribeValidated(wanted, meta(request, 'web-form'));
        // The relay is never waited for: whether it is up does not change the answer (that would
        // tell who gets an email), and a queued email it does not take is retried by the deliverer.
        if ('subscriberId' in asked) app.sendConfirmationSoon(asked.subscriberId);
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        // Only the form's own mistakes are shown; nothing here depends on the address's state.
        return html(reply, await renderHome(app, pages, { error: errorText(err), form: input }), 400);
      }
      return message(
        reply,
        200,
        'Check your inbox',
        'If the address can receive a digest, a confirmation email is on its way. Open the link in it to start your subscription.',
      );
    },
  );

  server.get<TokenParams>('/confirm/:token', async (request, reply) => {
    const s = await subscriptions.pendingForToken(request.params.token);
    if (!s) throw invalidLink();
    const topics = await app.store.listTopics();
    return html(
      reply,
      pages.render('confirm', {
        title: 'Confirm your subscription · Paperboy',
        token: request.params.token,
        email: s.email,
        frequency: s.frequency,
        topicNames: topicNames(topics, s.topics),
        hour: hourLabel(s.sendHour),
        timezone: s.timezone,
      }),
    );
  });

  server.post<TokenParams>('/confirm/:token', async (request, reply) => {
    const s = await subscriptions.confirm(request.params.token, meta(request, 'web-form'));
    if (!s) throw invalidLink();
    const { preferencesUrl } = subscriptions.links(s.id);
    return message(reply, 200, 'You are subscribed', `${s.email} will get its first digest at the next send time.`, {
      href: preferencesUrl,
      text: 'Change your preferences',
    });
  });

  async function preferencesPage(
    reply: FastifyReply,
    token: string,
    s: Subscriber,
    extra: Record<string, unknown> = {},
  ) {
    const topics = await app.store.listTopics();
    return html(
      reply,
      pages.render('preferences', {
        title: 'Your preferences · Paperboy',
        token,
        unsubscribeToken: signToken(app.secret, 'unsubscribe', s.id),
        email: s.email,
        unsubscribed: s.status === 'unsubscribed',
        csrf: signToken(app.secret, 'csrf', `${s.id}.${app.clock().getTime()}`),
        form: subscriptionFormView(topics, s),
        // "Your ratings" (preferences-data-routes.ts changes them).
        ratings: ratingsSectionView(await app.ratings.list(s.id)),
        ...extra,
      }),
      extra.error ? 400 : 200,
    );
  }

  async function linked(purpose: 'preferences' | 'unsubscribe', token: string): Promise<Subscriber> {
    const s = await subscriptions.subscriberForLink(purpose, token);
    if (!s || s.status === 'suppressed') throw invalidLink();
    return s;
  }

  server.get<TokenParams>('/preferences/:token', async (request, reply) => {
    const s = await linked('preferences', request.params.token);
    return preferencesPage(reply, request.params.token, s);
  });

  server.post<TokenParams>('/preferences/:token', async (request, reply) => {
    const s = await linked('preferences', request.params.token);
    const body = readForm(PREFERENCES_FORM, request.body);
    if (!validCsrf(app.secret, s.id, body.csrf ?? '', app.clock())) {
      return message(
        reply,
        403,
        'Form expired',
        'This form is too old or did not come from this site. Open your preferences again.',
      );
    }
    try {
      const updated = await subscriptions.savePreferences(
        s,
        { ...subscriptionInput(body), layout: body.layout },
        meta(request, 'preferences-form'),
      );
      return preferencesPage(reply, request.params.token, updated, { saved: true });
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      return preferencesPage(reply, request.params.token, s, { error: errorText(err) });
    }
  });

  async function unsubscribePage(reply: FastifyReply, token: string, s: Subscriber, done?: string) {
    const topics = (await app.store.listTopics()).filter((t) => s.topics.includes(t.slug));
    return html(
      reply,
      pages.render('unsubscribe', {
        title: 'Unsubscribe · Paperboy',
        token,
        email: s.email,
        active: s.status === 'confirmed' || s.status === 'pending',
        topics,
        several: topics.length > 1,
        topicNames: topics.map((t) => t.name).join(', '),
        done,
      }),
    );
  }

  server.get<TokenParams>('/unsubscribe/:token', async (request, reply) => {
    const s = await linked('unsubscribe', request.params.token);
    return unsubscribePage(reply, request.params.token, s);
  });

  // RFC 8058 one-click: a mail provider POSTs `List-Unsubscribe=One-Click`; the page's buttons post
  // a scope. Either way: 200, no redirect, no cookie, and a second POST changes nothing.
  server.post<TokenParams>('/unsubscribe/:token', async (request, reply) => {
    const s = await linked('unsubscribe', request.params.token);
    const body = readForm(UNSUBSCRIBE_FORM, request.body);
    const oneClick = body['List-Unsubscribe'] === 'One-Click' || isMultipartOneClick(body.multipart);
    const scope = oneClick ? ({ kind: 'all' } as const) : parseScope(body.scope ?? '');
    const updated = await subscriptions.unsubscribe(
      s,
      scope,
      meta(request, oneClick ? 'one-click' : 'unsubscribe-page'),
    );
    const done =
      updated.status === 'unsubscribed'
        ? 'You are unsubscribed. No more digests will be sent to this address.'
        : 'Done: that topic is no longer in your digest.';
    return unsubscribePage(reply, request.params.token, updated, done);
  });
}

/** The subscription fields of the subscribe and preferences forms, as the jobs take them. */
function subscriptionInput(body: {
  topics: string[];
  frequency?: string | undefined;
  timezone?: string | undefined;
  hour?: string | undefined;
}) {
  return {
    topics: body.topics,
    frequency: body.frequency || undefined,
    timezone: body.timezone || undefined,
    hour: body.hour || undefined,
  };
}

function parseScope(raw: string): UnsubscribeScope {
  if (raw === '' || raw === 'all') return { kind: 'all' };
  if (raw.startsWith('topic:') && raw.length > 6) return { kind: 'topic', slug: raw.slice(6) };
  throw new InvalidInputError('unknown unsubscribe choice');
}

function isMultipartOneClick(raw: string | undefined): boolean {
  return raw !== undefined && /name="List-Unsubscribe"\r?\n\r?\nOne-Click/.test(raw);
}

/** A preferences form carries a token bound to the subscriber and the time it was shown. */
export function validCsrf(secret: string, subscriberId: string, token: string, now: Date): boolean {
  const subject = verifyToken(secret, 'csrf', token);
  if (!subject) return false;
  const dot = subject.lastIndexOf('.');
  const issued = Number(subject.slice(dot + 1));
  return subject.slice(0, dot) === subscriberId && now.getTime() - issued <= CSRF_MAX_AGE_MS && issued <= now.getTime();
}
