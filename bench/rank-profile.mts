import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { PLAN_AT } from './plan-data.js';
import { topicRanking } from '../src/jobs/select/pick.js';
import { backgroundPapers } from '../src/jobs/select/background.js';
import { ratingsUnder } from '../src/jobs/edition/reader-editions.js';
const app = await createApp(loadConfig({ DATABASE_URL: process.argv[2]!, PAPERBOY_SECRET: 'x'.repeat(40) }), {
  clock: () => PLAN_AT,
  logger: silentLogger,
});
const store = app.store;
const cands = await store.papersFirstSeenBetween(
  new Date(PLAN_AT.getTime() - 7 * 86400000).toISOString(),
  PLAN_AT.toISOString(),
);
let t = performance.now();
const bg = await backgroundPapers(store);
console.log('candidates', cands.length, 'background', bg.length, (performance.now() - t).toFixed(0), 'ms');
t = performance.now();
const rank = topicRanking(cands, { background: bg, slots: 25, popularity: 0, lexicalIndex: store.lexicalIndex });
console.log('ranker', (performance.now() - t).toFixed(0));
const topics = await store.listTopics();
const shared = topics.filter((x) => !x.slug.startsWith('me-'));
const personal = topics.filter((x) => x.slug.startsWith('me-')).slice(0, 200);
t = performance.now();
for (const x of shared) rank(x);
console.log('shared', shared.length, ((performance.now() - t) / shared.length).toFixed(2), 'ms each');
t = performance.now();
for (const x of personal) rank(x);
console.log('personal', personal.length, ((performance.now() - t) / personal.length).toFixed(2), 'ms each');
const raters = Array.from({ length: 200 }, (_, k) => `sub_${String(k * 10).padStart(6, '0')}`);
const ratings = await ratingsUnder(
  store,
  raters,
  shared.map((x) => x.slug),
);
t = performance.now();
let n = 0;
for (const [, byTopic] of ratings)
  for (const [slug, rated] of byTopic) {
    rank.forReader(shared.find((x) => x.slug === slug)!, rated);
    n++;
  }
console.log('readers', n, ((performance.now() - t) / n).toFixed(2), 'ms each');
await app.close();
