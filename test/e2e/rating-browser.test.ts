// The rating page in a real browser (Chromium, a 375-px phone, light and dark): a paper's link
// from the email opens it, the button records, Undo takes it back, the preferences page lists it.
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { signToken } from '../../src/domain/tokens.js';
import { contrastFailures } from '../helpers/contrast.js';
import { frozenDay } from '../helpers/digests.js';
import { SHOWCASE_EDITION } from '../helpers/showcase.js';
import { showcaseServer } from '../helpers/showcase-server.js';
import { chromiumAvailable } from '../helpers/system.js';

const hasChromium = chromiumAvailable();
const SECRET = 'browser-rating-secret-0123456789abcdef';

async function pageIn(browser: Browser, scheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, colorScheme: scheme });
  onTestFinished(() => context.close());
  return context.newPage();
}

describe.runIf(hasChromium)('the rating page in a real browser (Chromium, 375 px)', () => {
  it('records "Not for me" only on the button, undoes it, and reads at AA contrast without scrolling sideways', async () => {
    const { app, base, browser } = await showcaseServer(SECRET);

    const digest = await frozenDay(app, ['nas'], SHOWCASE_EDITION);
    const { subscriber } = await app.subscriptions.addByOperator(
      { email: 'ada@example.org', topics: ['nas'] },
      { confirmed: true },
      { source: 'test' },
    );
    const ada = subscriber!.id;
    const paperId = digest.paperIds[0]!;
    const [paper] = await app.store.getPapers([paperId]);
    const link = `${base}/rate/${signToken(SECRET, 'rate', ada)}/nas/${encodeURIComponent(paperId)}/less`;

    for (const scheme of ['light', 'dark'] as const) {
      const page = await pageIn(browser, scheme);
      expect((await page.goto(link))?.status()).toBe(200);
      expect(await contrastFailures(page), scheme).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)).toBe(false);
    }
    expect(await app.store.listRatings(ada)).toEqual([]);

    const page = await pageIn(browser, 'light');
    await page.goto(link);
    await expect(page.locator('h2').first().textContent()).resolves.toBe(paper!.title);
    // The link said "not for me": that is the first, main button.
    await expect(page.locator('.rate-choices button').first().textContent()).resolves.toBe('Not for me');
    await page.locator('button', { hasText: 'Not for me' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Thank you');
    expect((await app.store.listRatings(ada)).map((r) => [r.paperId, r.value])).toEqual([[paperId, -1]]);
    expect(await contrastFailures(page)).toEqual([]);

    // The preferences page lists it; then Undo on the rating page takes it back.
    const preferences = page.locator('a', { hasText: 'Your preferences and ratings' });
    const href = (await preferences.getAttribute('href'))!;
    await page.locator('button', { hasText: 'Undo' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Rating removed');
    expect(await app.store.listRatings(ada)).toEqual([]);
    await page.goto(href.replace(app.config.publicUrl, base));
    await expect(page.locator('#ratings').textContent()).resolves.toContain('No ratings yet.');
  });
});
