// Renders what readers see, in Chromium, to PNG files for review: digest emails (one topic and
// three, each layout, light and dark) and the site's main pages, at 375 px (a phone) and 1200 px.
//
//   npm run screenshots            # writes screenshots/*.png (git-ignored) and lists them
//   npm run screenshots -- email   # only those whose name contains "email"
//
// Uses Debian's Chromium (/usr/bin/chromium) through playwright-core; no browser is downloaded.
// The data: the sample Daily Papers page, a few papers as Hugging Face's API gives them (arXiv
// ids, upvotes, AI summaries, code), and one paper no source gave a page for.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Digest } from '../src/domain/digest.js';
import { signToken } from '../src/domain/tokens.js';
import { digestMessage } from '../src/jobs/digest-message.js';
import { silentLogger } from '../src/log.js';
import { PACKAGE_ROOT, SAMPLE_DATA_DIR } from '../src/paths.js';
import { createServer } from '../src/web/server.js';

export const SCREENSHOTS_DIR = join(PACKAGE_ROOT, 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const SECRET = 'screenshots-secret-0123456789abcdef';
const WIDTHS = [375, 1200] as const;
const SCHEMES = ['light', 'dark'] as const;

export const SCREENSHOT_TOPICS = [
  { slug: 'nas', name: 'Neural architecture search', query: '"neural architecture search" OR NAS' },
  { slug: 'llm-serving', name: 'LLM serving', query: '"LLM serving" OR "language model" serving OR inference' },
  { slug: 'detection', name: 'Object detection', query: '"object detection" OR detector' },
];

/** Papers as Hugging Face's daily papers API gives them: what a digest can link and say most about. */
function hfPapers(): unknown[] {
  const paper = (id: string, title: string, summary: string, extra: Record<string, unknown>) => ({
    paper: {
      id,
      title,
      summary,
      authors: [{ name: 'Ada Lovelace' }, { name: 'Alan Turing' }, { name: 'Grace Hopper' }],
      publishedAt: '2026-11-30T17:59:58.000Z',
      upvotes: 0,
      ...extra,
    },
    publishedAt: '2026-12-01T01:12:09.611Z',
    title,
    summary,
  });
  return [
    paper(
      '2611.30001',
      'Once-for-All Serving: Neural Architecture Search for LLM Serving on Shared GPUs',
      'We search for model architectures that serve large language models at a target latency on shared GPUs. Our neural architecture search (NAS) co-designs the network and the batching policy. It halves tail latency at equal quality across four serving traces, and the search itself costs one GPU-day.',
      { upvotes: 128, ai_summary: 'A NAS method co-designs LLM architectures and batching to halve serving tail latency.', githubRepo: 'https://github.com/example/ofa-serving' },
    ),
    paper(
      '2611.30002',
      'Speculative Decoding Without a Draft Model for Language Model Serving',
      'Language model serving spends most of its time waiting on memory. We let the model draft its own continuations from a cheap early exit and verify them in one pass. Throughput rises 2.1x on chat workloads with no change in outputs.',
      { upvotes: 64, ai_summary: 'Self-drafting speculative decoding doubles LLM serving throughput without a draft model.' },
    ),
    paper(
      '2611.30003',
      'Open-Vocabulary Object Detection from Captions Alone',
      'We train an object detector from image captions without a single box. Region–word alignment learned from 10 million captioned images transfers to unseen classes. On LVIS rare classes it beats box-supervised detectors by 4 AP.',
      { upvotes: 41, githubRepo: 'https://github.com/example/caption-det' },
    ),
  ];
}

/** A paper no source gave a link or an arXiv id for: the digest offers a search, not a paper page. */
const UNLINKED = {
  papers: [
    {
      title: 'Evolutionary Neural Architecture Search for Tiny Microcontrollers',
      abstract: 'We run neural architecture search under 256 KB of memory. An evolutionary search with a memory-aware cost model finds networks that fit microcontrollers and match larger baselines.',
      authors: ['Edsger Dijkstra'],
    },
  ],
};

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

async function setUp(base: string, dataDir: string): Promise<App> {
  // Tuesday 1 December 2026: the sample page and the papers of the day arrive; digests go out on the 2nd.
  let now = new Date('2026-12-01T10:00:00Z');
  const clock = () => new Date(now);
  const config = loadConfig({ PUBLIC_URL: base, PAPERBOY_SECRET: SECRET, MAIL_FROM: 'Paperboy <digest@papers.example.org>', DIGEST_MAX_PAPERS: '25' }, dataDir);
  const app = await createApp(config, { clock, logger: silentLogger });
  for (const t of SCREENSHOT_TOPICS) await app.store.saveTopic(t, clock().toISOString());
  const hf = join(dataDir, 'hf-daily.json');
  writeFileSync(hf, JSON.stringify(hfPapers()));
  const unlinked = join(dataDir, 'unlinked.json');
  writeFileSync(unlinked, JSON.stringify(UNLINKED));
  await app.ingester.ingestFiles([join(SAMPLE_DATA_DIR, 'daily-papers-2024-03-21.txt'), hf, unlinked]);
  now = new Date('2026-12-02T08:00:00Z');
  return app;
}

async function freeze(app: App, slugs: string[]): Promise<Digest> {
  const result = await app.digests.freeze(slugs, 'day', new Date('2026-12-02T08:00:00Z'));
  if (result.status === 'empty') throw new Error(`no papers for ${slugs.join(', ')}`);
  return result.digest;
}

/** The email one subscriber gets, as their mail client would show it. */
function emailHtml(app: App, digest: Digest): string {
  return digestMessage({
    digest,
    to: 'ada@example.org',
    tokenSubject: 'sub-screenshots',
    deliveryId: 'delivery-screenshots',
    topicNames: digest.topicSet,
    config: app.config,
    secret: SECRET,
    date: new Date('2026-12-02T08:00:00Z'),
  }).html as string;
}

async function shoot(browser: Browser, out: string, name: string, load: (page: Page) => Promise<unknown>, only: string): Promise<string[]> {
  const files: string[] = [];
  if (!name.includes(only)) return files;
  for (const scheme of SCHEMES) {
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, locale: 'en-GB', timezoneId: 'UTC' });
      const page = await context.newPage();
      await load(page);
      const file = `${name}-${width}-${scheme}.png`;
      await page.screenshot({ path: join(out, file), fullPage: true });
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
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // The server's address must be known before the app is made: the links in emails point there.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = await setUp(base, dataDir);
  const server = createServer(app);
  await server.listen({ port, host: '127.0.0.1' });
  const shots: Shot[] = [];
  const add = (files: string[], shows: string) => files.forEach((file) => shots.push({ file, shows }));
  try {
    const one = await freeze(app, ['nas']);
    const three = await freeze(app, SCREENSHOT_TOPICS.map((t) => t.slug));
    for (const [name, digest, shows] of [
      ['email-one-topic-full', one, 'the digest email of one topic (Neural architecture search), full abstracts'],
      ['email-three-topics-full', three, 'the digest email of three topics, a section each, full abstracts'],
    ] as const) {
      const html = emailHtml(app, digest);
      add(await shoot(browser, out, name, (page) => page.setContent(html, { waitUntil: 'load' }), only), shows);
    }
    const subscriber = await app.subscriptions.addByOperator({ email: 'ada@example.org', topics: ['nas', 'llm-serving'] }, { confirmed: true }, { source: 'screenshots' });
    const preferences = signToken(SECRET, 'preferences', subscriber.subscriber!.id);
    for (const [name, path, shows] of [
      ['page-home', '/', 'the home page: topics, subscribe form, latest digest links'],
      ['page-topic', '/topics/nas', "a topic's page: its digests, papers and a form to subscribe to it"],
      ['page-digest-one-topic', `/digests/${one.id}`, 'the web copy of the one-topic digest, in the site layout'],
      ['page-digest-three-topics', `/digests/${three.id}`, 'the web copy of the three-topic digest, in the site layout'],
      ['page-more', `/digests/${three.id}/more`, "the three-topic digest's \"more\" page, per topic with counts"],
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
  for (const s of shots) console.log(`${join('screenshots', s.file)}  ${s.shows}`);
}
