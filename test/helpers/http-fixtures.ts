import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { onTestFinished } from 'vitest';
import { FIXTURES } from './env.js';

/** One answer of the fixture server. */
export interface FixtureResponse {
  status?: number;
  /** The body (as UTF-8, or `bytes` as they are), or `fixture`: a file under test/fixtures/sources/, sent byte for byte. */
  body?: string;
  bytes?: Uint8Array;
  fixture?: string;
  type?: string;
  headers?: Record<string, string>;
  /** Sent as ETag; a request with a matching If-None-Match gets 304. */
  etag?: string;
  lastModified?: string;
  /** Waits this long before answering (for timeouts). */
  delayMs?: number;
  /** Announces the whole length, sends this many bytes, then drops the connection. */
  truncateAt?: number;
  /** Streams a body of this many bytes (the start of an RSS feed, then filler) in 64 KB chunks, as long as the client reads. */
  streamBytes?: number;
  /** Sends the body chunked, without Content-Length. */
  noLength?: boolean;
}

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The injected clock's reading when the request arrived. */
  at: number;
}

type Route = FixtureResponse | FixtureResponse[] | ((req: RecordedRequest, n: number) => FixtureResponse);

export const fixtureBytes = (name: string) => readFileSync(`${FIXTURES}sources/${name}`);

/**
 * A real HTTP server on 127.0.0.1 serving recorded-style fixtures in place of the public
 * internet: ETags and 304s, error statuses with Retry-After, slow and truncated answers. A list of
 * answers is served in order, the last one repeating. Closed when the test ends.
 */
export async function startFixtureServer(options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const routes = new Map<string, Route>();
  const counts = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  /** Bytes of streamed bodies actually written, by path. */
  const streamed = new Map<string, number>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const recorded: RecordedRequest = { path: url.pathname, query: url.searchParams, headers: req.headers, at: now() };
    requests.push(recorded);
    const n = counts.get(url.pathname) ?? 0;
    counts.set(url.pathname, n + 1);
    const route = routes.get(url.pathname);
    const answer: FixtureResponse = !route
      ? { status: 404, body: 'not found' }
      : typeof route === 'function'
        ? route(recorded, n)
        : Array.isArray(route)
          ? (route[Math.min(n, route.length - 1)] as FixtureResponse)
          : route;
    const send = () => {
      const headers: Record<string, string> = {
        'content-type': answer.type ?? 'application/xml; charset=utf-8',
        ...answer.headers,
      };
      if (answer.etag) headers.etag = answer.etag;
      if (answer.lastModified) headers['last-modified'] = answer.lastModified;
      const fresh =
        (answer.etag && req.headers['if-none-match'] === answer.etag) ||
        (answer.lastModified && !answer.etag && req.headers['if-modified-since'] === answer.lastModified);
      if (fresh) {
        res.writeHead(304, headers).end();
        return;
      }
      if (answer.streamBytes !== undefined)
        return stream(
          answer.streamBytes,
          answer.noLength ? headers : { ...headers, 'content-length': String(answer.streamBytes) },
        );
      const bytes = answer.fixture
        ? fixtureBytes(answer.fixture)
        : answer.bytes
          ? Buffer.from(answer.bytes)
          : Buffer.from(answer.body ?? '');
      res.writeHead(
        answer.status ?? 200,
        answer.noLength ? headers : { ...headers, 'content-length': String(bytes.length) },
      );
      if (answer.truncateAt !== undefined) {
        res.write(bytes.subarray(0, answer.truncateAt));
        setImmediate(() => req.socket.destroy());
        return;
      }
      res.end(bytes);
    };
    const stream = (size: number, headers: Record<string, string>) => {
      res.writeHead(answer.status ?? 200, headers);
      const chunk = Buffer.alloc(64 * 1024, ' ');
      Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>').copy(chunk);
      let sent = 0;
      const more = () => {
        while (sent < size && !res.destroyed) {
          const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
          sent += piece.length;
          streamed.set(url.pathname, sent);
          if (!res.write(piece)) return void res.once('drain', more);
        }
        if (sent >= size) res.end();
      };
      more();
    };
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  onTestFinished(close);
  return {
    base,
    url: (path: string) => `${base}${path}`,
    requests,
    /** Requests to one path, in order. */
    requestsTo: (path: string) => requests.filter((r) => r.path === path),
    /** How many bytes of a streamed body went out before the client stopped reading. */
    streamedTo: (path: string) => streamed.get(path) ?? 0,
    route(path: string, answer: Route) {
      routes.set(path, answer);
      counts.set(path, 0);
    },
    close,
  };
}

/** A virtual clock whose sleep advances it at once: retries and politeness waits cost no real time. */
export function virtualTime(startMs = Date.parse('2024-03-21T06:00:00Z')) {
  let t = startMs;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
    advance: (ms: number) => {
      t += ms;
    },
  };
}
