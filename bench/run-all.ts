// `npm run bench`: every benchmark, one after the other, printed as the lines BENCHMARKS.md quotes.
// The worker benchmark needs PostgreSQL on 127.0.0.1:5432 (database `test`).
import { benchDelivery, printDelivery } from './delivery.js';
import { benchRender, printRender } from './render.js';
import { benchStartup, printStartup } from './startup.js';
import { benchWorkers, printWorkers } from './workers.js';

printStartup(await benchStartup());
printRender(await benchRender());
printDelivery(await benchDelivery());
printWorkers(await benchWorkers());
