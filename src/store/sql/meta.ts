// Small facts kept between runs, leases, the write probe and the change counters, on both engines.
import type { ChangeCounters, LeaseStore, MetaStore, WriteProbe } from '../ports.js';
import type { SqlDb } from './db.js';
import { sql } from './statement.js';

const GET = sql`SELECT value FROM meta WHERE key = :key`;
const SET = sql`INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`;
// One statement: the conflicting row is locked (PostgreSQL) or the file has one writer (SQLite),
// so two processes cannot both take the lease.
const ACQUIRE = sql`
  INSERT INTO leases (name, holder, expires_at) VALUES (:name, :holder, :expiresAt)
  ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
  WHERE leases.holder = excluded.holder OR leases.expires_at <= :now`;
const RELEASE = sql`DELETE FROM leases WHERE name = :name AND holder = :holder`;

export function metaStore(db: SqlDb): MetaStore & LeaseStore & WriteProbe & ChangeCounters {
  const get = async (key: string) => (await db.get<{ value: string }>(GET, { key }))?.value;
  return {
    getMeta: get,
    async setMeta(key, value) {
      await db.run(SET, { key, value });
    },
    async acquireLease(name, holder, now, expiresAt) {
      return (await db.run(ACQUIRE, { name, holder, now, expiresAt })) > 0;
    },
    async releaseLease(name, holder) {
      await db.run(RELEASE, { name, holder });
    },
    async probeWrite(at) {
      // A committed write, as a real one: a lock held too long, a full disk or a read-only file or
      // server all fail it.
      await db.run(SET, { key: 'write_probe', value: at });
    },
    // Both counters are bumped by triggers (migration 7), whichever process wrote.
    async contentVersion() {
      return (await get('content_version')) ?? '0';
    },
    async planVersion() {
      return (await get('plan_version')) ?? '0';
    },
  };
}
