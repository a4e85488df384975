import { simpleParser } from 'mailparser';
import type { App } from '../../src/app.js';
import type { Digest } from '../../src/domain/digest.js';
import { digestMessage } from '../../src/jobs/deliver/digest-message.js';
import { composeEml } from '../../src/mail/compose.js';
import type { Received } from './smtp-sink.js';

/** The daily edition of these topics frozen at `at` (08:00 UTC on 25 Nov 2026 unless given); throws when it would be empty. */
export async function frozenDay(
  app: App,
  slugs: string[],
  at: Date | string = '2026-11-25T08:00:00Z',
): Promise<Digest> {
  const result = await app.digests.freeze({ slugs, kind: 'day', at: new Date(at) });
  if (result.status === 'empty') throw new Error('expected a digest');
  return result.digest;
}

/** The digest as ada@example.org's mail client reads it back (`topicNames` as the email names them): composed, parsed. */
export async function receivedDigest(app: App, topicNames: string, digest: Digest) {
  const message = digestMessage({
    digest,
    to: 'ada@example.org',
    tokenSubject: 'subscriber-1',
    deliveryId: 'delivery-1',
    topicNames,
    config: app.config,
    secret: app.secret,
    date: new Date('2026-11-25T08:00:00Z'),
  });
  const mail = await simpleParser(await composeEml(message));
  return { html: mail.html || '', text: mail.text ?? '' };
}

/** The emails the sink received for an address on a day (its subject names the day, e.g. "25 November"). */
export function emailsOn(messages: readonly Received[], to: string, day: string): Received[] {
  const label = new Date(day).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' });
  return messages.filter((m) => m.envelopeTo[0] === to && String(m.mail.subject).includes(label));
}
