import { InvalidInputError } from '../domain/errors.js';
import { normaliseEmail } from '../domain/email.js';
import {
  mayResendConfirmation,
  parseFrequency,
  parseHour,
  parseTimezone,
  type ConsentEvent,
  type ConsentEventType,
  type Subscriber,
  type Subscription,
} from '../domain/subscriber.js';
import { topicNames } from '../domain/topic.js';
import { hashConfirmationToken, newConfirmationToken, newId, signToken, verifyToken } from '../domain/tokens.js';
import type { Logger } from '../log.js';
import { domainOf, type Mailer } from '../mail/message.js';
import { hourLabel, renderConfirmation } from '../render/email/confirm-email.js';
import type { EmailTemplates } from '../render/email/templates.js';
import type { DeliveryStore, SubscriberStore, TopicStore } from '../store/ports.js';

/** What a form, the CLI or the admin API asks for, before validation. */
export interface SubscribeRequest {
  email: string;
  topics: readonly string[];
  frequency?: string | undefined;
  timezone?: string | undefined;
  hour?: string | number | undefined;
}

/** Where a request came from, for the consent log. IP and user agent are kept only when configured. */
export interface RequestMeta {
  source: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export type UnsubscribeScope = { kind: 'all' } | { kind: 'topic'; slug: string };

export interface SubscriptionDeps {
  store: SubscriberStore & TopicStore & Pick<DeliveryStore, 'isSuppressed'>;
  mailer: () => Promise<Mailer>;
  confirmTemplates: () => Promise<EmailTemplates>;
  clock: () => Date;
  logger: Logger;
  secret: string;
  config: {
    publicUrl: string;
    mailFrom: string;
    subscribe: { confirmHours: number; resendMinutes: number; logIpAndUserAgent: boolean };
  };
}

export function createSubscriptionJobs(deps: SubscriptionDeps) {
  const { store, clock, logger, secret, config } = deps;
  const base = config.publicUrl;

  function event(s: Subscriber, type: ConsentEventType, meta: RequestMeta, detail?: string): ConsentEvent {
    const keepClient = config.subscribe.logIpAndUserAgent;
    return {
      subscriberId: s.id,
      email: s.email,
      type,
      at: clock().toISOString(),
      topics: s.topics,
      source: meta.source,
      ip: keepClient ? meta.ip : undefined,
      userAgent: keepClient ? meta.userAgent?.slice(0, 300) : undefined,
      detail,
    };
  }

  async function save(s: Subscriber, ...events: ConsentEvent[]): Promise<void> {
    await store.saveSubscribers([{ subscriber: s, events }]);
  }

  /** Validates a request: a real address, known topics, a frequency, a time zone and an hour. */
  async function validate(request: SubscribeRequest): Promise<Subscription & { email: string }> {
    const email = normaliseEmail(request.email);
    return { email, ...(await validateChoice(request)) };
  }

  /** Validates what a subscriber chooses: known topics, a frequency, a time zone and an hour. */
  async function validateChoice(request: Omit<SubscribeRequest, 'email'>): Promise<Subscription> {
    const slugs = [...new Set(request.topics.map((t) => t.trim()).filter(Boolean))].sort();
    if (slugs.length === 0) throw new InvalidInputError('pick at least one topic');
    const known = new Set((await store.listTopics()).map((t) => t.slug));
    const unknown = slugs.filter((s) => !known.has(s));
    if (unknown.length > 0) throw new InvalidInputError(`unknown topic ${unknown.map((s) => `"${s}"`).join(', ')}`);
    return {
      topics: slugs,
      frequency: parseFrequency(request.frequency ?? 'daily'),
      timezone: parseTimezone(request.timezone || 'UTC'),
      sendHour: parseHour(request.hour ?? 8),
    };
  }

  async function sendConfirmation(s: Subscriber, token: string): Promise<void> {
    const topics = await store.listTopics();
    const names = topicNames(topics, s.topics);
    const subject = 'Confirm your Paperboy subscription';
    const { html, text } = renderConfirmation(await deps.confirmTemplates(), {
      subject,
      email: s.email,
      topicNames: names,
      frequency: s.frequency,
      hourLabel: hourLabel(s.sendHour),
      timezone: s.timezone,
      confirmUrl: `${base}/confirm/${token}`,
      homeUrl: `${base}/`,
      expiresIn: `${config.subscribe.confirmHours} hours`,
    });
    const mailer = await deps.mailer();
    await mailer.send({
      from: config.mailFrom,
      to: s.email,
      subject,
      date: clock(),
      messageId: `${newId('confirm')}@${domainOf(config.mailFrom)}`,
      text,
      html,
    });
  }

  /** A fresh pending state with a new confirmation token; the caller emails the token. */
  function withNewToken(s: Subscriber): { subscriber: Subscriber; token: string } {
    const now = clock();
    const { token, hash } = newConfirmationToken();
    return {
      token,
      subscriber: {
        ...s,
        status: 'pending',
        updatedAt: now.toISOString(),
        confirmTokenHash: hash,
        confirmExpiresAt: new Date(now.getTime() + config.subscribe.confirmHours * 3_600_000).toISOString(),
        confirmSentAt: now.toISOString(),
      },
    };
  }

  function newSubscriber(request: Subscription & { email: string }): Subscriber {
    const now = clock().toISOString();
    return {
      id: newId('sub'),
      ...request,
      status: 'pending',
      createdAt: now,
      updatedAt: now,
      confirmedAt: null,
      unsubscribedAt: null,
      confirmTokenHash: null,
      confirmExpiresAt: null,
      confirmSentAt: null,
    };
  }

  return {
    validate,

    /**
     * The double opt-in request. The caller answers the same way whatever happens here, so the
     * answer says nothing about the address. New and unsubscribed addresses get a confirmation
     * email; a pending one gets it again at most once per `resendMinutes`; confirmed and
     * suppressed addresses get nothing.
     */
    async subscribe(request: SubscribeRequest, meta: RequestMeta): Promise<'sent' | 'resent' | 'held' | 'nothing'> {
      return this.subscribeValidated(await validate(request), meta);
    },

    /** `subscribe` for a request that `validate` has already checked (the web form checks it first). */
    async subscribeValidated(
      wanted: Subscription & { email: string },
      meta: RequestMeta,
    ): Promise<'sent' | 'resent' | 'held' | 'nothing'> {
      const existing = await store.findSubscriberByEmail(wanted.email);
      // The suppression list outlives the subscriber row: a deleted, bounced address stays quiet.
      const suppressed = await store.isSuppressed(wanted.email);
      if (suppressed || existing?.status === 'confirmed') {
        logger.info('subscribe request, no email', { status: suppressed ? 'suppressed' : existing?.status, source: meta.source });
        return 'nothing';
      }
      if (existing?.status === 'pending' && !mayResendConfirmation(existing, clock(), config.subscribe.resendMinutes)) {
        return 'held';
      }
      const start = existing ? { ...existing, ...wanted, unsubscribedAt: null } : newSubscriber(wanted);
      const { subscriber, token } = withNewToken(start);
      await save(subscriber, event(subscriber, 'subscribe', meta));
      try {
        await sendConfirmation(subscriber, token);
      } catch (err) {
        // Not sent: let the next request send it at once instead of waiting out the resend delay.
        await save({ ...subscriber, confirmSentAt: null });
        throw err;
      }
      logger.info('confirmation sent', { subscriber: subscriber.id, source: meta.source });
      return existing ? 'resent' : 'sent';
    },

    /** The pending subscriber a confirmation token belongs to, if it is valid and unexpired. */
    async pendingForToken(token: string): Promise<Subscriber | undefined> {
      if (!/^[\w-]{20,100}$/.test(token)) return undefined;
      const s = await store.findSubscriberByConfirmToken(hashConfirmationToken(token));
      if (!s || s.status !== 'pending' || !s.confirmExpiresAt) return undefined;
      return s.confirmExpiresAt > clock().toISOString() ? s : undefined;
    },

    /** Confirms and spends the token; undefined when the token is not (or no longer) valid. */
    async confirm(token: string, meta: RequestMeta): Promise<Subscriber | undefined> {
      const s = await this.pendingForToken(token);
      if (!s) return undefined;
      const now = clock().toISOString();
      const confirmed: Subscriber = {
        ...s,
        status: 'confirmed',
        confirmedAt: now,
        updatedAt: now,
        confirmTokenHash: null,
        confirmExpiresAt: null,
      };
      await save(confirmed, event(confirmed, 'confirm', meta));
      logger.info('subscriber confirmed', { subscriber: s.id });
      return confirmed;
    },

    /** The subscriber a signed unsubscribe or preferences link stands for. */
    async subscriberForLink(purpose: 'unsubscribe' | 'preferences', token: string): Promise<Subscriber | undefined> {
      const id = verifyToken(secret, purpose, token);
      return id ? store.getSubscriber(id) : undefined;
    },

    /** The personal links that go into every email to this subscriber. */
    links(subscriberId: string) {
      return {
        unsubscribeUrl: `${base}/unsubscribe/${signToken(secret, 'unsubscribe', subscriberId)}`,
        preferencesUrl: `${base}/preferences/${signToken(secret, 'preferences', subscriberId)}`,
      };
    },

    async savePreferences(s: Subscriber, request: Omit<SubscribeRequest, 'email'>, meta: RequestMeta): Promise<Subscriber> {
      // The address is not asked again: a subscriber stored before addresses were made canonical
      // can still change what they get.
      const wanted = await validateChoice(request);
      const updated: Subscriber = { ...s, ...wanted, updatedAt: clock().toISOString() };
      await save(updated, event(updated, 'preferences', meta));
      return updated;
    },

    /** Leaves one topic or everything. Idempotent; leaving the last topic leaves everything. */
    async unsubscribe(s: Subscriber, scope: UnsubscribeScope, meta: RequestMeta): Promise<Subscriber> {
      if (s.status === 'unsubscribed' || s.status === 'suppressed') return s;
      const now = clock().toISOString();
      const topics = scope.kind === 'topic' ? s.topics.filter((t) => t !== scope.slug) : s.topics;
      if (scope.kind === 'topic' && topics.length === s.topics.length) return s;
      const all = scope.kind === 'all' || topics.length === 0;
      const updated: Subscriber = all
        ? { ...s, status: 'unsubscribed', unsubscribedAt: now, updatedAt: now, confirmTokenHash: null, confirmExpiresAt: null }
        : { ...s, topics, updatedAt: now };
      await save(updated, event(updated, 'unsubscribe', meta, all ? 'all' : `topic:${(scope as { slug: string }).slug}`));
      logger.info('unsubscribed', { subscriber: s.id, scope: all ? 'all' : 'topic', source: meta.source });
      return updated;
    },

    /**
     * An operator adds an address. With `confirmed`, the operator vouches for consent and the
     * address is confirmed at once; without it, it gets the double opt-in email like anyone else.
     */
    async addByOperator(request: SubscribeRequest, options: { confirmed: boolean }, meta: RequestMeta) {
      if (!options.confirmed) return { outcome: await this.subscribe(request, meta) };
      const wanted = await validate(request);
      const existing = await store.findSubscriberByEmail(wanted.email);
      if (existing?.status === 'suppressed' || (await store.isSuppressed(wanted.email))) {
        throw new InvalidInputError(`${wanted.email} is on the suppression list and cannot be added`);
      }
      const now = clock().toISOString();
      const subscriber: Subscriber = {
        ...(existing ?? newSubscriber(wanted)),
        ...wanted,
        status: 'confirmed',
        confirmedAt: existing?.confirmedAt ?? now,
        unsubscribedAt: null,
        updatedAt: now,
        confirmTokenHash: null,
        confirmExpiresAt: null,
      };
      await save(subscriber, event(subscriber, 'confirm', meta, 'confirmed by the operator'));
      return { outcome: 'confirmed' as const, subscriber };
    },

    /** Sends the opt-in email to a subscriber already saved as pending (CSV import). */
    async sendOptIn(s: Subscriber): Promise<void> {
      const { subscriber, token } = withNewToken(s);
      await save(subscriber);
      await sendConfirmation(subscriber, token);
    },

    async remove(email: string, meta: RequestMeta): Promise<boolean> {
      const s = await store.findSubscriberByEmail(normaliseEmail(email));
      if (!s) return false;
      return store.deleteSubscriber(s.id, event(s, 'admin', meta, 'removed'));
    },
  };
}

export type SubscriptionJobs = ReturnType<typeof createSubscriptionJobs>;
