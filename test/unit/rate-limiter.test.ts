import { describe, expect, it } from 'vitest';
import { classifySendError } from '../../src/domain/delivery.js';
import { createRateLimiter } from '../../src/mail/rate-limiter.js';

/** A clock that only moves when the limiter sleeps: what the limiter asks for is what we measure. */
function virtualTime() {
  let now = 0;
  return { clock: () => new Date(now), sleep: async (ms: number) => void (now += ms), now: () => now };
}

describe('rate limiter', () => {
  it('spaces messages to the per-second rate, shared by concurrent senders', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perSecond: 10, perHour: 0, clock: t.clock, sleep: t.sleep });
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 5; i++) await limiter.take();
      }),
    );
    // 20 messages at 10/s: the last may go at 1.9 s.
    expect(t.now()).toBeGreaterThanOrEqual(1900);
    expect(t.now()).toBeLessThan(2100);
  });

  it('holds the per-hour cap', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perSecond: 0, perHour: 3, clock: t.clock, sleep: t.sleep });
    for (let i = 0; i < 3; i++) await limiter.take();
    expect(t.now()).toBe(0);
    await limiter.take();
    expect(t.now()).toBe(3_600_000);
  });

  it('halves the pace after a throttling reply, for a while', async () => {
    const t = virtualTime();
    const limiter = createRateLimiter({
      perSecond: 8,
      perHour: 0,
      clock: t.clock,
      sleep: t.sleep,
      slowDownForMs: 10_000,
    });
    limiter.slowDown();
    expect(limiter.currentRate()).toBe(4);
    limiter.slowDown();
    expect(limiter.currentRate()).toBe(2);
    await t.sleep(10_001);
    expect(limiter.currentRate()).toBe(8);
    const unlimited = createRateLimiter({
      perSecond: 0,
      perHour: 0,
      clock: t.clock,
      sleep: t.sleep,
      fallbackPerSecond: 20,
    });
    expect(unlimited.currentRate()).toBe(Infinity);
    unlimited.slowDown();
    expect(unlimited.currentRate()).toBe(10);
  });

  it('takes only replies that ask to slow down for throttling: 421, 454, or text naming a rate; never a greylisting 451', () => {
    const reply = (response: string, command = 'RCPT TO') =>
      classifySendError({ responseCode: Number(response.slice(0, 3)), response, command });
    expect(reply('421 4.7.0 Too many connections from your host, closing transmission channel').kind).toBe('throttled');
    expect(reply('454 4.7.1 Temporary service failure').kind).toBe('throttled');
    expect(reply('450 4.7.1 Rate limit exceeded for this sender').kind).toBe('throttled');
    expect(reply('452 4.3.1 Throttling: too many messages, try again later').kind).toBe('throttled');
    // A reply asking to slow down is never a bounce, whatever its code.
    expect(reply('550 5.7.1 Message rate exceeded, try again later', 'DATA').kind).toBe('throttled');
    expect(reply('451 4.7.1 Greylisted, please try again later')).toMatchObject({
      kind: 'transient',
      recipientDeferral: true,
    });
    expect(reply('451 4.3.0 Could not generate a queue file', 'DATA')).toMatchObject({
      kind: 'transient',
      recipientDeferral: false,
    });
    expect(reply('550 5.1.1 No such user').kind).toBe('hard');
    expect(classifySendError({ message: 'connect ECONNREFUSED 127.0.0.1:25' })).toMatchObject({
      kind: 'transient',
      recipientDeferral: false,
    });
  });

  it('brings a slowed pace back step by step as messages are accepted', () => {
    const t = virtualTime();
    const limiter = createRateLimiter({ perSecond: 8, perHour: 0, clock: t.clock, sleep: t.sleep });
    limiter.speedUp();
    expect(limiter.currentRate()).toBe(8);
    limiter.slowDown();
    const pace = [limiter.currentRate()];
    for (let i = 0; i < 8; i++) {
      limiter.speedUp();
      pace.push(limiter.currentRate());
    }
    expect(pace[0]).toBe(4);
    expect(pace.slice(1, 8).every((rate, i) => rate > (pace[i] as number) && rate < 8)).toBe(true);
    expect(pace[8]).toBe(8);

    const unlimited = createRateLimiter({
      perSecond: 0,
      perHour: 0,
      clock: t.clock,
      sleep: t.sleep,
      fallbackPerSecond: 20,
    });
    unlimited.slowDown();
    unlimited.slowDown();
    expect(unlimited.currentRate()).toBe(5);
    for (let i = 0; i < 15; i++) unlimited.speedUp();
    expect(unlimited.currentRate()).toBe(Infinity);
  });
});
