// A worker thread of parse-files.ts: reads, parses and normalises the files it is sent, one at a
// time, and answers with the papers or the error.
import { parentPort } from 'node:worker_threads';
import { ParseError } from '../domain/errors.js';
import { normalisePaperInput } from '../domain/paper.js';
import { parseSource } from '../ingest/formats.js';
import { readSource } from './ingest.js';
import type { FileJob, FileAnswer } from './parse-files.js';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread');

port.on('message', async ({ index, file, format }: FileJob) => {
  let answer: FileAnswer;
  try {
    answer = { index, papers: parseSource(await readSource(file), file, format).papers.map(normalisePaperInput) };
  } catch (err) {
    answer =
      err instanceof ParseError
        ? { index, parseError: { file: err.file, line: err.line, detail: err.detail, field: err.field } }
        : { index, failure: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(answer);
});
// Loading the modules above is most of a worker's start: only now is it worth sending it files.
port.postMessage('ready');
