// Channels and what was delivered to them, on both engines.
import type { Channel } from '../../domain/channel.js';
import type { ChannelStore } from '../ports.js';
import { type DeliveryRow, toDelivery } from '../rows.js';
import type { SqlDb } from './db.js';
import { sql } from './statement.js';

const COLUMNS = `id, name, topic_set AS "topicSet", url, format, signing_secret AS "signingSecret", frequency,
  timezone, send_hour AS "sendHour", created_at AS "createdAt"`;
const INSERT = sql`
  INSERT INTO channels (id, name, topic_set, url, format, signing_secret, frequency, timezone, send_hour, created_at)
  VALUES (:id, :name, :topicSet, :url, :format, :signingSecret, :frequency, :timezone, :sendHour, :createdAt)
  ON CONFLICT (name) DO NOTHING`;
const LIST = sql`SELECT ${COLUMNS} FROM channels ORDER BY name`;
const BY_NAME = sql`SELECT ${COLUMNS} FROM channels WHERE name = :name`;
const BY_ID = sql`SELECT ${COLUMNS} FROM channels WHERE id = :id`;
// The channel goes; its deliveries stay, as the record of what was posted (a pending one is skipped).
const DELETE = sql`DELETE FROM channels WHERE name = :name`;
// One per (edition, channel): the channel's id takes the recipient's place in the unique key.
const INSERT_DELIVERY = sql`
  INSERT INTO deliveries (id, digest_id, subscriber_id, email, status, attempts, next_attempt_at, message_id,
    created_at, updated_at, kind, channel_id)
  VALUES (:id, :digestId, :channelId, :label, 'pending', 0, :at, :messageId, :at, :at, 'digest', :channelId)
  ON CONFLICT DO NOTHING`;
const PLANNED = sql`
  SELECT 1 AS planned FROM deliveries d JOIN digests g ON g.id = d.digest_id
  WHERE d.channel_id = :channelId AND g.period_kind = :kind AND g.period_key = :key LIMIT 1`;
const LATEST = sql`
  SELECT * FROM deliveries d WHERE channel_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM deliveries n WHERE n.channel_id = d.channel_id
      AND (n.updated_at > d.updated_at OR (n.updated_at = d.updated_at AND n.id > d.id)))`;

/** How a channel's deliveries name it in the `email` column that `deliveries list` shows. */
const channelLabel = (name: string) => `channel:${name}`;

export function channelStore(db: SqlDb): ChannelStore {
  return {
    async addChannel(channel) {
      return (await db.run(INSERT, channel)) > 0;
    },
    async listChannels() {
      return db.all<Channel>(LIST);
    },
    async getChannel(name) {
      return db.get<Channel>(BY_NAME, { name });
    },
    async getChannelById(id) {
      return db.get<Channel>(BY_ID, { id });
    },
    async removeChannel(name) {
      return (await db.run(DELETE, { name })) > 0;
    },
    async hasChannelDelivery(channelId, period) {
      return (await db.get(PLANNED, { channelId, kind: period.kind, key: period.key })) !== undefined;
    },
    async createChannelDelivery(row) {
      const messageId = `${row.id}@${row.messageDomain}`;
      const params = { ...row, label: channelLabel(row.channelName), messageId };
      return (await db.run(INSERT_DELIVERY, params)) > 0;
    },
    async latestChannelDeliveries() {
      const rows = await db.all<DeliveryRow>(LATEST);
      return new Map(rows.map((r) => [r.channel_id!, toDelivery(r)]));
    },
  };
}
