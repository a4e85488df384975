// `npm run bench`: every benchmark, one after the other, printed as the lines BENCHMARKS.md quotes.
import { benchDelivery, printDelivery } from './delivery.js';
import { benchIngest, printIngest } from './ingest.js';
import { benchRanking, printRanking } from './ranking.js';
import { evaluate, printRelevance } from './relevance.js';
import { benchRender, printRender } from './render.js';
import { benchStartup, printStartup } from './startup.js';

printStartup(await benchStartup());
printRender(await benchRender());
printIngest(await benchIngest('json'));
printIngest(await benchIngest('mixed'));
printDelivery(await benchDelivery());
printRanking(benchRanking());
printRelevance(evaluate());
