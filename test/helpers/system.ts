import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';
export const CHROMIUM = '/usr/bin/chromium';

/** Says clearly why a test is skipped on a developer machine; under CI=true the missing component fails the run. */
function available(ok: boolean, what: string, install: string): boolean {
  if (!ok) {
    const message = install.startsWith('not reachable')
      ? `${what} is ${install}`
      : `${what} is not installed (${install})`;
    if (process.env.CI === 'true') throw new Error(`${message}: required under CI=true`);
    console.warn(`SKIPPING tests that need ${what}: ${message}`);
  }
  return ok;
}

/** The PostgreSQL the tests use: 127.0.0.1:5432, user postgres, database `test`, trust auth. */
export const TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether that PostgreSQL answers a query. Checked once per test file, in a child process so that
 * the check can stay synchronous (describe.skipIf needs the answer before any test runs).
 */
export function postgresAvailable(): boolean {
  const probe = `const pg = require('pg'); const c = new pg.Client(${JSON.stringify(TEST_PG_URL)});
    c.connect().then(() => c.query('select 1')).then(() => c.end()).then(() => process.exit(0), () => process.exit(1));`;
  const ok =
    spawnSync(process.execPath, ['-e', probe], {
      stdio: 'ignore',
      timeout: 10_000,
      cwd: new URL('../../', import.meta.url).pathname,
    }).status === 0;
  return available(
    ok,
    'PostgreSQL',
    `not reachable at ${TEST_PG_URL}; start it with pg_ctlcluster <version> main start`,
  );
}

/** Whether Debian's Chromium is there for the browser tests. */
export function chromiumAvailable(): boolean {
  return available(existsSync(CHROMIUM), 'Chromium', 'apt-get install -y chromium');
}

/**
 * Whether Debian's python3-feedparser is installed. Tests that need it skip without it on a
 * developer machine, and say so; under CI=true a missing component fails the run instead.
 */
export function feedparserAvailable(): boolean {
  const ok = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import feedparser'], { stdio: 'ignore' }).status === 0;
  return available(ok, 'python3-feedparser', 'apt-get install -y python3-feedparser');
}

/**
 * What a reader shows of a text field: feedparser says whether it is plain text or HTML; HTML is
 * shown with its elements rendered (listed here) and its entities decoded.
 */
export interface ShownText {
  type: string;
  text: string;
  elements: string[];
}

export interface FeedparserResult {
  bozo: number;
  bozo_exception: string | null;
  version: string;
  feed: {
    title: string;
    links: { rel: string; href: string }[];
    shown: { title: ShownText | null; subtitle: ShownText | null };
  };
  entries: {
    id: string;
    title: string;
    link: string;
    summary: string;
    published_parsed: number[] | null;
    author?: string;
    shown: { title: ShownText | null; summary: ShownText | null };
  }[];
}

/** Parses a feed with the real feedparser and returns what it understood; JSON Feed needs its content type. */
export function feedparse(body: string, contentType = 'application/xml'): FeedparserResult {
  const script = `
import sys, json, re, html, feedparser
d = feedparser.parse(sys.stdin.buffer.read(), response_headers={"content-type": sys.argv[1]})
def shown(detail):
  if not detail: return None
  value, kind = detail.get("value", ""), detail.get("type", "text/plain")
  if kind == "text/plain": return {"type": kind, "text": value, "elements": []}
  return {"type": kind, "text": html.unescape(re.sub(r"<[^>]*>", "", value)), "elements": re.findall(r"<([a-zA-Z][\\w-]*)", value)}
print(json.dumps({
  "bozo": int(d.bozo),
  "bozo_exception": str(d.get("bozo_exception")) if d.bozo else None,
  "version": d.version,
  "feed": {"title": d.feed.get("title"), "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in d.feed.get("links", [])],
           "shown": {"title": shown(d.feed.get("title_detail")), "subtitle": shown(d.feed.get("subtitle_detail"))}},
  "entries": [{"id": e.get("id"), "title": e.get("title"), "link": e.get("link"), "summary": e.get("summary"),
               "published_parsed": list(e.published_parsed) if e.get("published_parsed") else None,
               "author": e.get("author"),
               "shown": {"title": shown(e.get("title_detail")), "summary": shown(e.get("summary_detail"))}} for e in d.entries],
}))
`;
  const run = spawnSync(PYTHON, ['-c', script, contentType], { input: body, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`feedparser failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as FeedparserResult;
}
