import { onTestFinished } from 'vitest';
import type { App } from '../../src/app.js';
import { SAMPLE_PAGE, runningClock, testApp } from './env.js';
import { TOPICS } from './web.js';

const PLAN_AT = '2026-11-25T08:00:30Z';

/** An app whose clock runs from just after 08:00 UTC, with the sample papers and topics, sending to `smtpUrl`. */
export async function deliveryApp(smtpUrl: string, env: Record<string, string> = {}): Promise<App> {
  const clock = runningClock(PLAN_AT);
  const app = await testApp({
    clock,
    env: {
      SMTP_URL: smtpUrl,
      DELIVERY_BACKOFF_MS: '20',
      DELIVERY_MAX_ATTEMPTS: '4',
      PAPERBOY_SECRET: 'delivery-test-secret-0123456789abcdef',
      ...env,
    },
  });
  for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
  await app.ingester.ingestFiles([SAMPLE_PAGE]);
  return app;
}

/**
 * Adds a confirmed subscriber who confirmed a day before the app's clock, so the send time that
 * passed today is theirs (a subscriber's first digest is the first one due after confirming).
 */
export async function confirmedYesterday(
  app: App,
  input: { email: string; topics: string[]; timezone?: string; hour?: number; frequency?: string },
) {
  const { subscriber } = await app.subscriptions.addByOperator(input, { confirmed: true }, { source: 'test' });
  const dayBefore = new Date(app.clock().getTime() - 86_400_000).toISOString();
  await app.store.saveSubscribers([{ subscriber: { ...subscriber!, confirmedAt: dayBefore }, events: [] }]);
  return subscriber!;
}

/** Confirmed daily subscribers to `nas` at 08:00 UTC, confirmed the day before. */
export async function confirmed(app: App, emails: readonly string[], extra: { timezone?: string; hour?: number } = {}) {
  const ids: string[] = [];
  for (const email of emails) {
    const subscriber = await confirmedYesterday(app, {
      email,
      topics: ['nas'],
      timezone: extra.timezone ?? 'UTC',
      hour: extra.hour ?? 8,
    });
    ids.push(subscriber.id);
  }
  return ids;
}

export async function closeLater<T extends { close(): Promise<void> }>(thing: T): Promise<T> {
  onTestFinished(() => thing.close());
  return thing;
}
