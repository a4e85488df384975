// What a webhook's answer means for a channel's delivery: sent, tried again later, or failed for
// good. Pure: the answer and the time are passed in.
import type { RetryPolicy } from './delivery.js';

/** How one attempt to post ended: an HTTP status, or no answer (timeout, connection refused). */
export type WebhookAnswer =
  | { status: number; retryAfter: string | null; body: string }
  | { status: undefined; error: string };

export type WebhookDecision =
  | { status: 'sent'; response: string }
  | { status: 'pending'; nextAttemptAt: Date; errorKind: 'transient' | 'throttled'; message: string }
  | { status: 'failed'; errorKind: 'rejected' | 'gave-up'; message: string };

/** The longest Retry-After honoured: a receiver asking for more is tried again after a day. */
const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/** Retry-After in seconds or as an HTTP-date (RFC 9110), as milliseconds from `now`; undefined when unreadable. */
export function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now.getTime()), MAX_RETRY_AFTER_MS);
}

/** Exponential backoff with ±25 % jitter, as for email (see delivery.ts). */
function backoffMs(attempt: number, policy: RetryPolicy, random: number): number {
  const base = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 4 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + 0.5 * random));
}

/**
 * After the `attempts`-th post: 2xx is sent; 429 waits what Retry-After asks (else the backoff);
 * 5xx and no answer are retried with backoff until the attempts run out; any other status (a 4xx,
 * a redirect) fails for good, since posting the same body again would get the same answer.
 */
export function decideWebhookAnswer(
  answer: WebhookAnswer,
  attempts: number,
  policy: RetryPolicy,
  now: Date,
  random: number,
): WebhookDecision {
  if (answer.status === undefined) return retry('transient', answer.error);
  const excerpt = answer.body.trim() ? `: ${answer.body.trim().slice(0, 200)}` : '';
  const message = `HTTP ${answer.status}${excerpt}`;
  if (answer.status >= 200 && answer.status < 300) return { status: 'sent', response: message };
  if (answer.status === 429) return retry('throttled', message, retryAfterMs(answer.retryAfter, now));
  if (answer.status >= 500) return retry('transient', message);
  return { status: 'failed', errorKind: 'rejected', message };

  function retry(errorKind: 'transient' | 'throttled', msg: string, waitMs?: number): WebhookDecision {
    if (attempts >= policy.maxAttempts) return { status: 'failed', errorKind: 'gave-up', message: msg };
    const wait = waitMs ?? backoffMs(attempts, policy, random);
    return { status: 'pending', nextAttemptAt: new Date(now.getTime() + wait), errorKind, message: msg };
  }
}
