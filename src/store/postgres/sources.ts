import type { SourceStore } from '../ports.js';
import type { Pg } from './db.js';
import { type SourceRow, toState } from '../rows.js';

export function pgSourceStore(db: Pg): SourceStore {
  return {
    async getSourceState(name) {
      const { rows } = await db.query<SourceRow>('SELECT * FROM source_states WHERE name = $1', [name]);
      return rows[0] && toState(rows[0]);
    },
    async listSourceStates() {
      const { rows } = await db.query<SourceRow>('SELECT * FROM source_states ORDER BY name');
      return rows.map(toState);
    },
    async saveSourceState(s) {
      await db.query(
        `INSERT INTO source_states (name, status, detail, last_attempt_at, last_success_at, last_changed_at, newest_item_at,
           items_seen, items_new, failures, etag, last_modified, skip_days)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (name) DO UPDATE SET status = excluded.status, detail = excluded.detail,
           last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at,
           last_changed_at = excluded.last_changed_at, newest_item_at = excluded.newest_item_at,
           items_seen = excluded.items_seen, items_new = excluded.items_new, failures = excluded.failures,
           etag = excluded.etag, last_modified = excluded.last_modified, skip_days = excluded.skip_days`,
        [
          s.name,
          s.status,
          s.detail,
          s.lastAttemptAt,
          s.lastSuccessAt,
          s.lastChangedAt,
          s.newestItemAt,
          s.itemsSeen,
          s.itemsNew,
          s.failures,
          s.etag,
          s.lastModified,
          s.skipDays.length ? JSON.stringify(s.skipDays) : null,
        ],
      );
    },
  };
}
