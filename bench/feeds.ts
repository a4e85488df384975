// Feeds under load, in one run: `paperboy serve` (one Node process, no cluster) against nginx (one
// worker) serving the same bytes from a file, both on loopback, measured with the same wrk
// settings: full answers (200) and conditional requests answered 304 by ETag. Besides the rates,
// the CPU time each server process spent per answer (from /proc), which neighbours on a shared
// machine disturb less than the rates. Needs the Debian packages wrk and nginx.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
  return missing.length
    ? `needs ${missing.join(' and ')} (Debian: apt-get install -y ${missing.join(' ')})`
    : undefined;
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

/** User + system CPU time of a process so far, in microseconds (Linux /proc). */
function cpuMicros(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // USER_HZ is 100 on Linux
}

/** Requests per second from one wrk run, and the CPU time the serving process spent per request. */
function wrk(url: string, seconds: number, serverPid: number, headers: string[] = []): { rate: number; cpuUs: number } {
  const args = ['-t1', '-c32', `-d${seconds}s`, ...headers.flatMap((h) => ['-H', h]), url];
  const cpu0 = cpuMicros(serverPid);
  const run = spawnSync('wrk', args, { encoding: 'utf8' });
  const cpu = cpuMicros(serverPid) - cpu0;
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(run.stdout)?.[1];
  const requests = /(\d+) requests in/.exec(run.stdout)?.[1];
  if (run.status !== 0 || !rate || !requests) throw new Error(`wrk failed: ${run.stderr || run.stdout}`);
  if (/Non-2xx or 3xx responses/.test(run.stdout)) throw new Error(`wrk saw errors:\n${run.stdout}`);
  return { rate: Number(rate), cpuUs: cpu / Number(requests) };
}

/** The pid of nginx's one worker (the child of the master we started). */
function nginxWorker(masterPid: number): number {
  const children = readFileSync(`/proc/${masterPid}/task/${masterPid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (children.length !== 1) throw new Error(`expected one nginx worker, found ${children.length}`);
  return Number(children[0]);
}

export async function benchFeeds(rounds = 3, seconds = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'paperboy-bench-feeds-'));
  const children: ChildProcess[] = [];
  try {
    const paperboyPort = await freePortNumber();
    const main = existsSync(DIST_MAIN) ? [DIST_MAIN] : ['--import', TSX, SRC_MAIN];
    const paperboy = spawn(process.execPath, [...main, 'serve'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        PORT: String(paperboyPort),
        DIGEST_HOUR_UTC: '23',
        PUBLIC_URL: 'https://papers.example.org',
      },
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

    const paperboyPid = paperboy.pid!;
    const nginxPid = nginxWorker(nginx.pid!);

    // Warm both up, then alternate, so both see the same machine.
    const load = [loadavg()[0]!];
    wrk(feedUrl, 1, paperboyPid);
    wrk(nginxUrl, 1, nginxPid);
    const kinds = ['paperboy', 'nginx', 'paperboy304', 'nginx304'] as const;
    const r = Object.fromEntries(kinds.map((k) => [k, [] as { rate: number; cpuUs: number }[]])) as Record<
      (typeof kinds)[number],
      { rate: number; cpuUs: number }[]
    >;
    for (let i = 0; i < rounds; i++) {
      r.paperboy.push(wrk(feedUrl, seconds, paperboyPid));
      r.nginx.push(wrk(nginxUrl, seconds, nginxPid));
      r.paperboy304.push(wrk(feedUrl, seconds, paperboyPid, [`If-None-Match: ${etag}`]));
      r.nginx304.push(wrk(nginxUrl, seconds, nginxPid, [`If-None-Match: ${nginxEtag}`]));
      load.push(loadavg()[0]!);
    }
    const rates = (k: (typeof kinds)[number]) => summarise(r[k].map((x) => x.rate));
    const cpu = (k: (typeof kinds)[number]) => summarise(r[k].map((x) => x.cpuUs));
    return {
      bytes: body.length,
      load,
      paperboy: rates('paperboy'),
      nginx: rates('nginx'),
      paperboy304: rates('paperboy304'),
      nginx304: rates('nginx304'),
      ratios: r.paperboy.map((p, i) => p.rate / r.nginx[i]!.rate),
      ratios304: r.paperboy304.map((p, i) => p.rate / r.nginx304[i]!.rate),
      cpu: {
        paperboy: cpu('paperboy'),
        nginx: cpu('nginx'),
        paperboy304: cpu('paperboy304'),
        nginx304: cpu('nginx304'),
      },
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((res) => setTimeout(res, 300));
    rmSync(dir, { recursive: true, force: true });
  }
}

const rps = (s: Summary) =>
  `median ${s.median.toFixed(0)} req/s (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}, n=${s.runs})`;

const us = (s: Summary) => `${s.median.toFixed(1)} µs (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;

export function printFeeds(r: Awaited<ReturnType<typeof benchFeeds>>): void {
  console.log(
    `feeds under load (wrk -t1 -c32, ${(r.bytes / 1024).toFixed(1)} KB /feed.xml, loopback; Paperboy one Node process, nginx one worker):`,
  );
  console.log(`  load average (1 min) at start and after each round: ${r.load.map((x) => x.toFixed(2)).join(', ')}`);
  console.log(`  200, Paperboy serve: ${rps(r.paperboy)}; CPU per request ${us(r.cpu.paperboy)}`);
  console.log(
    `  200, nginx (same bytes from a file): ${rps(r.nginx)}; CPU per request ${us(r.cpu.nginx)}; Paperboy / nginx per round ${r.ratios.map((x) => x.toFixed(2)).join(', ')}`,
  );
  console.log(`  304 by ETag, Paperboy: ${rps(r.paperboy304)}; CPU per request ${us(r.cpu.paperboy304)}`);
  console.log(
    `  304 by ETag, nginx: ${rps(r.nginx304)}; CPU per request ${us(r.cpu.nginx304)}; Paperboy / nginx per round ${r.ratios304.map((x) => x.toFixed(2)).join(', ')}`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = feedBenchMissing();
  if (missing) console.log(`feeds under load: NOT MEASURED, ${missing}`);
  else printFeeds(await benchFeeds());
}
