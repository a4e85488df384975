import type Database from 'better-sqlite3';
import type { SourceStore } from '../ports.js';
import { type SourceRow, toState } from '../rows.js';

export function sqliteSourceStore(db: Database.Database): SourceStore {
  const get = db.prepare<[string], SourceRow>('SELECT * FROM source_states WHERE name = ?');
  const save = db.prepare(`
    INSERT INTO source_states (name, status, detail, last_attempt_at, last_success_at, last_changed_at, newest_item_at,
      items_seen, items_new, failures, etag, last_modified, skip_days)
    VALUES (@name, @status, @detail, @last_attempt_at, @last_success_at, @last_changed_at, @newest_item_at,
      @items_seen, @items_new, @failures, @etag, @last_modified, @skip_days)
    ON CONFLICT (name) DO UPDATE SET status = excluded.status, detail = excluded.detail,
      last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at,
      last_changed_at = excluded.last_changed_at, newest_item_at = excluded.newest_item_at,
      items_seen = excluded.items_seen, items_new = excluded.items_new, failures = excluded.failures,
      etag = excluded.etag, last_modified = excluded.last_modified, skip_days = excluded.skip_days`);
  return {
    async getSourceState(name) {
      const row = get.get(name);
      return row && toState(row);
    },
    async listSourceStates() {
      return db.prepare<[], SourceRow>('SELECT * FROM source_states ORDER BY name').all().map(toState);
    },
    async saveSourceState(s) {
      save.run({
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
      });
    },
  };
}
