// What of a URL or a message may be shown: credentials and key-like query parameters are masked.
// Pure: the callers (logs, web answers, CLI lines, stored run records) decide where it applies.

export const MASK = '***';

// Parameter names are compared without case, dashes, dots or underscores: `X-Amz-Signature`,
// `api_key` and `apiKey` look alike. Words that are secrets wherever they stand in the name...
const SECRET_WORDS = /(token|secret|passw(or)?d|apikey|signature|credential|privatekey|jwt)/;
// ...and short ones that are only when they end it (`key`, `sessionid`, `sig`), so `keywords` stays.
const SECRET_ENDINGS = /(key|pass|pwd|auth|authorization|sig|session|sessionid|sid|otp)$/;

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Whether a query parameter of this name carries a secret (api_key, access_token, X-Amz-Signature, …). */
export function isSecretParamName(name: string): boolean {
  const plain = decode(name)
    .toLowerCase()
    .replace(/[-_.\s[\]]/g, '');
  return SECRET_WORDS.test(plain) || SECRET_ENDINGS.test(plain);
}

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i;
// A parameter in a query, a fragment (OAuth puts tokens there) or a path segment (`;jsessionid=`).
const PARAM = /([?&;#])([^=&;#\s]*)=([^&;#\s]*)/g;

/** One URL with its user and password replaced by *** and every secret-looking parameter's value too. */
export function maskUrl(url: string): string {
  return url
    .replace(USERINFO, `$1${MASK}@`)
    .replace(PARAM, (all, sep: string, name: string) => (isSecretParamName(name) ? `${sep}${name}=${MASK}` : all));
}

/** The secret values a URL carries (password, a user name used as a token, key-like parameter values). */
export function secretsInUrl(url: string): string[] {
  const found: string[] = [];
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)@/i.exec(url)?.[1];
  if (userinfo) {
    const colon = userinfo.indexOf(':');
    // Without a password the user name is the credential (`https://TOKEN@host`).
    const secret = colon < 0 ? userinfo : userinfo.slice(colon + 1);
    if (secret) found.push(secret, decode(secret));
  }
  for (const [, , name, value] of url.matchAll(PARAM)) {
    if (value && isSecretParamName(name as string)) found.push(value, decode(value));
  }
  return [...new Set(found)];
}

// Shorter known values are left to the URL masking: replacing "abc" in every line would mangle them.
const MIN_KNOWN_LENGTH = 4;
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/**
 * Free text fit to show: every URL in it masked (see maskUrl), then every occurrence of a known
 * secret value (as is, or percent-encoded) replaced by ***.
 */
export function maskSecrets(text: string, known: Iterable<string> = []): string {
  // Punctuation after a URL in a sentence (`<url>: HTTP 500`) belongs to the sentence, and stays.
  let out = text.replace(URL_IN_TEXT, (url) => {
    const tail = /[.,:;!?)\]]+$/.exec(url)?.[0] ?? '';
    return maskUrl(url.slice(0, url.length - tail.length)) + tail;
  });
  const values = new Set<string>();
  for (const v of known) {
    if (v.length < MIN_KNOWN_LENGTH) continue;
    values.add(v);
    values.add(encodeURIComponent(v));
  }
  // Longest first: a value that contains another is masked whole.
  for (const v of [...values].sort((a, b) => b.length - a.length)) {
    if (out.includes(v)) out = out.split(v).join(MASK);
  }
  return out;
}

/** maskSecrets applied to every string in a value (objects and arrays walked; dates kept). */
export function maskSecretsDeep<T>(value: T, known: Iterable<string> = []): T {
  const list = [...known];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskSecrets(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && !(v instanceof Date))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** The secret values an app knows of, growing as it learns them (the generated secret, the sources file). */
export function createSecretList(initial: Iterable<string | undefined> = []) {
  const values = new Set<string>();
  const add = (more: Iterable<string | undefined>) => {
    for (const v of more) if (v) values.add(v);
  };
  add(initial);
  return {
    add,
    /** Free text fit to show. */
    text: (s: string) => maskSecrets(s, values),
    /** Every string in a value fit to show. */
    value: <T>(v: T): T => maskSecretsDeep(v, values),
    values: (): readonly string[] => [...values],
  };
}
