// The send pace shared by every process on the store, on both engines.
import type { SendRateStore } from '../ports.js';
import type { SqlDb } from './db.js';
import { dialect, sql } from './statement.js';

/** The larger of two values (SQLite's two-argument max, PostgreSQL's greatest). */
const greatest = (a: string, b: string) => dialect(`max(${a}, ${b})`, `greatest(${a}, ${b})`);

// Times and intervals in ms, as double precision on both engines.
const NOW = 'CAST(:now AS double precision)';
const INTERVAL = 'CAST(:interval AS double precision)';
// One statement takes the slot and moves it on: concurrent workers queue on the row lock (or the
// file's one writer).
const RESERVE = sql`
  INSERT INTO send_rate (name, next_at) VALUES (:name, ${NOW} + ${INTERVAL})
  ON CONFLICT (name) DO UPDATE SET next_at = ${greatest('send_rate.next_at', NOW)}
    + CASE WHEN ${NOW} < send_rate.slow_until THEN ${greatest(INTERVAL, 'send_rate.slow_interval')} ELSE ${INTERVAL} END
  RETURNING next_at, CASE WHEN ${NOW} < slow_until THEN ${greatest(INTERVAL, 'slow_interval')} ELSE ${INTERVAL} END AS step`;
const SLOW = sql`
  INSERT INTO send_rate (name, next_at, slow_interval, slow_until) VALUES (:name, 0, :interval, :until)
  ON CONFLICT (name) DO UPDATE SET slow_interval = excluded.slow_interval, slow_until = excluded.slow_until`;

export function sendRateStore(db: SqlDb): SendRateStore {
  return {
    async reserveSendSlot(name, nowMs, intervalMs) {
      const row = (await db.get<{ next_at: number; step: number }>(RESERVE, {
        name,
        now: nowMs,
        interval: intervalMs,
      }))!;
      return { atMs: row.next_at - row.step, intervalMs: row.step };
    },
    async slowSends(name, intervalMs, untilMs) {
      await db.run(SLOW, { name, interval: intervalMs, until: untilMs });
    },
  };
}
