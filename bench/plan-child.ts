// One timed planning run in a process of its own, so its peak RSS is the planner's alone.
// argv: <sqlite file> plan|bare [ISO time, default PLAN_AT]. Prints one JSON line: { ms, maxRssMb, report }.
import Database from 'better-sqlite3';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { PLAN_AT } from './plan-data.js';

// CPU time of this process (user + system): what neighbours on a shared machine disturb least.
const cpuOf = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

const [path, mode, atArg] = process.argv.slice(2) as [string, 'plan' | 'bare', string | undefined];
const AT = atArg ? new Date(atArg) : PLAN_AT;

if (mode === 'plan') {
  // SHOW_REVISED_PAPERS passes through, so one data set is planned with the option off and on.
  const env = {
    DATABASE_URL: path,
    PAPERBOY_SECRET: 'bench-secret-0123456789abcdef0123456789',
    SHOW_REVISED_PAPERS: process.env.SHOW_REVISED_PAPERS ?? '',
  };
  const app = await createApp(loadConfig(env), {
    clock: () => AT,
    logger: silentLogger,
  });
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  const report = await app.planner.plan(AT);
  const ms = performance.now() - t0;
  const cpuMs = cpuOf(process.cpuUsage(cpu));
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  // The scheduler plans every minute: a minute later everything is planned, and this is what it costs.
  const t1 = performance.now();
  const again = await app.planner.plan(new Date(AT.getTime() + 60_000));
  const idleMs = performance.now() - t1;
  if (again.deliveriesCreated !== 0) throw new Error('the second run planned again');
  await app.close();
  console.log(JSON.stringify({ ms, cpuMs, maxRssMb, idleMs, report }));
} else {
  // The floor: one INSERT … SELECT writing a pending delivery for every confirmed subscriber into
  // a single stored digest, in one transaction: the rows alone, with no grouping, ranking or rendering.
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const at = AT.toISOString();
  db.prepare(`INSERT INTO digests (id, topic_set, period_kind, period_key, period_start, period_end, window_start, cutoff_at, created_at, subject, paper_ids, html, text)
              VALUES ('bare', 'bare', 'week', '2026-W48', ?, ?, ?, ?, ?, 's', '[]', 'h', 't')`).run(at, at, at, at, at);
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  const n = db
    .prepare(`INSERT INTO deliveries (id, digest_id, subscriber_id, email, status, next_attempt_at, message_id, created_at, updated_at)
              SELECT 'dlv_' || hex(randomblob(9)), 'bare', id, email, 'pending', @at, hex(randomblob(9)) || '@bench', @at, @at
              FROM subscribers WHERE status = 'confirmed'`)
    .run({ at }).changes;
  const ms = performance.now() - t0;
  const cpuMs = cpuOf(process.cpuUsage(cpu));
  db.close();
  console.log(
    JSON.stringify({ ms, cpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024, report: { deliveriesCreated: n } }),
  );
}
