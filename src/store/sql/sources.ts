// How each configured source's fetches went, on both engines.
import type { SourceStore } from '../ports.js';
import { type SourceRow, toState } from '../rows.js';
import type { SqlDb } from './db.js';
import { sql } from './statement.js';

const BY_NAME = sql`SELECT * FROM source_states WHERE name = :name`;
const LIST = sql`SELECT * FROM source_states ORDER BY name`;
const SAVE = sql`
  INSERT INTO source_states (name, status, detail, last_attempt_at, last_success_at, last_changed_at, newest_item_at,
    items_seen, items_new, failures, etag, last_modified, skip_days)
  VALUES (:name, :status, :detail, :last_attempt_at, :last_success_at, :last_changed_at, :newest_item_at,
    :items_seen, :items_new, :failures, :etag, :last_modified, :skip_days)
  ON CONFLICT (name) DO UPDATE SET status = excluded.status, detail = excluded.detail,
    last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at,
    last_changed_at = excluded.last_changed_at, newest_item_at = excluded.newest_item_at,
    items_seen = excluded.items_seen, items_new = excluded.items_new, failures = excluded.failures,
    etag = excluded.etag, last_modified = excluded.last_modified, skip_days = excluded.skip_days`;

export function sourceStore(db: SqlDb): SourceStore {
  return {
    async getSourceState(name) {
      const row = await db.get<SourceRow>(BY_NAME, { name });
      return row && toState(row);
    },
    async listSourceStates() {
      return (await db.all<SourceRow>(LIST)).map(toState);
    },
    async saveSourceState(s) {
      const row: SourceRow = {
        name: s.name,
        status: s.status,
        detail: s.detail,
        last_attempt_at: s.lastAttemptAt,
        last_success_at: s.lastSuccessAt,
        last_changed_at: s.lastChangedAt,
        newest_item_at: s.newestItemAt,
        items_seen: s.itemsSeen,
        items_new: s.itemsNew,
        failures: s.failures,
        etag: s.etag,
        last_modified: s.lastModified,
        skip_days: s.skipDays.length ? JSON.stringify(s.skipDays) : null,
      };
      await db.run(SAVE, row);
    },
  };
}
