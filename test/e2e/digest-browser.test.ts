import type { Browser, Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { App } from '../../src/app.js';
import type { Digest } from '../../src/domain/digest.js';
import { LAYOUTS, type Layout } from '../../src/domain/subscriber.js';
import { signToken } from '../../src/domain/tokens.js';
import { digestMessage } from '../../src/jobs/deliver/digest-message.js';
import { contrastFailures } from '../helpers/contrast.js';
import { frozenDay } from '../helpers/digests.js';
import { SHOWCASE_EDITION, SHOWCASE_TOPICS } from '../helpers/showcase.js';
import { showcaseServer } from '../helpers/showcase-server.js';
import { chromiumAvailable } from '../helpers/system.js';

// What a reader sees of digests and the site in a real browser (Chromium), light and dark, on a
// 375-px phone: every text at WCAG AA contrast, nothing scrolling sideways.

const hasChromium = chromiumAvailable();
const SECRET = 'browser-digest-secret-0123456789abcdef';
const SCHEMES = ['light', 'dark'] as const;

function emailHtml(app: App, digest: Digest, layout: Layout = 'full'): string {
  return digestMessage({
    layout,
    digest,
    to: 'ada@example.org',
    tokenSubject: 'sub-1',
    deliveryId: 'delivery-1',
    topicNames: digest.editionKey,
    config: app.config,
    secret: SECRET,
    date: SHOWCASE_EDITION,
  }).html as string;
}

async function pageIn(browser: Browser, scheme: (typeof SCHEMES)[number]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, colorScheme: scheme });
  onTestFinished(() => context.close());
  return context.newPage();
}

const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe.runIf(hasChromium)('digests in a real browser (Chromium, 375 px)', () => {
  it('read at AA contrast in light and dark, with a dark scheme of their own, and the lead jumps to its entries', async () => {
    const { app, browser } = await showcaseServer(SECRET);
    for (const slugs of [['nas'], SHOWCASE_TOPICS.map((t) => t.slug)]) {
      const digest = await frozenDay(app, slugs, SHOWCASE_EDITION);
      const html = emailHtml(app, digest);
      for (const [scheme, layout] of SCHEMES.flatMap((scheme) => LAYOUTS.map((layout) => [scheme, layout] as const))) {
        const page = await pageIn(browser, scheme);
        await page.setContent(emailHtml(app, digest, layout));
        expect(await contrastFailures(page), `${slugs.join(',')} ${scheme} ${layout}`).toEqual([]);
        expect(await scrollsSideways(page)).toBe(false);
        const card = await page
          .locator('.pb-card')
          .first()
          .evaluate((el) => getComputedStyle(el).backgroundColor);
        expect(card).toBe(scheme === 'dark' ? 'rgb(31, 32, 35)' : 'rgb(255, 255, 255)');
      }
      // The lead's third pick: following it brings its entry to the top of the screen.
      const page = await pageIn(browser, 'light');
      await page.setContent(html);
      const pick = page.locator('.lead a').nth(2);
      const target = (await pick.getAttribute('href'))!;
      await pick.click();
      const top = await page.locator(target).evaluate((el) => el.getBoundingClientRect().top);
      expect(Math.abs(top)).toBeLessThan(2);
    }
  });

  it('in the compact layout, 25 papers of three topics take about four and a half phone screens, about a third of the full layout', async () => {
    const { app, browser } = await showcaseServer(SECRET);
    const digest = await frozenDay(
      app,
      SHOWCASE_TOPICS.map((t) => t.slug),
      SHOWCASE_EDITION,
    );
    expect(digest.paperIds.length).toBeGreaterThanOrEqual(25);
    const height = async (layout: Layout) => {
      const page = await pageIn(browser, 'light');
      await page.setContent(emailHtml(app, digest, layout));
      return page.evaluate(() => document.documentElement.scrollHeight);
    };
    const compact = await height('compact');
    const full = await height('full');
    // 4.36 screens with Debian's Chromium and fonts (3.96 before each paper had its "More like this"
    // and "Not for me" links, inline after "more"); a little room for another machine's font metrics.
    expect(compact / 812).toBeLessThanOrEqual(4.6);
    // Under a third of the full layout before the rating links; 0.34 with them.
    expect(compact).toBeLessThan(full * 0.35);
  });

  it("the site's pages read at AA contrast in light and dark, and fit a phone", async () => {
    const { app, base, browser } = await showcaseServer(SECRET);
    const one = await frozenDay(app, ['nas'], SHOWCASE_EDITION);
    const three = await frozenDay(
      app,
      SHOWCASE_TOPICS.map((t) => t.slug),
      SHOWCASE_EDITION,
    );
    const added = await app.subscriptions.addByOperator(
      { email: 'ada@example.org', topics: ['nas'] },
      { confirmed: true },
      { source: 'test' },
    );
    const paths = [
      '/',
      '/topics/nas',
      `/digests/${one.id}`,
      `/digests/${three.id}`,
      `/digests/${three.id}/more`,
      `/preferences/${signToken(SECRET, 'preferences', added.subscriber!.id)}`,
    ];
    for (const scheme of SCHEMES) {
      const page = await pageIn(browser, scheme);
      for (const path of paths) {
        expect((await page.goto(`${base}${path}`))?.status()).toBe(200);
        expect(await contrastFailures(page), `${path} ${scheme}`).toEqual([]);
        expect(await scrollsSideways(page), path).toBe(false);
      }
    }
    // A link's words stay on one line: "Latest digest (2026-12-02)" does not break inside the date.
    const page = await pageIn(browser, 'light');
    await page.goto(`${base}/`);
    const latest = page.locator('.feeds a', { hasText: 'Latest digest' });
    expect(await latest.count()).toBeGreaterThan(0);
    for (const lines of await latest.evaluateAll((links) =>
      links.map((a) => new Set([...a.getClientRects()].map((r) => Math.round(r.top))).size),
    )) {
      expect(lines).toBe(1);
    }
  });
});
