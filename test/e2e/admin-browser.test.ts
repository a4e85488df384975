import { describe, expect, it, onTestFinished } from 'vitest';
import { createServer } from '../../src/web/server.js';
import { SAMPLE_PAGE, fixedClock, freePort, testApp } from '../helpers/env.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { launchChromium } from '../helpers/chromium.js';
import { chromiumAvailable } from '../helpers/system.js';
import { TOPICS } from '../helpers/web.js';
import { confirmedYesterday } from '../helpers/delivery.js';

const hasChromium = chromiumAvailable();
const TOKEN = 'admin-token-for-browser-0123456789';

describe.runIf(hasChromium)('the admin page in a real browser (Chromium)', () => {
  it('signs in with the token, shows the runs and the chart without any script, and signs out', async () => {
    const sink = await startSmtpSink();
    onTestFinished(() => sink.close());
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock, env: { SMTP_URL: sink.url, PUBLIC_URL: base, ADMIN_TOKEN: TOKEN } });
    for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    for (const email of ['ada@example.org', 'bob@example.org', 'eve@example.org']) {
      await confirmedYesterday(app, { email, topics: ['nas'], timezone: 'UTC', hour: 5 });
    }
    await app.planner.plan(clock());
    await app.deliverer.run({ maxWaitMs: 0 });
    const server = createServer(app);
    await server.listen({ port, host: '127.0.0.1' });
    onTestFinished(() => server.close());

    const browser = await launchChromium();
    onTestFinished(() => browser.close());
    // No script at all: the page must work with JavaScript off.
    const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });

    await page.goto(`${base}/admin`);
    expect(await page.locator('h1').textContent()).toBe('Paperboy admin');
    expect(await page.locator('table').count()).toBe(0);

    await page.getByLabel('Admin token').fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('That is not the admin token.');

    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Admin');
    const cookies = await context.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({ name: 'paperboy_admin', path: '/admin', httpOnly: true, sameSite: 'Strict' }),
    ]);

    // Job, started, took, planned, sent, failed, skipped, outcome.
    const runs = await page
      .locator('#runs tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(runs.map((r) => [r[0], r[3], r[4], r[5], r[6], r[7]])).toEqual(
      expect.arrayContaining([
        ['deliver', '0', '3', '0', '0', 'ok'],
        ['plan', '3', '0', '0', '0', 'ok'],
      ]),
    );
    // The chart is drawn: today's bar holds the three sent deliveries.
    expect(await page.locator('svg.chart rect.sent').count()).toBe(1);
    expect(await page.locator('svg.chart title').last().textContent()).toBe('2026-11-25: 3 sent, 0 failed, 0 skipped');
    const box = await page.locator('svg.chart').boundingBox();
    expect(box!.height).toBeGreaterThan(50);
    expect(await page.locator('#subscribers').textContent()).toContain('confirmed3');
    expect(violations).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Paperboy admin');
    expect(await context.cookies()).toEqual([]);
    await page.goto(`${base}/admin`);
    expect(await page.locator('table').count()).toBe(0);
  });
});
