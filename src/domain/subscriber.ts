import { InvalidInputError } from './errors.js';

export const SUBSCRIBER_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'suppressed'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];
const FREQUENCIES = ['daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** What a subscriber chose: topics, how often, and when in their own day. */
export interface Subscription {
  topics: string[];
  frequency: Frequency;
  timezone: string;
  sendHour: number;
  /** How digests are laid out for this reader; absent is 'full'. */
  layout?: Layout;
}

/** Full abstracts, or compact: title, authors, the first sentence or two (or the source's summary) and a link. */
export type Layout = 'full' | 'compact';
export const LAYOUTS: readonly Layout[] = ['full', 'compact'];

/** The layout a form or a file names; throws on anything else. */
export function parseLayout(raw: string): Layout {
  if ((LAYOUTS as readonly string[]).includes(raw)) return raw as Layout;
  throw new InvalidInputError(`invalid layout "${raw}": use full or compact`);
}

/** An email address with its state. Times are ISO 8601 UTC strings. */
export interface Subscriber extends Subscription {
  id: string;
  email: string;
  status: SubscriberStatus;
  createdAt: string;
  updatedAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  /** SHA-256 of the pending confirmation token; the token itself is only ever in the email. */
  confirmTokenHash: string | null;
  confirmExpiresAt: string | null;
  /** When the last confirmation email was sent or tried (its token was made then). */
  confirmSentAt: string | null;
}

export type ConsentEventType = 'subscribe' | 'confirm' | 'preferences' | 'unsubscribe' | 'import' | 'admin';

/** One line of the append-only consent log. */
export interface ConsentEvent {
  subscriberId: string;
  email: string;
  type: ConsentEventType;
  at: string;
  topics: string[];
  /** Where it came from: web-form, one-click, cli, csv-import, admin-api… */
  source: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
  detail?: string | undefined;
}

/** A subscriber as the operator may see it: without the confirmation token's hash and times. */
export function publicSubscriber(
  s: Subscriber,
): Omit<Subscriber, 'confirmTokenHash' | 'confirmExpiresAt' | 'confirmSentAt'> {
  const { confirmTokenHash: _h, confirmExpiresAt: _e, confirmSentAt: _s, ...rest } = s;
  return rest;
}

export function parseFrequency(raw: string): Frequency {
  if ((FREQUENCIES as readonly string[]).includes(raw)) return raw as Frequency;
  throw new InvalidInputError(`unknown frequency "${raw}": use daily or weekly`);
}

export function parseStatus(raw: string): SubscriberStatus {
  if ((SUBSCRIBER_STATUSES as readonly string[]).includes(raw)) return raw as SubscriberStatus;
  throw new InvalidInputError(`unknown status "${raw}": use one of ${SUBSCRIBER_STATUSES.join(', ')}`);
}

/** Checks an IANA time zone name ("Europe/Berlin", "Asia/Kolkata", "UTC"); an unknown one is refused. */
export function parseTimezone(raw: string): string {
  const name = raw.trim();
  if (name.length > 0 && name.length <= 64) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: name });
      return name;
    } catch {
      // refused below
    }
  }
  throw new InvalidInputError(`unknown time zone "${raw}": use an IANA name such as Europe/Berlin or UTC`);
}

export function parseHour(raw: string | number): number {
  const hour = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23 || (typeof raw === 'string' && raw.trim() === '')) {
    throw new InvalidInputError(`invalid send hour "${raw}": use a whole number from 0 to 23`);
  }
  return hour;
}

/** Whether an address may be sent a confirmation email again: at most once per `minutes`. */
export function mayResendConfirmation(
  subscriber: Pick<Subscriber, 'confirmSentAt'>,
  now: Date,
  minutes: number,
): boolean {
  if (!subscriber.confirmSentAt) return true;
  return now.getTime() - new Date(subscriber.confirmSentAt).getTime() >= minutes * 60_000;
}
