import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createServer } from '../../src/web/server.js';
import { launchChromium } from '../helpers/chromium.js';
import { confirmedYesterday } from '../helpers/delivery.js';
import { FIXTURES, SAMPLE_PAGE, fixedClock, freePort, testApp } from '../helpers/env.js';
import { startFixtureServer } from '../helpers/http-fixtures.js';
import { chromiumAvailable } from '../helpers/system.js';
import { TOPICS } from '../helpers/web.js';

const fitsNarrowScreen = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe.runIf(chromiumAvailable())('the preferences page in a real browser (Chromium, 375 px wide)', () => {
  it('makes a topic from an uploaded BibTeX file, says what it read, and makes and replaces a feed address', async () => {
    const arxiv = await startFixtureServer();
    arxiv.route('/api/query', {
      body: readFileSync(`${FIXTURES}library/arxiv-id-list.xml`, 'utf8'),
      type: 'application/atom+xml',
    });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const clock = fixedClock('2026-11-25T06:00:00Z');
    const app = await testApp({ clock, env: { PUBLIC_URL: base, ARXIV_API_URL: arxiv.url('/api/query') } });
    for (const t of TOPICS) await app.store.saveTopic(t, clock().toISOString());
    await app.ingester.ingestFiles([SAMPLE_PAGE]);
    const ada = await confirmedYesterday(app, { email: 'ada@example.org', topics: ['nas'] });
    const server = createServer(app);
    await server.listen({ port, host: '127.0.0.1' });
    onTestFinished(() => server.close());

    const browser = await launchChromium();
    onTestFinished(() => browser.close());
    const page = await (await browser.newContext({ viewport: { width: 375, height: 812 } })).newPage();
    await page.goto(app.subscriptions.links(ada.id).preferencesUrl);
    expect(await page.getByRole('heading', { name: 'Your topics' }).isVisible()).toBe(true);
    expect(await fitsNarrowScreen(page)).toBe(true);

    // No topic yet: the form to make one is open.
    await page.getByLabel('Name').last().fill('Routing & search');
    await page.getByLabel('Words').last().fill('neural architecture search');
    await page.locator('#new-topic input[type=file]').setInputFiles({
      name: 'My Library.bib',
      mimeType: 'application/x-bibtex',
      buffer: readFileSync(`${FIXTURES}library/my-library.bib`),
    });
    await page.getByRole('button', { name: 'Create topic' }).click();
    const report = page.locator('#library-report');
    await expect.poll(() => report.textContent()).toContain('Saved “Routing & search”. Read 7 entries');
    expect(await report.textContent()).toContain('onlydoi (line 37): only a DOI');
    expect(await page.getByRole('heading', { name: 'Routing & search' }).isVisible()).toBe(true);
    expect(await fitsNarrowScreen(page)).toBe(true);

    await page.getByRole('button', { name: 'Make my feed address' }).click();
    const rss = page.getByLabel('RSS feed address');
    await expect.poll(() => rss.inputValue()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/me\/[\w-]{43}\/feed\.xml$/);
    const first = await rss.inputValue();
    expect((await fetch(first)).status).toBe(200);
    await page.getByRole('button', { name: 'Replace the address' }).click();
    await expect.poll(() => page.locator('#your-feed .notice').textContent()).toContain('the old one no longer works');
    expect(await rss.inputValue()).not.toBe(first);
    expect((await fetch(first)).status).toBe(404);
    expect(await fitsNarrowScreen(page)).toBe(true);
  });
});
