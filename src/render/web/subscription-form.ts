import type { Subscription } from '../../domain/subscriber.js';
import type { Topic } from '../../domain/topic.js';
import { hourLabel } from '../email/confirm-email.js';

// Every IANA zone this runtime knows, UTC first: the list the form offers.
const ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];

export interface SubscriptionFormView {
  email: string;
  topics: { slug: string; name: string; checked: boolean }[];
  daily: boolean;
  weekly: boolean;
  timezones: { name: string; selected: boolean }[];
  timezoneChosen: boolean;
  hours: { value: number; label: string; selected: boolean }[];
  full: boolean;
  compact: boolean;
}

/** The values the subscribe and preferences forms show: the current choice, or the defaults. */
export function subscriptionFormView(
  topics: readonly Topic[],
  current: Partial<Subscription> & { email?: string } = {},
): SubscriptionFormView {
  const chosen = new Set(current.topics ?? []);
  const zone = current.timezone ?? 'UTC';
  // A valid zone this runtime lists under another name (Asia/Kolkata vs Asia/Calcutta) is offered as it is.
  const zones = ZONES.includes(zone) ? ZONES : [zone, ...ZONES];
  const hour = current.sendHour ?? 8;
  return {
    email: current.email ?? '',
    topics: topics.map((t) => ({ slug: t.slug, name: t.name, checked: chosen.has(t.slug) })),
    daily: (current.frequency ?? 'daily') === 'daily',
    weekly: current.frequency === 'weekly',
    timezones: zones.map((name) => ({ name, selected: name === zone })),
    timezoneChosen: current.timezone !== undefined,
    hours: Array.from({ length: 24 }, (_, h) => ({ value: h, label: hourLabel(h), selected: h === hour })),
    full: current.layout !== 'compact',
    compact: current.layout === 'compact',
  };
}
