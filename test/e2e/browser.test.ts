import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { digestMessage } from '../../src/jobs/deliver/digest-message.js';
import { createServer } from '../../src/web/server.js';
import { SAMPLE_PAGE, fixedClock, freePort, testApp } from '../helpers/env.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { launchChromium } from '../helpers/chromium.js';
import { chromiumAvailable } from '../helpers/system.js';
import { TOPICS } from '../helpers/web.js';

const hasChromium = chromiumAvailable();

/** A page fits a 375-px screen when nothing makes it scroll sideways. */
async function fitsNarrowScreen(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe.runIf(hasChromium)('in a real browser (Chromium, 375 px wide)', () => {
  it('subscribes, confirms, changes preferences from a digest, and unsubscribes by one click', async () => {
    const sink = await startSmtpSink();
    onTestFinished(() => sink.close());
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({
      clock,
      env: { SMTP_URL: sink.url, PUBLIC_URL: base, PAPERBOY_SECRET: 'browser-test-secret-0123456789abcdef' },
    });
    for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const server = createServer(app);
    await server.listen({ port, host: '127.0.0.1' });
    onTestFinished(() => server.close());

    const browser = await launchChromium();
    onTestFinished(() => browser.close());
    const context = await browser.newContext({
      viewport: { width: 375, height: 812 },
      timezoneId: 'Europe/Berlin',
      locale: 'en-GB',
    });
    const page = await context.newPage();

    // 1. Open the home page: the script preselects the browser's time zone.
    await page.goto(`${base}/`);
    expect(await fitsNarrowScreen(page)).toBe(true);
    expect(await page.locator('select[name=timezone]').inputValue()).toBe('Europe/Berlin');

    // 2. Subscribe to two topics, weekly, at 07:00.
    await page.getByLabel('Email address').fill('ada@example.org');
    await page.getByLabel('Neural architecture search').check();
    await page.getByLabel('LLM serving').check();
    await page.getByLabel('Weekly (Mondays)').check();
    await page.locator('select[name=hour]').selectOption('7');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Check your inbox');
    expect(await fitsNarrowScreen(page)).toBe(true);

    // 3. One confirmation email arrives; its link opens a page with a button.
    await expect.poll(() => sink.messages.length, { timeout: 20_000 }).toBe(1);
    const confirmLink = /https?:\/\/\S+\/confirm\/[\w-]+/.exec(sink.messages[0]!.mail.text ?? '')?.[0];
    expect(confirmLink).toBeDefined();
    await page.goto(confirmLink!);
    expect(await page.locator('h1').textContent()).toBe('Confirm your subscription');
    expect((await app.store.findSubscriberByEmail('ada@example.org'))?.status).toBe('pending');
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('You are subscribed');
    const subscriber = await app.store.findSubscriberByEmail('ada@example.org');
    expect(subscriber).toMatchObject({
      status: 'confirmed',
      timezone: 'Europe/Berlin',
      sendHour: 7,
      frequency: 'weekly',
    });

    // 4. A digest reaches the subscriber; its preferences link opens the form.
    const frozen = await app.digests.freeze({ slugs: ['nas'], kind: 'day', at: new Date('2026-11-25T08:00:00Z') });
    if (frozen.status === 'empty') throw new Error('expected a digest');
    const mailer = await app.mailer();
    await mailer.send(
      digestMessage({
        digest: frozen.digest,
        to: subscriber!.email,
        tokenSubject: subscriber!.id,
        deliveryId: 'delivery-browser-1',
        topicNames: 'Neural architecture search',
        config: app.config,
        secret: app.secret,
        date: clock(),
      }),
    );
    await expect.poll(() => sink.messages.length).toBe(2);
    const digestMail = sink.messages[1]!.mail;
    const preferencesLink = /href="([^"]+\/preferences\/[^"]+)"/.exec(String(digestMail.html))?.[1];
    expect(preferencesLink).toBeDefined();
    await page.goto(preferencesLink!);
    expect(await page.locator('h1').textContent()).toBe('Your preferences');
    expect(await fitsNarrowScreen(page)).toBe(true);

    // 5. Change the hour to 09:00 and save.
    await page.locator('select[name=hour]').selectOption('9');
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved.');
    expect((await app.store.getSubscriber(subscriber!.id))?.sendHour).toBe(9);

    // 6. Unsubscribe the way a mail provider does: a one-click POST to the List-Unsubscribe URL.
    const header = digestMail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    const unsubscribeUrl = /<(https?:\/\/[^>]+)>/.exec(header.replace(/\r\n\s+/g, ''))?.[1];
    expect(unsubscribeUrl).toBeDefined();
    const oneClick = await fetch(unsubscribeUrl!, {
      method: 'POST',
      body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
      redirect: 'manual',
    });
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.get('set-cookie')).toBeNull();
    expect((await app.store.getSubscriber(subscriber!.id))?.status).toBe('unsubscribed');

    // The unsubscribe page now says so.
    await page.goto(unsubscribeUrl!);
    expect(await page.locator('main').textContent()).toContain('gets no more digests');
    expect(await fitsNarrowScreen(page)).toBe(true);
    await page.screenshot({ path: `${app.config.dataDir}/unsubscribed.png` });
  });
});
