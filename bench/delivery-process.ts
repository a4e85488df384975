// One sending process of bench/delivery.ts's run in several processes, as an operator runs
// `paperboy send` (or `paperboy worker`) more than once on one store: opens the store prepared in
// `argv[2]` (the warm-up store in `argv[3]` first, so that the sending path is compiled before the
// timed part, as in the single-process run), says "ready", delivers what is due on "go", and
// prints its count and CPU time as one JSON line.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { silentLogger } from '../src/log.js';

const [root, store, warmUp] = [process.env.BENCH_PROCESS_TREE!, process.argv[2]!, process.argv[3]];
const { createApp } = (await import(pathToFileURL(join(root, 'src/app.ts')).href)) as typeof import('../src/app.js');
const { loadConfig } = (await import(
  pathToFileURL(join(root, 'src/config.ts')).href
)) as typeof import('../src/config.js');

/** The settings of the parent's run (SMTP_URL, SMTP_CONNECTIONS…), read from the environment. */
const open = (dir: string) => createApp(loadConfig(process.env, dir), { logger: silentLogger });

if (warmUp) {
  const app = await open(warmUp);
  await app.deliverer.run({ maxWaitMs: 0 });
  await app.close();
}
const app = await open(store);
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line === 'go') break;
const cpu = process.cpuUsage();
const summary = await app.deliverer.run({ maxWaitMs: 0 });
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ sent: summary.sent, cpuUs: used.user + used.system, end: Date.now() })}\n`);
await app.close();
lines.close();
