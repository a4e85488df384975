// Feeds under load, in one run: `paperboy serve` (one Node process) against nginx (one worker)
// serving the same bytes from a file, both on loopback, measured with wrk: full answers (200) and
// conditional requests answered 304 by ETag. Needs the Debian packages wrk and nginx.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePortNumber } from './ports.js';
import { summarise, type Summary } from './stats.js';

const DIST_MAIN = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const SRC_MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url));

/** Why the benchmark cannot run here, or undefined when wrk and nginx are installed. */
export function feedBenchMissing(): string | undefined {
  const missing = ['wrk', 'nginx'].filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
  return missing.length ? `needs ${missing.join(' and ')} (Debian: apt-get install -y ${missing.join(' ')})` : undefined;
}

function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', text: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 20 s:\n${log}`)), 20_000);
    child[stream]!.on('data', (c: Buffer) => {
      log += c.toString();
      if (log.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}):\n${log}`)));
  });
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer`);
}

/** Requests per second from one wrk run. */
function wrk(url: string, seconds: number, headers: string[] = []): number {
  const args = ['-t1', '-c32', `-d${seconds}s`, ...headers.flatMap((h) => ['-H', h]), url];
  const run = spawnSync('wrk', args, { encoding: 'utf8' });
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1];
  if (run.status !== 0 || !rate) throw new Error(`wrk failed: ${run.stderr || run.stdout}`);
  if (/Non-2xx or 3xx responses/.test(run.stdout)) throw new Error(`wrk saw errors:\n${run.stdout}`);
  return Number(rate);
}

export async function benchFeeds(rounds = 3, seconds = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-feeds-'));
  const children: ChildProcess[] = [];
  try {
    const paperboyPort = await freePortNumber();
    const main = existsSync(DIST_MAIN) ? [DIST_MAIN] : ['--import', TSX, SRC_MAIN];
    const paperboy = spawn(process.execPath, [...main, 'serve'], {
      cwd: dir,
      env: { PATH: process.env.PATH, PORT: String(paperboyPort), DIGEST_HOUR_UTC: '23', PUBLIC_URL: 'https://papers.example.org' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(paperboy);
    await waitFor(paperboy, 'stderr', 'Paperboy is serving', 'paperboy serve');
    const feedUrl = `http://127.0.0.1:${paperboyPort}/feed.xml`;
    const first = await fetch(feedUrl);
    const body = Buffer.from(await first.arrayBuffer());
    const etag = first.headers.get('etag')!;

    // nginx: the same bytes from a file, one worker (Paperboy is one process), no access log.
    const www = join(dir, 'www');
    mkdirSync(www);
    writeFileSync(join(www, 'feed.xml'), body);
    const nginxPort = await freePortNumber();
    const conf = join(dir, 'nginx.conf');
    writeFileSync(
      conf,
      `daemon off; worker_processes 1; user root; pid ${dir}/nginx.pid; error_log ${dir}/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; etag on;
  types { application/rss+xml xml; } charset utf-8; charset_types application/rss+xml;
  client_body_temp_path ${dir}/t1; proxy_temp_path ${dir}/t2; fastcgi_temp_path ${dir}/t3; uwsgi_temp_path ${dir}/t4; scgi_temp_path ${dir}/t5;
  server { listen 127.0.0.1:${nginxPort}; root ${www}; }
}
`,
    );
    const nginx = spawn('nginx', ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(nginx);
    const nginxUrl = `http://127.0.0.1:${nginxPort}/feed.xml`;
    await waitForHttp(nginxUrl);
    const nginxFirst = await fetch(nginxUrl);
    const nginxBody = Buffer.from(await nginxFirst.arrayBuffer());
    if (!nginxBody.equals(body)) throw new Error('nginx does not serve the same bytes');
    const nginxEtag = nginxFirst.headers.get('etag')!;

    // Warm both up, then alternate, so both see the same machine.
    wrk(feedUrl, 1);
    wrk(nginxUrl, 1);
    const r = { paperboy: [] as number[], nginx: [] as number[], paperboy304: [] as number[], nginx304: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      r.paperboy.push(wrk(feedUrl, seconds));
      r.nginx.push(wrk(nginxUrl, seconds));
      r.paperboy304.push(wrk(feedUrl, seconds, [`If-None-Match: ${etag}`]));
      r.nginx304.push(wrk(nginxUrl, seconds, [`If-None-Match: ${nginxEtag}`]));
    }
    return {
      bytes: body.length,
      paperboy: summarise(r.paperboy),
      nginx: summarise(r.nginx),
      paperboy304: summarise(r.paperboy304),
      nginx304: summarise(r.nginx304),
      ratios: r.paperboy.map((p, i) => p / r.nginx[i]!),
      ratios304: r.paperboy304.map((p, i) => p / r.nginx304[i]!),
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((res) => setTimeout(res, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}

const rps = (s: Summary) => `median ${s.median.toFixed(0)} req/s (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}, n=${s.runs})`;

export function printFeeds(r: Awaited<ReturnType<typeof benchFeeds>>): void {
  console.log(`feeds under load (wrk -t1 -c32, ${(r.bytes / 1024).toFixed(1)} KB /feed.xml, loopback):`);
  console.log(`  200, Paperboy serve: ${rps(r.paperboy)}`);
  console.log(`  200, nginx (1 worker, same bytes from a file): ${rps(r.nginx)}; Paperboy / nginx per round ${r.ratios.map((x) => x.toFixed(2)).join(', ')}`);
  console.log(`  304 by ETag, Paperboy: ${rps(r.paperboy304)}`);
  console.log(`  304 by ETag, nginx: ${rps(r.nginx304)}; Paperboy / nginx per round ${r.ratios304.map((x) => x.toFixed(2)).join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = feedBenchMissing();
  if (missing) console.log(`feeds under load: NOT MEASURED, ${missing}`);
  else printFeeds(await benchFeeds());
}
