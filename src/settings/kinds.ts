import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * What a setting's value may be. `schema` parses a set (non-empty) value; each message it can give
 * is the whole error, naming the variable, and echoing the value only where it cannot be a secret.
 */
export interface Kind<T> {
  /** What a value may be, as the configuration table says it. */
  accepts: string;
  schema(name: string, cwd: string): z.ZodType<T, string>;
  /** How `paperboy config` shows a value (default: as text). */
  show?(value: T): string;
}

const isWhole = (raw: string, min: number, max: number) => {
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max;
};

export function wholeNumber(min: number, max: number): Kind<number> {
  return {
    accepts: `whole number, ${min}–${max}`,
    schema: (name) =>
      z
        .string()
        .refine((raw) => isWhole(raw, min, max), {
          error: (iss) => `${name}=${String(iss.input)} is not a whole number between ${min} and ${max}`,
        })
        .transform(Number),
  };
}

const NO = new Set(['', '0', 'false', 'no']);
const YES = new Set(['1', 'true', 'yes']);

export const yesNo: Kind<boolean> = {
  accepts: '`true` or `false` (also `yes`/`no`, `1`/`0`)',
  schema: (name) =>
    z
      .string()
      .refine((raw) => NO.has(raw.toLowerCase()) || YES.has(raw.toLowerCase()), {
        error: (iss) => `${name}=${String(iss.input)} is not a yes/no value (use true or false)`,
      })
      .transform((raw) => YES.has(raw.toLowerCase())),
};

/** Free text, checked by whoever uses it (an address, a host name). */
export function text(accepts: string): Kind<string> {
  return { accepts, schema: () => z.string() };
}

/** A file or folder; a relative one is taken from the working directory. */
export const path: Kind<string> = {
  accepts: 'a path (relative: to the working directory)',
  schema: (_name, cwd) => z.string().transform((raw) => resolve(cwd, raw)),
};

/** A secret of some length: never echoed, in an error or anywhere else. */
export function secret(minLength: number, whenUnset: string): Kind<string> {
  return {
    accepts: `at least ${minLength} characters`,
    schema: (name) =>
      z.string().min(minLength, `${name} must be at least ${minLength} characters (or unset, ${whenUnset})`),
  };
}

export const pemPrivateKey: Kind<string> = {
  accepts: 'a PEM private key',
  // Never echo the value: it is a secret.
  schema: (name) => z.string().includes('PRIVATE KEY-----', `${name} must be a PEM private key`),
};

/** The address a site is reached at, without a trailing slash (links are built by appending to it). */
export const httpUrl: Kind<string> = {
  accepts: 'an http(s) URL',
  schema: (name) =>
    z.string().transform((raw, ctx) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} is not a URL (expected e.g. https://papers.example.org)` });
        return z.NEVER;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        ctx.addIssue({ code: 'custom', message: `${name} must be an http(s) URL` });
        return z.NEVER;
      }
      return url.toString().replace(/\/+$/, '');
    }),
};

export const smtpUrl: Kind<string> = {
  accepts: '`smtp://` or `smtps://` URL',
  // The value may hold a password: name the variable, never echo it.
  schema: (name) => z.string().regex(/^smtps?:\/\//, `${name} must start with smtp:// or smtps://`),
};

export type Database = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** `postgres://…` (or `postgresql://`), else a SQLite file: a path, or `sqlite:path`. */
export const database: Kind<Database> = {
  accepts: 'a SQLite path, `sqlite:path`, or a `postgres://` URL',
  schema: (_name, cwd) =>
    z.string().transform((raw): Database => {
      if (/^postgres(ql)?:\/\//.test(raw)) return { kind: 'postgres', url: raw };
      const path = raw.replace(/^sqlite:(\/\/)?/, '');
      return { kind: 'sqlite', path: path === ':memory:' || isAbsolute(path) ? path : resolve(cwd, path) };
    }),
  show: (db) => (db.kind === 'sqlite' ? db.path : db.url),
};

export const schemaName: Kind<string> = {
  accepts: 'lower-case letters, digits and `_`',
  schema: (name) =>
    z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, {
      error: (iss) => `${name}=${String(iss.input)} is not a schema name (lower-case letters, digits and _)`,
    }),
};

// proxy-addr's names for ranges, which Fastify accepts beside addresses and CIDRs.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** As Fastify's trustProxy takes it: false, true, a number of proxy hops, or proxy addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

export const trustProxy: Kind<TrustProxy> = {
  accepts: '`false`, `true`, a number of hops (1–100), or addresses and CIDR ranges separated by commas',
  schema: (name) =>
    z.string().transform((value, ctx): TrustProxy => {
      const raw = value.trim();
      const lower = raw.toLowerCase();
      if (NO.has(lower)) return false;
      if (lower === 'true' || lower === 'yes') return true;
      if (/^\d+$/.test(raw)) {
        if (isWhole(raw, 1, 100)) return Number(raw);
        ctx.addIssue({ code: 'custom', message: `${name}=${raw} is not a whole number between 1 and 100` });
        return z.NEVER;
      }
      const entries = raw.split(',').map((e) => e.trim());
      for (const entry of entries) {
        const [address = '', prefix, extra] = entry.split('/');
        const bits = isIP(address) === 4 ? 32 : isIP(address) === 6 ? 128 : 0;
        const validPrefix = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
        if (PROXY_RANGE_NAMES.has(entry) || (bits > 0 && validPrefix && extra === undefined)) continue;
        ctx.addIssue({
          code: 'custom',
          message: `${name}: "${entry}" is not an IP address or CIDR range (give a number of proxy hops, or the proxies' addresses separated by commas)`,
        });
        return z.NEVER;
      }
      return entries;
    }),
  show: (value) => (Array.isArray(value) ? value.join(', ') : String(value)),
};
