// One edition as the body and headers a channel's format wants.
import { type Channel, SIGNATURE_HEADER, signPayload } from '../../domain/channel.js';
import type { ChannelEdition, ChannelPayload } from './channel-edition.js';
import { discordBody } from './discord.js';
import { jsonBody } from './json-body.js';
import { mattermostBody } from './mattermost.js';
import { slackBody } from './slack.js';

const BODIES = { slack: slackBody, discord: discordBody, mattermost: mattermostBody, json: jsonBody };

/**
 * The payload of an edition for a channel. Every format carries `Idempotency-Key: <delivery id>`
 * (the same on a resend); the json one is signed with the channel's secret.
 */
export function channelPayload(
  channel: Pick<Channel, 'format' | 'signingSecret'>,
  edition: ChannelEdition,
): ChannelPayload {
  const body = JSON.stringify(BODIES[channel.format](edition));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Paperboy',
    'idempotency-key': edition.deliveryId,
  };
  if (channel.format === 'json' && channel.signingSecret) {
    headers[SIGNATURE_HEADER.toLowerCase()] = signPayload(
      channel.signingSecret,
      Math.floor(edition.at.getTime() / 1000),
      body,
    );
  }
  return { body, headers };
}
