// `npm run bench`: every benchmark, one after the other, printed as the lines BENCHMARKS.md quotes.
import { benchRender } from './render.js';
import { benchStartup } from './startup.js';

const { cold, warm } = await benchStartup();
console.log(`startup to serving, cold (new store + 103 sample papers): ${cold.text}`);
console.log(`startup to serving, warm (existing store):               ${warm.text}`);
const r = await benchRender();
console.log(`digest of 25 papers, HTML ${(r.htmlBytes / 1024).toFixed(1)} KB`);
console.log(`per recipient, fill holes of the digest rendered once: median ${r.fill.toFixed(1)} µs`);
console.log(`per recipient, full Handlebars render (HTML + text):   median ${r.handlebars.toFixed(1)} µs (${(r.handlebars / r.fill).toFixed(0)}x)`);
console.log(`per recipient, MJML compile (the naive way):           median ${(r.mjml / 1000).toFixed(1)} ms (${(r.mjml / r.fill).toFixed(0)}x)`);
