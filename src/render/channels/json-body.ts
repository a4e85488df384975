// The json format's body (documented in docs/channels.md): the edition and its papers, for any receiver.
import type { ChannelEdition } from './channel-edition.js';

/** The JSON body of an edition; its field names are a contract with receivers. */
export function jsonBody(edition: ChannelEdition): object {
  const e = edition.entries;
  return {
    type: 'paperboy.edition',
    version: 1,
    delivery_id: edition.deliveryId,
    sent_at: edition.at.toISOString(),
    edition: {
      id: edition.digestId,
      key: edition.editionKey,
      period: {
        kind: edition.period.kind,
        key: edition.period.key,
        start: edition.period.start.toISOString(),
        end: edition.period.end.toISOString(),
      },
      label: e.periodLabel,
      topics: edition.topicSlugs,
      topic_names: e.topicNames,
      web_url: e.webUrl,
      more: e.more,
      more_url: e.moreUrl,
    },
    papers: e.papers.map((p) => ({ id: p.id, title: p.title, url: p.url, score: p.score, why: p.why, topic: p.topic })),
  };
}
