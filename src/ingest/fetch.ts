// The thin I/O half of ingest: HTTP GET with a timeout, retries with backoff (Retry-After
// honoured), conditional requests, a User-Agent naming Paperboy, and per-host politeness
// (arXiv asks for one connection at a time and at least 3 s between API calls).
import { PaperboyError } from '../domain/errors.js';
import { maskSecrets, maskUrl, secretsInUrl } from '../domain/secrets.js';

export interface FetchConfig {
  userAgent: string;
  /** For the whole response, body included. */
  timeoutMs: number;
  /** Attempts after the first one, for network errors, timeouts, 429 and 5xx. */
  retries: number;
  /** The first retry waits this long, each later one four times longer (unless Retry-After says more). */
  backoffBaseMs: number;
  /** A Retry-After longer than this fails the fetch instead of blocking the job. */
  maxRetryAfterMs: number;
  /** A larger answer is refused (announced, or once this many bytes have arrived), and not asked again. */
  maxBytes: number;
}

export interface FetchDeps {
  /** Milliseconds since the epoch; injected so that tests control time. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  fetch?: typeof globalThis.fetch;
}

export interface GetOptions {
  etag?: string | null | undefined;
  lastModified?: string | null | undefined;
  /** At least this long between two requests to this URL's host; requests to it go one at a time. */
  minIntervalMs?: number;
  /** A 200 whose body is really an overload answer (arXiv's "Rate exceeded."): retried like a 503. */
  retryBody?: (body: string) => boolean;
}

export type FetchResult =
  | {
      notModified: false;
      /** The body as it came: decoding is the reader's (decodeSource), by the charset of `contentType` or the document's own. */
      bytes: Uint8Array;
      contentType: string | undefined;
      etag: string | undefined;
      lastModified: string | undefined;
      attempts: number;
    }
  | { notModified: true; attempts: number };

/**
 * A fetch that failed for good: the message says why, for the log, the health page and the CLI.
 * It is shown in all of them, so the URL's credentials and keys are masked, wherever they appear.
 */
export class FetchError extends PaperboyError {
  readonly url: string;
  constructor(
    url: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super('FETCH_FAILED', maskSecrets(`${url}: ${message}`, secretsInUrl(url)), options);
    this.url = maskUrl(url);
  }
}

/**
 * fetch() refuses a URL with a user and password in it: they go in a Basic Authorization header
 * instead (which it drops on a redirect to another origin).
 */
function splitCredentials(url: string): { url: string; authorization?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (!parsed.username && !parsed.password) return { url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** A byte count as people read it: 600 MB, 50 MB, 512 KB. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${n} bytes`;
}

// Asking again brings the same bytes: a refusal for size is final, unlike a dropped connection.
const tooLarge = (url: string, maxBytes: number, announced?: number) =>
  new FetchError(
    url,
    `the answer is ${announced === undefined ? 'larger than' : `${formatBytes(announced)}, more than`} the ${formatBytes(maxBytes)} limit: not downloaded (raise SOURCE_MAX_BYTES to accept it)`,
  );

/** Reads a body to the end, or throws once it passes `maxBytes`: a huge answer never sits in memory whole. */
async function readCapped(url: string, response: Response, maxBytes: number): Promise<Uint8Array> {
  const announced = Number(response.headers.get('content-length') ?? NaN);
  if (announced > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(url, maxBytes, announced);
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(url, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

const peek = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(0, 200));

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no complete answer within ${timeoutMs} ms`;
  if (e.message === 'terminated' || e.cause?.code === 'UND_ERR_SOCKET')
    return 'the connection closed before the body was complete';
  return e.cause?.message ?? e.message;
}

export function createFetcher(config: FetchConfig, deps: FetchDeps) {
  const doFetch = deps.fetch ?? globalThis.fetch;
  // Per host: the tail of its queue and when its last request went out.
  const hosts = new Map<string, { tail: Promise<unknown>; lastAt: number }>();

  async function attempt(url: string, options: GetOptions, gap: { lastAt: number } | undefined) {
    if (gap && options.minIntervalMs) {
      const wait = gap.lastAt + options.minIntervalMs - deps.now();
      if (wait > 0) await deps.sleep(wait);
    }
    if (gap) gap.lastAt = deps.now();
    const target = splitCredentials(url);
    const headers: Record<string, string> = { 'user-agent': config.userAgent, accept: '*/*' };
    if (target.authorization) headers.authorization = target.authorization;
    if (options.etag) headers['if-none-match'] = options.etag;
    if (options.lastModified) headers['if-modified-since'] = options.lastModified;
    const response = await doFetch(target.url, {
      headers,
      signal: AbortSignal.timeout(config.timeoutMs),
      redirect: 'follow',
    });
    if (response.status === 304 || !response.ok) {
      // Nothing here is read: the status says it all (an error page can be any size).
      await response.body?.cancel().catch(() => undefined);
      return { response, bytes: new Uint8Array(0) };
    }
    return { response, bytes: await readCapped(url, response, config.maxBytes) };
  }

  async function get(url: string, options: GetOptions = {}): Promise<FetchResult> {
    const gap = options.minIntervalMs ? hostGap(url) : undefined;
    let lastProblem = '';
    let lastStatus: number | undefined;
    for (let n = 0; n <= config.retries; n++) {
      let waitMs = config.backoffBaseMs * 4 ** n;
      try {
        const { response, bytes } = await attempt(url, options, gap);
        if (response.status === 304) return { notModified: true, attempts: n + 1 };
        if (response.ok && !options.retryBody?.(peek(bytes))) {
          return {
            notModified: false,
            bytes,
            contentType: response.headers.get('content-type') ?? undefined,
            etag: response.headers.get('etag') ?? undefined,
            lastModified: response.headers.get('last-modified') ?? undefined,
            attempts: n + 1,
          };
        }
        lastStatus = response.status;
        lastProblem = response.ok
          ? `the server is overloaded (${JSON.stringify(peek(bytes).trim().slice(0, 60))})`
          : `HTTP ${response.status}`;
        if (!response.ok && !RETRYABLE.has(response.status)) throw new FetchError(url, lastProblem, response.status);
        const asked = retryAfterMs(response.headers.get('retry-after'), deps.now());
        if (asked !== undefined) {
          if (asked > config.maxRetryAfterMs) {
            throw new FetchError(
              url,
              `${lastProblem}, and the server asks to wait ${Math.ceil(asked / 1000)} s: giving up for this run`,
              response.status,
            );
          }
          waitMs = Math.max(waitMs, asked);
        }
      } catch (err) {
        if (err instanceof FetchError) throw err;
        lastStatus = undefined;
        lastProblem = describe(err, config.timeoutMs);
      }
      if (n < config.retries) await deps.sleep(waitMs);
    }
    throw new FetchError(url, `${lastProblem} (after ${config.retries + 1} attempts)`, lastStatus);
  }

  function hostGap(url: string) {
    const host = new URL(url).host;
    let entry = hosts.get(host);
    if (!entry) hosts.set(host, (entry = { tail: Promise.resolve(), lastAt: -Infinity }));
    return entry;
  }

  return {
    /**
     * GETs a URL's bytes. 304 comes back as `notModified`; other failures throw FetchError once
     * the retries are spent. Requests to a host with `minIntervalMs` wait their turn.
     */
    get(url: string, options: GetOptions = {}): Promise<FetchResult> {
      if (!options.minIntervalMs) return get(url, options);
      const entry = hostGap(url);
      const run = entry.tail.then(() => get(url, options));
      entry.tail = run.catch(() => undefined);
      return run;
    },
  };
}

export type Fetcher = ReturnType<typeof createFetcher>;
