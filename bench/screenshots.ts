// Renders what readers see, in Chromium, to PNG files for review: digest emails (one topic and
// three, each layout, light and dark) and the site's main pages, at 375 px (a phone) and 1200 px.
//
//   npm run screenshots            # writes screenshots/*.png (git-ignored) and lists them
//   npm run screenshots -- email   # only those whose name contains "email"
//
// Uses Debian's Chromium (/usr/bin/chromium) through playwright-core; no browser is downloaded.
// The data: test/helpers/showcase.ts. Text below WCAG AA contrast on any of them is printed
// (test/helpers/contrast.ts measures it in the browser).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { App } from '../src/app.js';
import type { Digest } from '../src/domain/digest.js';
import type { Layout } from '../src/domain/subscriber.js';
import { signToken } from '../src/domain/tokens.js';
import { digestMessage } from '../src/jobs/deliver/digest-message.js';
import { PACKAGE_ROOT } from '../src/paths.js';
import { createServer } from '../src/web/server.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { contrastFailures } from '../test/helpers/contrast.js';
import { SHOWCASE_EDITION, SHOWCASE_TOPICS, showcaseApp } from '../test/helpers/showcase.js';

export const SCREENSHOTS_DIR = join(PACKAGE_ROOT, 'screenshots');
const SECRET = 'screenshots-secret-0123456789abcdef';
const WIDTHS = [375, 1200] as const;
const SCHEMES = ['light', 'dark'] as const;

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

interface Shot {
  file: string;
  shows: string;
}

async function freeze(app: App, slugs: string[]): Promise<Digest> {
  const result = await app.digests.freeze({ slugs, kind: 'day', at: SHOWCASE_EDITION });
  if (result.status === 'empty') throw new Error(`no papers for ${slugs.join(', ')}`);
  return result.digest;
}

/** The email one subscriber gets, as their mail client would show it. */
function emailHtml(app: App, digest: Digest, layout: Layout): string {
  return digestMessage({
    layout,
    digest,
    to: 'ada@example.org',
    tokenSubject: 'sub-screenshots',
    deliveryId: 'delivery-screenshots',
    topicNames: digest.editionKey,
    config: app.config,
    secret: SECRET,
    date: new Date('2026-12-02T08:00:00Z'),
  }).html as string;
}

/** Each 375-px screenshot's page height: how many phone screens (812 px) a reader scrolls. */
export const heights = new Map<string, number>();

async function shoot(
  browser: Browser,
  out: string,
  name: string,
  load: (page: Page) => Promise<unknown>,
  only: string,
): Promise<string[]> {
  const files: string[] = [];
  if (!name.includes(only)) return files;
  for (const scheme of SCHEMES) {
    for (const width of WIDTHS) {
      const context = await browser.newContext({
        viewport: { width, height: 900 },
        colorScheme: scheme,
        locale: 'en-GB',
        timezoneId: 'UTC',
      });
      const page = await context.newPage();
      await load(page);
      const file = `${name}-${width}-${scheme}.png`;
      for (const f of await contrastFailures(page)) {
        console.warn(`${file}: "${f.text}" ${f.color} on ${f.background} is ${f.ratio}:1, below ${f.needed}:1`);
      }
      await page.screenshot({ path: join(out, file), fullPage: true });
      if (width === 375) heights.set(file, await page.evaluate(() => document.documentElement.scrollHeight));
      await context.close();
      files.push(file);
    }
  }
  return files;
}

/** Takes every screenshot, or those whose name contains `only`. */
export async function takeScreenshots(out = SCREENSHOTS_DIR, only = ''): Promise<Shot[]> {
  mkdirSync(out, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-screenshots-'));
  const browser = await launchChromium();
  // The server's address must be known before the app is made: the links in emails point there.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await showcaseApp(base, dataDir, SECRET);
  const server = createServer(app);
  await server.listen({ port, host: '127.0.0.1' });
  const shots: Shot[] = [];
  const add = (files: string[], shows: string) => {
    for (const file of files) shots.push({ file, shows });
  };
  try {
    const one = await freeze(app, ['nas']);
    const three = await freeze(
      app,
      SHOWCASE_TOPICS.map((t) => t.slug),
    );
    for (const [name, digest, layout, shows] of [
      [
        'email-one-topic-full',
        one,
        'full',
        'the digest email of one topic (Neural architecture search), full abstracts',
      ],
      ['email-three-topics-full', three, 'full', 'the digest email of three topics, a section each, full abstracts'],
      ['email-one-topic-compact', one, 'compact', 'the same one-topic digest in the compact layout'],
      ['email-three-topics-compact', three, 'compact', 'the same three-topic digest in the compact layout (25 papers)'],
    ] as const) {
      const html = emailHtml(app, digest, layout);
      add(await shoot(browser, out, name, (page) => page.setContent(html, { waitUntil: 'load' }), only), shows);
    }
    const subscriber = await app.subscriptions.addByOperator(
      { email: 'ada@example.org', topics: ['nas', 'llm-serving'] },
      { confirmed: true },
      { source: 'screenshots' },
    );
    const preferences = signToken(SECRET, 'preferences', subscriber.subscriber!.id);
    for (const [name, path, shows] of [
      ['page-home', '/', 'the home page: topics, subscribe form, latest digest links'],
      ['page-topic', '/topics/nas', "a topic's page: its digests, papers and a form to subscribe to it"],
      ['page-digest-one-topic', `/digests/${one.id}`, 'the web copy of the one-topic digest, in the site layout'],
      [
        'page-digest-three-topics',
        `/digests/${three.id}`,
        'the web copy of the three-topic digest, in the site layout',
      ],
      ['page-more', `/digests/${three.id}/more`, 'the three-topic digest\'s "more" page, per topic with counts'],
      ['page-preferences', `/preferences/${preferences}`, 'the preferences page'],
    ] as const) {
      add(await shoot(browser, out, name, (page) => page.goto(`${base}${path}`), only), shows);
    }
  } finally {
    await browser.close();
    await server.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return shots;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `npm run screenshots -- email-three` takes only the screenshots whose name contains that.
  const shots = await takeScreenshots(SCREENSHOTS_DIR, process.argv[2] ?? '');
  for (const s of shots) {
    const height = heights.get(s.file);
    const screens = height ? `  (${height} px, ${(height / 812).toFixed(1)} screens of 812 px)` : '';
    console.log(`${join('screenshots', s.file)}  ${s.shows}${screens}`);
  }
}
