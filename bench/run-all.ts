// `npm run bench`: every benchmark, one after the other, printed as the lines BENCHMARKS.md quotes.
// The worker benchmark needs PostgreSQL on 127.0.0.1:5432 (database `test`).
import { benchDelivery, printDelivery } from './delivery.js';
import { benchIngest, printIngest } from './ingest.js';
import { benchRanking, printRanking } from './ranking.js';
import { evaluate, printRelevance } from './relevance.js';
import { benchFeeds, feedBenchMissing, printFeeds } from './feeds.js';
import { benchPlan, printPlan } from './plan.js';
import { benchRender, printRender } from './render.js';
import { benchStartup, printStartup } from './startup.js';
import { benchWorkers, printWorkers } from './workers.js';

const t0 = performance.now();
printStartup(await benchStartup());
printRender(await benchRender());
printPlan(await benchPlan());
printIngest(await benchIngest('json'));
printIngest(await benchIngest('mixed'));
printRanking(benchRanking());
printRelevance(evaluate());
const missing = feedBenchMissing();
if (missing) console.log(`feeds under load: NOT MEASURED, ${missing}`);
else printFeeds(await benchFeeds());
printDelivery(await benchDelivery());
// Fewer messages and rounds than the worker benchmark alone (4,000 × 3), to keep the whole run under
// ten minutes; BENCHMARKS.md quotes the standalone run.
printWorkers(await benchWorkers(1_500, [1, 2, 4], 2), 1_500);
console.log(`all benchmarks: ${((performance.now() - t0) / 60_000).toFixed(1)} min`);
