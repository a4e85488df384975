// A channel: a webhook (Slack, Discord, Mattermost, or any receiver of signed JSON) that receives
// a topic set's editions like a subscriber. Its URL is a secret: whoever has it can post to the
// chat. It is stored, and everywhere it is shown it is masked (maskChannelUrl).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidInputError } from './errors.js';
import type { Frequency } from './subscriber.js';

export const CHANNEL_FORMATS = ['slack', 'discord', 'mattermost', 'json'] as const;
export type ChannelFormat = (typeof CHANNEL_FORMATS)[number];

export interface Channel {
  id: string;
  name: string;
  /** The topic set key (sorted slugs joined by commas): the editions it gets are this set's. */
  topicSet: string;
  url: string;
  format: ChannelFormat;
  /** The json format's HMAC key, shown once when the channel is added; null for the chat formats. */
  signingSecret: string | null;
  frequency: Frequency;
  timezone: string;
  sendHour: number;
  createdAt: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A channel's name: letters, digits, dots, dashes and underscores, at most 64, so it is safe in any line. */
export function parseChannelName(raw: string): string {
  const name = raw.trim();
  if (!NAME.test(name)) {
    throw new InvalidInputError(
      `invalid channel name "${raw}": use letters, digits, ".", "-" and "_" (e.g. "lab-slack"), at most 64 characters`,
    );
  }
  return name;
}

export function parseChannelFormat(raw: string): ChannelFormat {
  if ((CHANNEL_FORMATS as readonly string[]).includes(raw)) return raw as ChannelFormat;
  throw new InvalidInputError(`unknown channel format "${raw}": use ${CHANNEL_FORMATS.join(', ')}`);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A webhook URL: https, or http to this machine only (a receiver under test, a local bridge).
 * The error never repeats the URL: it is a secret.
 */
export function parseWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new InvalidInputError('invalid webhook URL: give the full https://… address the chat service made');
  }
  const local = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !local) {
    throw new InvalidInputError(
      `invalid webhook URL (${url.protocol}//${url.host}/…): use https (http only to localhost)`,
    );
  }
  if (url.username || url.password) throw new InvalidInputError('invalid webhook URL: no user or password in it');
  return url.toString();
}

/** The URL as it may be shown: scheme and host, the rest hidden (`https://hooks.slack.com/***`). */
export function maskChannelUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/***`;
  } catch {
    return '***';
  }
}

/** The parts of a webhook URL that are secret wherever they appear in a line: the whole and its path. */
export function channelUrlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    const path = `${u.pathname}${u.search}`;
    return path.length > 4 ? [url, path] : [url];
  } catch {
    return [url];
  }
}

/** A new json channel's signing key: 32 random bytes, shown once to the operator. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The header a signature goes in, `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'Paperboy-Signature';

/** Signs a json body: HMAC-SHA256 with the channel's secret over the timestamp, a dot, and the exact body. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * What a receiver does (documented in docs/channels.md): recompute the HMAC over the timestamp and
 * the raw body, compare in constant time, and refuse a timestamp older than `toleranceS`.
 */
export function verifySignature(secret: string, header: string, body: string, nowS: number, toleranceS = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS || !parts.v1) return false;
  const expected = Buffer.from(signPayload(secret, t, body).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
