import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { normaliseEmail } from '../../domain/email.js';
import {
  mayResendConfirmation,
  parseFrequency,
  parseHour,
  parseLayout,
  parseTimezone,
  type ConsentEvent,
  type ConsentEventType,
  type Subscriber,
  type Subscription,
} from '../../domain/subscriber.js';
import { hashConfirmationToken, newId, signToken, verifyToken } from '../../domain/tokens.js';
import { isPersonalSlug } from '../../domain/topic.js';
import type { Logger } from '../../log.js';
import { domainOf } from '../../mail/message.js';
import type {
  NewConfirmation,
  PersonalStore,
  SubscriberStore,
  SuppressionStore,
  TopicStore,
  WriteProbe,
} from '../../store/ports.js';
import type { RunSummary } from '../deliver/deliver.js';

/** What a form, the CLI or the admin API asks for, before validation. */
export interface SubscribeRequest {
  email: string;
  topics: readonly string[];
  frequency?: string | undefined;
  timezone?: string | undefined;
  hour?: string | number | undefined;
  /** full or compact; left out, the subscriber's stays as it is (a new one gets full). */
  layout?: string | undefined;
}

/** Where a request came from, for the consent log. IP and user agent are kept only when configured. */
export interface RequestMeta {
  source: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export type UnsubscribeScope = { kind: 'all' } | { kind: 'topic'; slug: string };

export interface SubscriptionDeps {
  store: Pick<
    SubscriberStore,
    'findSubscriberByEmail' | 'findSubscriberByConfirmToken' | 'getSubscriber' | 'saveSubscribers' | 'deleteSubscriber'
  > &
    Pick<TopicStore, 'listTopics'> &
    Pick<PersonalStore, 'listPersonalTopics'> &
    Pick<SuppressionStore, 'isSuppressed'> &
    WriteProbe;
  /** Sends now the confirmation emails queued for these subscribers (the deliverer's). */
  deliverConfirmations: (subscriberIds: readonly string[]) => Promise<RunSummary>;
  clock: () => Date;
  logger: Logger;
  secret: string;
  config: {
    publicUrl: string;
    mailFrom: string;
    subscribe: { confirmHours: number; resendMinutes: number; logIpAndUserAgent: boolean };
  };
}

/**
 * What a sign-up did: queued a confirmation email (for a new or returning address, or again for
 * a pending one), held it (one was sent minutes ago), or nothing (confirmed or suppressed).
 */
export type SubscribeResult =
  | { outcome: 'queued' | 'requeued'; subscriberId: string }
  | { outcome: 'held' | 'nothing' };

/** What an operator's add did, once the confirmation email it queued was tried. */
export type OperatorOutcome = 'confirmed' | 'sent' | 'resent' | 'queued' | 'failed' | 'held' | 'nothing';

/** How a confirmation email tried at once fared: sent, failed for good (refused, or out of attempts), or still queued. */
function triedOutcome(summary: RunSummary): 'sent' | 'failed' | 'queued' {
  if (summary.sent > 0) return 'sent';
  return summary.failed > 0 ? 'failed' : 'queued';
}

/** The public topics chosen, plus the subscriber's own (personal) topics, which no form lists. */
function withOwn(existing: Subscriber, chosen: readonly string[]): string[] {
  return [...new Set([...chosen, ...existing.topics.filter(isPersonalSlug)])].sort();
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
  async function validateChoice(
    request: Omit<SubscribeRequest, 'email'>,
    ownTopics: readonly string[] = [],
  ): Promise<Subscription> {
    const slugs = [...new Set([...request.topics.map((t) => t.trim()), ...ownTopics].filter(Boolean))].sort();
    if (slugs.length === 0) throw new InvalidInputError('pick at least one topic');
    const known = new Set([...(await store.listTopics()).map((t) => t.slug), ...ownTopics]);
    const unknown = slugs.filter((s) => !known.has(s));
    if (unknown.length > 0) throw new InvalidInputError(`unknown topic ${unknown.map((s) => `"${s}"`).join(', ')}`);
    return {
      topics: slugs,
      frequency: parseFrequency(request.frequency ?? 'daily'),
      timezone: parseTimezone(request.timezone || 'UTC'),
      sendHour: parseHour(request.hour ?? 8),
      ...(request.layout ? { layout: parseLayout(request.layout) } : {}),
    };
  }

  /** A confirmation email to queue with a subscriber: its token is made when it is sent. */
  function newConfirmation(): NewConfirmation {
    const id = newId('cfm');
    return { id, messageId: `${id}@${domainOf(config.mailFrom)}`, at: clock().toISOString() };
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
     * suppressed addresses get nothing. The email is queued with the subscriber, in one
     * transaction, for the deliverer: the caller tries it at once (`deliverConfirmations`), and
     * one the relay does not take then is retried by the next delivery run.
     * Every branch writes to the store, so that a store that cannot take writes fails them all
     * alike (StoreUnavailableError), never only the addresses that would get an email.
     */
    async subscribe(request: SubscribeRequest, meta: RequestMeta): Promise<SubscribeResult> {
      return this.subscribeValidated(await validate(request), meta);
    },

    /** `subscribe` for a request that `validate` has already checked (the web form checks it first). */
    async subscribeValidated(wanted: Subscription & { email: string }, meta: RequestMeta): Promise<SubscribeResult> {
      const existing = await store.findSubscriberByEmail(wanted.email);
      // The suppression list outlives the subscriber row: a deleted, bounced address stays quiet.
      const suppressed = await store.isSuppressed(wanted.email);
      if (suppressed || existing?.status === 'confirmed') {
        await store.probeWrite(clock().toISOString());
        logger.info('subscribe request, no email', {
          status: suppressed ? 'suppressed' : existing?.status,
          source: meta.source,
        });
        return { outcome: 'nothing' };
      }
      if (existing?.status === 'pending' && !mayResendConfirmation(existing, clock(), config.subscribe.resendMinutes)) {
        await store.probeWrite(clock().toISOString());
        return { outcome: 'held' };
      }
      const now = clock().toISOString();
      const subscriber: Subscriber = existing
        ? {
            ...existing,
            ...wanted,
            topics: withOwn(existing, wanted.topics),
            status: 'pending',
            unsubscribedAt: null,
            updatedAt: now,
          }
        : newSubscriber(wanted);
      await store.saveSubscribers([
        { subscriber, events: [event(subscriber, 'subscribe', meta)], confirmation: newConfirmation() },
      ]);
      logger.info('confirmation queued', { subscriber: subscriber.id, source: meta.source });
      return { outcome: existing ? 'requeued' : 'queued', subscriberId: subscriber.id };
    },

    /** The pending subscriber a confirmation token belongs to, if it is valid and unexpired. */
    async pendingForToken(token: string): Promise<Subscriber | undefined> {
      if (!/^[\w-]{20,100}$/.test(token)) return undefined;
      const s = await store.findSubscriberByConfirmToken(hashConfirmationToken(token));
      if (s?.status !== 'pending' || !s.confirmExpiresAt) return undefined;
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

    async savePreferences(
      s: Subscriber,
      request: Omit<SubscribeRequest, 'email'>,
      meta: RequestMeta,
    ): Promise<Subscriber> {
      // The address is not asked again: a subscriber stored before addresses were made canonical
      // can still change what they get.
      // The form lists the public topics only: the reader's own stay in their digest until they delete them.
      const own = (await store.listPersonalTopics(s.id)).map((t) => t.slug);
      const wanted = await validateChoice(request, own);
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
        ? {
            ...s,
            status: 'unsubscribed',
            unsubscribedAt: now,
            updatedAt: now,
            confirmTokenHash: null,
            confirmExpiresAt: null,
          }
        : { ...s, topics, updatedAt: now };
      await save(
        updated,
        event(updated, 'unsubscribe', meta, all ? 'all' : `topic:${(scope as { slug: string }).slug}`),
      );
      logger.info('unsubscribed', { subscriber: s.id, scope: all ? 'all' : 'topic', source: meta.source });
      return updated;
    },

    /**
     * An operator adds an address. With `confirmed`, the operator vouches for consent and the
     * address is confirmed at once; without it, it gets the double opt-in email like anyone else,
     * tried at once: if the relay does not take it, it stays queued for the next delivery run.
     */
    async addByOperator(
      request: SubscribeRequest,
      options: { confirmed: boolean },
      meta: RequestMeta,
    ): Promise<{ outcome: OperatorOutcome; subscriber?: Subscriber }> {
      const wanted = await validate(request);
      const existing = await store.findSubscriberByEmail(wanted.email);
      // The operator is told plainly, with or without --confirmed: the web form's one answer for
      // every address protects readers from strangers, not from the one who keeps the list.
      if (existing?.status === 'suppressed' || (await store.isSuppressed(wanted.email))) {
        throw new InvalidInputError(`${wanted.email} is on the suppression list and cannot be added`);
      }
      if (!options.confirmed) {
        const asked = await this.subscribeValidated(wanted, meta);
        if (!('subscriberId' in asked)) return { outcome: asked.outcome };
        const tried = triedOutcome(await deps.deliverConfirmations([asked.subscriberId]));
        return { outcome: tried === 'sent' && asked.outcome === 'requeued' ? 'resent' : tried };
      }
      const now = clock().toISOString();
      const subscriber: Subscriber = {
        ...(existing ?? newSubscriber(wanted)),
        ...wanted,
        topics: existing ? withOwn(existing, wanted.topics) : wanted.topics,
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

    /**
     * The operator sends a pending address its confirmation email again, now, whenever the last
     * one went (or did not go) out: e.g. after the relay was down. Queued like any other, so it
     * is sent once, and retried if the relay does not take it now.
     */
    async resendConfirmation(email: string, meta: RequestMeta): Promise<'sent' | 'failed' | 'queued'> {
      const s = await store.findSubscriberByEmail(normaliseEmail(email));
      if (!s) throw new NotFoundError(`${normaliseEmail(email)} is not a subscriber`);
      if (s.status !== 'pending') {
        throw new InvalidInputError(`${s.email} is ${s.status}: only a pending address is sent a confirmation email`);
      }
      const updated: Subscriber = { ...s, updatedAt: clock().toISOString() };
      await store.saveSubscribers([
        {
          subscriber: updated,
          events: [event(updated, 'admin', meta, 'confirmation email sent again')],
          confirmation: newConfirmation(),
        },
      ]);
      return triedOutcome(await deps.deliverConfirmations([s.id]));
    },

    /** A confirmation email to queue with a subscriber written elsewhere (CSV import). */
    newConfirmation,

    async remove(email: string, meta: RequestMeta): Promise<boolean> {
      const s = await store.findSubscriberByEmail(normaliseEmail(email));
      if (!s) return false;
      return store.deleteSubscriber(s.id, event(s, 'admin', meta, 'removed'));
    },
  };
}

export type SubscriptionJobs = ReturnType<typeof createSubscriptionJobs>;
