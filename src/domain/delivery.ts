// One email to one subscriber — a digest, or the double opt-in confirmation — pending → sending →
// sent, or failed / skipped. The rules for what an SMTP answer means and when to try again live
// here, free of any transport.
import { oneLine } from './text.js';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/**
 * What a delivery carries: a frozen digest, or a confirmation email whose single-use token is
 * made when it is sent (so the raw token is never stored, and a retry sends a fresh one), or a
 * frozen digest posted to a channel's webhook (its `subscriberId` is the channel's id).
 */
export type DeliveryKind = 'digest' | 'confirmation' | 'channel';

/** Why a delivery failed, is waiting, or was skipped. */
export type DeliveryErrorKind =
  | 'transient' // connection trouble or a 4xx reply (greylisting among them): tried again later
  | 'throttled' // 421/454, or a reply naming a rate or throttling: the server asks us to slow down; tried again later
  | 'hard-bounce' // a 5xx reply: failed, and the address is suppressed
  | 'soft-bounce' // 4xx replies until the attempts ran out
  | 'gave-up' // connection trouble until the attempts ran out
  | 'interrupted' // the process died while sending: held for the operator
  | 'unsubscribed'
  | 'suppressed'
  | 'invalid-address' // stored before addresses were checked for hidden characters: never mailed
  | 'subscriber-gone'
  | 'already-confirmed' // a confirmation email for an address confirmed in the meantime
  | 'rejected' // a webhook answered 4xx (not 429): failed, shown to the operator, not tried again
  | 'channel-gone'; // the channel was removed before its delivery was posted

export interface Delivery {
  id: string;
  kind: DeliveryKind;
  /** The digest of a digest delivery; null for a confirmation email. */
  digestId: string | null;
  subscriberId: string;
  email: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  claimedAt: string | null;
  claimedBy: string | null;
  lastError: string | null;
  errorKind: DeliveryErrorKind | null;
  smtpResponse: string | null;
  messageId: string;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

/** What went wrong with one attempt, reduced to what decides the next step. */
export interface SendFailure {
  kind: 'transient' | 'throttled' | 'hard';
  responseCode: number | undefined;
  message: string;
  /**
   * A temporary refusal of this one recipient (a 4xx reply to RCPT TO, e.g. greylisting): it says
   * nothing about the relay, so it neither slows the pace nor counts toward pausing the run.
   */
  recipientDeferral: boolean;
}

export interface RetryPolicy {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** 421 (service closing, often "too many connections") and 454 (temporary failure, often a quota). */
const SLOW_DOWN_CODES = new Set([421, 454]);
/**
 * Reply text that asks the sender to slow down, whatever its code. A bare 451 does not: it is what
 * greylisting answers to a first attempt, and slowing down for it would only delay everyone else.
 */
const SLOW_DOWN_TEXT =
  /\brate\b|\brate-?limit|throttl|too many (?:messages|mails|emails|connections|requests)|too fast|slow down/i;

/**
 * Classifies an error from an SMTP client by its reply; no reply code means the connection failed.
 * A reply that asks to slow down is retried later at a slower pace, never taken for a bounce.
 */
export function classifySendError(err: {
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
  command?: unknown;
}): SendFailure {
  const code = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  const message = oneLine(String(err.response ?? err.message ?? 'unknown error'), 500);
  const failure = (kind: SendFailure['kind'], recipientDeferral = false): SendFailure => ({
    kind,
    responseCode: code,
    message,
    recipientDeferral,
  });
  if (code === undefined) return failure('transient');
  if (SLOW_DOWN_CODES.has(code) || SLOW_DOWN_TEXT.test(String(err.response ?? ''))) return failure('throttled');
  if (code >= 500) return failure('hard');
  return failure('transient', err.command === 'RCPT TO');
}

/** Exponential backoff with ±25 % jitter, so retries of many deliveries do not arrive together. */
function backoffMs(attempt: number, policy: RetryPolicy, random: number): number {
  const base = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 4 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + 0.5 * random));
}

export type FailureDecision =
  | { status: 'pending'; nextAttemptAt: Date; errorKind: 'transient' | 'throttled' }
  | { status: 'failed'; errorKind: 'hard-bounce' | 'soft-bounce' | 'gave-up'; bounce: 'hard' | 'soft' | undefined };

/** After a failed attempt (the `attempts`-th): try again later, or give up, recording any bounce. */
export function decideAfterFailure(
  failure: SendFailure,
  attempts: number,
  policy: RetryPolicy,
  now: Date,
  random: number,
): FailureDecision {
  if (failure.kind === 'hard') return { status: 'failed', errorKind: 'hard-bounce', bounce: 'hard' };
  if (attempts < policy.maxAttempts) {
    return {
      status: 'pending',
      nextAttemptAt: new Date(now.getTime() + backoffMs(attempts, policy, random)),
      errorKind: failure.kind,
    };
  }
  // A 4xx reply to the last attempt is the recipient's server refusing: a soft bounce.
  return failure.responseCode !== undefined
    ? { status: 'failed', errorKind: 'soft-bounce', bounce: 'soft' }
    : { status: 'failed', errorKind: 'gave-up', bounce: undefined };
}
