import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paperboyAsync, startServe } from '../helpers/cli.js';
import { tempDir } from '../helpers/env.js';
import { startFixtureServer } from '../helpers/http-fixtures.js';
import { postForm } from '../helpers/web.js';

const TOKEN = 'admin-token-for-secrets-0123456789';
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** Asserts that a text shows neither the source's password nor its API key. */
function clean(what: string, text: string): void {
  expect(text, what).not.toContain('pa55word');
  expect(text, what).not.toContain('XYZ');
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The fixture server lives in this process: the CLI runs as a child without blocking it.
describe('a source URL with a password and an API key', { timeout: 240_000 }, () => {
  it('is masked on /healthz, /metrics, the admin page and API, in `sources`, CLI errors and logs; files are owner-only whatever the umask', async () => {
    const server = await startFixtureServer();
    server.route('/feed', { status: 500, type: 'text/plain', body: 'internal error' });
    const url = server.url('/feed?api_key=XYZ&page=2').replace('http://', 'http://user:pa55word@');
    const masked = `${server.base.replace('http://', 'http://***@')}/feed?api_key=***&page=2`;
    const cwd = tempDir();
    const data = join(cwd, 'data');
    const sourcesFile = join(cwd, 'sources.json');
    const env = { SOURCES_FILE: sourcesFile, FETCH_RETRIES: '0', ADMIN_TOKEN: TOKEN, DIGEST_HOUR_UTC: '23' };

    // Every file Paperboy makes is owner-only even when the umask would let anyone read it.
    const umask = process.umask(0);
    try {
      const ingest = await paperboyAsync(cwd, ['ingest', url], env);
      expect(ingest.status).toBe(2);
      expect(ingest.stderr).toContain(`paperboy: ${masked}: HTTP 500`);
      clean('ingest error', ingest.stdout + ingest.stderr);
      // The credentials are sent, as a Basic Authorization header (fetch refuses them in the URL).
      expect(server.requestsTo('/feed')[0]?.headers.authorization).toBe(
        `Basic ${Buffer.from('user:pa55word').toString('base64')}`,
      );

      const add = await paperboyAsync(
        cwd,
        ['sources', 'add', 'private', '--format', 'rss', '--url', url, '--cron', '0 6 * * *'],
        env,
      );
      expect(add.status).toBe(0);
      expect(mode(sourcesFile)).toBe('600');

      expect((await paperboyAsync(cwd, ['topics', 'add', 'nas', 'neural architecture search'], env)).status).toBe(0);
      // Not vouched for: the confirmation email goes to the outbox.
      expect(
        (await paperboyAsync(cwd, ['subscribers', 'add', 'reader@example.org', '--topics', 'nas'], env)).status,
      ).toBe(0);
      const emls = readdirSync(join(data, 'outbox'));
      expect(emls).toHaveLength(1);
      expect(mode(join(data, 'outbox'))).toBe('700');
      expect(mode(join(data, 'outbox', emls[0]!))).toBe('600');

      // Files left open by an older version are closed at the next start, and the operator is told.
      chmodSync(join(data, 'paperboy.db'), 0o644);
      chmodSync(join(data, 'outbox'), 0o755);
      chmodSync(sourcesFile, 0o644);

      const serve = startServe(cwd, env);
      try {
        const { base } = await serve.ready;
        // A daily cron that fired since the last attempt (never) runs at start: it fails.
        const health = await waitFor(async () => {
          const text = await (await fetch(`${base}/healthz`)).text();
          return (JSON.parse(text) as { sources: { status: string }[] }).sources[0]?.status === 'failed'
            ? text
            : undefined;
        }, 'the source to fail');
        clean('/healthz', health);
        const source = (JSON.parse(health) as { sources: { url: string; detail: string }[] }).sources[0]!;
        expect(source.url).toBe(masked);
        expect(source.detail).toBe(`${masked}: HTTP 500 (after 1 attempts)`);

        const auth = { authorization: `Bearer ${TOKEN}` };
        const metrics = await (await fetch(`${base}/metrics`, { headers: auth })).text();
        expect(metrics).toContain(`paperboy_source_up{source="${masked}"} 0`);
        clean('/metrics', metrics);
        clean('admin API', await (await fetch(`${base}/admin/api/subscribers`, { headers: auth })).text());
        const login = await postForm(`${base}/admin/login`, { token: TOKEN });
        const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
        const page = await (await fetch(`${base}/admin`, { headers: { cookie } })).text();
        expect(page).toContain('Last runs');
        clean('admin page', page);

        const list = await paperboyAsync(cwd, ['sources', 'list'], env);
        expect(list.status).toBe(3);
        expect(list.stdout).toMatch(new RegExp(`^private\tfailed\t.*\t${masked.replace(/[?*.]/g, '\\$&')}\t`));
        clean('sources list', list.stdout + list.stderr);
        clean('sources list --json', (await paperboyAsync(cwd, ['sources', 'list', '--json'], env)).stdout);
        const run = await paperboyAsync(cwd, ['sources', 'run', 'private'], env);
        expect(run.status).toBe(2);
        expect(run.stdout).toContain(masked);
        clean('sources run', run.stdout + run.stderr);
        // SQLite gives its -wal and -shm files (there while it runs) the database's mode.
        for (const file of ['paperboy.db', 'paperboy.db-wal', 'paperboy.db-shm', 'secret'])
          expect(mode(join(data, file)), file).toBe('600');
      } finally {
        serve.child.kill('SIGTERM');
      }
      expect(await serve.exited).toBe(0);
      const log = serve.log();
      expect(log).toContain('"msg":"source failed"');
      expect(log).toContain('was readable by other users (mode 644): made owner-only');
      expect(log).toContain(`${sourcesFile} holds source credentials and other users can read it`);
      clean('serve logs', log);

      expect(mode(data)).toBe('700');
      expect(mode(join(data, 'outbox'))).toBe('700');
    } finally {
      process.umask(umask);
    }
  });
});
