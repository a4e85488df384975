import type { Delivery, DeliveryErrorKind } from '../../domain/delivery.js';
import type { Subscriber } from '../../domain/subscriber.js';
import { newConfirmationToken } from '../../domain/tokens.js';
import { topicNames } from '../../domain/topic.js';
import type { OutgoingMessage, WireMessage } from '../../mail/message.js';
import { addressRefusal } from './address-check.js';
import { hourLabel, renderConfirmation } from '../../render/email/confirm-email.js';
import type { EmailTemplates } from '../../render/email/templates.js';
import type { SubscriberStore, SuppressionStore, TopicStore } from '../../store/ports.js';

const CONFIRMATION_SUBJECT = 'Confirm your Paperboy subscription';

export interface ConfirmationDeps {
  store: Pick<SubscriberStore, 'getSubscriber' | 'issueConfirmToken'> &
    Pick<TopicStore, 'listTopics'> &
    Pick<SuppressionStore, 'isSuppressed'>;
  templates: () => Promise<EmailTemplates>;
  clock: () => Date;
  config: { publicUrl: string; mailFrom: string; subscribe: { confirmHours: number } };
}

/** What to send for a claimed delivery, or why it is skipped. */
export type Composed = { message: OutgoingMessage | WireMessage } | { skip: DeliveryErrorKind };

/** Why an address no longer waits for a confirmation email, if it does not. */
async function noLongerWanted(
  store: ConfirmationDeps['store'],
  d: Delivery,
  s: Subscriber | undefined,
): Promise<DeliveryErrorKind | undefined> {
  if (!s) return 'subscriber-gone';
  if (s.status === 'suppressed') return 'suppressed';
  const refused = await addressRefusal(store, d.email);
  if (refused) return refused;
  if (s.status === 'confirmed') return 'already-confirmed';
  if (s.status !== 'pending') return 'unsubscribed';
  return undefined;
}

/**
 * Composes the confirmation email of a claimed delivery with a token made at this moment: only
 * its hash is stored (with its expiry, counted from now), the token itself goes into this email
 * and nowhere else. A retry makes a new token, which replaces the one of the attempt that failed.
 */
export function createConfirmationComposer(deps: ConfirmationDeps) {
  const { store, clock, config } = deps;
  const base = config.publicUrl;
  return async function composeConfirmation(d: Delivery): Promise<Composed> {
    const subscriber = await store.getSubscriber(d.subscriberId);
    const reason = await noLongerWanted(store, d, subscriber);
    if (reason || !subscriber) return { skip: reason ?? 'subscriber-gone' };
    const now = clock();
    const { token, hash } = newConfirmationToken();
    const expiresAt = new Date(now.getTime() + config.subscribe.confirmHours * 3_600_000).toISOString();
    if (!(await store.issueConfirmToken(subscriber.id, { hash, expiresAt, sentAt: now.toISOString() }))) {
      // Confirmed or gone between the two reads.
      return {
        skip: (await noLongerWanted(store, d, await store.getSubscriber(d.subscriberId))) ?? 'already-confirmed',
      };
    }
    const { html, text } = renderConfirmation(await deps.templates(), {
      subject: CONFIRMATION_SUBJECT,
      email: subscriber.email,
      topicNames: topicNames(await store.listTopics(), subscriber.topics),
      frequency: subscriber.frequency,
      hourLabel: hourLabel(subscriber.sendHour),
      timezone: subscriber.timezone,
      confirmUrl: `${base}/confirm/${token}`,
      homeUrl: `${base}/`,
      expiresIn: `${config.subscribe.confirmHours} hours`,
    });
    return {
      message: {
        from: config.mailFrom,
        to: d.email,
        subject: CONFIRMATION_SUBJECT,
        date: now,
        messageId: d.messageId,
        text,
        html,
      },
    };
  };
}
