// `npm run docs:screenshot`: renders the digest of the starter topic `nas` from the sample papers
// and takes the picture of it that README.md shows (docs/images/digest.png). It drives the CLI
// (its contract), in a data folder of its own, so the picture is what a user gets, and needs
// Chromium at /usr/bin/chromium (or CHROMIUM=path).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../test/helpers/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs', 'images', 'digest.png');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TOPIC = 'nas';
// The width of a phone held sideways: the email's 600-px column fills it, as in most mail apps.
const VIEWPORT = { width: 600, height: 900 };

const work = mkdtempSync(join(tmpdir(), 'paperboy-screenshot-'));
try {
  // The CLI from source (no build needed), on a store of its own; emails would go to its outbox.
  const paperboy = (...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], {
      cwd: root,
      env: {
        ...process.env,
        PAPERBOY_DATA_DIR: join(work, 'data'),
        DATABASE_URL: '',
        SMTP_URL: '',
        PUBLIC_URL: 'http://localhost:8080',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });

  // What `npm start` loads on its first run: the sample papers and the starter topic.
  const sampleDir = join(root, 'data', 'sample');
  paperboy(
    'ingest',
    ...readdirSync(sampleDir)
      .filter((f) => !f.startsWith('.'))
      .map((f) => join(sampleDir, f)),
  );
  const topics = JSON.parse(readFileSync(join(root, 'data', 'topics.json'), 'utf8')) as {
    topics: { slug: string; name: string; query: string }[];
  };
  const topic = topics.topics.find((t) => t.slug === TOPIC);
  if (!topic) throw new Error(`data/topics.json has no topic "${TOPIC}"`);
  paperboy('topics', 'add', topic.slug, '--name', topic.name, '--', topic.query);
  paperboy('digest', '--topic', TOPIC, '--out', join(work, 'digest'));

  const browser = await launchChromium(chromiumPath);
  try {
    const page = await browser.newPage({
      viewport: VIEWPORT,
      deviceScaleFactor: 1,
      colorScheme: 'light',
      locale: 'en-GB',
    });
    await page.goto(pathToFileURL(join(work, 'digest', 'digest.html')).href);
    // The first screen of the email: its heading and first papers, as a reader opens it.
    await page.screenshot({ path: out, fullPage: false });
  } finally {
    await browser.close();
  }
  console.log(`${relative(root, out)}: ${Math.round(statSync(out).size / 1024)} KB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
