// `npm run bench`: every benchmark, one after the other, printed as the lines BENCHMARKS.md quotes.
import { benchRender, printRender } from './render.js';
import { benchStartup, printStartup } from './startup.js';

printStartup(await benchStartup());
printRender(await benchRender());
