// One attempt at a channel's delivery: the frozen edition as the channel's format, posted to its
// webhook, and what the answer means. Called by the deliverer for rows of kind `channel`, so these
// rows are claimed, held after a crash and listed exactly like email deliveries.
import { channelUrlSecrets, maskChannelUrl } from '../../domain/channel.js';
import type { Delivery, RetryPolicy } from '../../domain/delivery.js';
import type { Digest, DigestEntries } from '../../domain/digest.js';
import { paperLinks } from '../../domain/paper.js';
import { maskSecrets } from '../../domain/secrets.js';
import { oneLine } from '../../domain/text.js';
import { topicNames, topicSlugsOf } from '../../domain/topic.js';
import { decideWebhookAnswer, type WebhookDecision } from '../../domain/webhook-answer.js';
import { channelPayload } from '../../render/channels/channel-payload.js';
import type { ChannelStore, DigestStore, PaperStore, TopicStore } from '../../store/ports.js';
import { postWebhook, type WebhookPoster } from './webhook-post.js';

export interface ChannelPostDeps {
  store: Pick<ChannelStore, 'getChannelById'> &
    Pick<DigestStore, 'getDigest'> &
    Pick<PaperStore, 'getPapers'> &
    Pick<TopicStore, 'listTopics'>;
  clock: () => Date;
  random: () => number;
  policy: RetryPolicy;
  timeoutMs: number;
  publicUrl: string;
  post?: WebhookPoster;
}

/** How the attempt ended; `message` is fit to show and log (the URL masked). */
export type ChannelAttempt = { status: 'skipped'; errorKind: 'channel-gone' } | (WebhookDecision & { target: string });

/** An edition frozen before channels existed: titles and links from the store, no reasons. */
async function entriesOf(deps: ChannelPostDeps, digest: Digest): Promise<DigestEntries> {
  if (digest.entries) return digest.entries;
  const slugs = topicSlugsOf(digest.editionKey);
  const names = topicNames(await deps.store.listTopics(), slugs);
  const papers = await deps.store.getPapers(digest.paperIds);
  const byId = new Map(papers.map((p) => [p.id, p]));
  const webUrl = `${deps.publicUrl.replace(/\/+$/, '')}/digests/${encodeURIComponent(digest.id)}`;
  return {
    topicNames: names,
    periodLabel: digest.period.key,
    webUrl,
    more: 0,
    moreUrl: `${webUrl}/more`,
    papers: digest.paperIds.flatMap((id) => {
      const p = byId.get(id);
      if (!p) return [];
      const links = paperLinks(p);
      return [{ id, title: p.title, url: links.page ?? links.search ?? webUrl, why: '', score: 0, topic: names }];
    }),
  };
}

export function createChannelPoster(deps: ChannelPostDeps) {
  const post = deps.post ?? postWebhook;
  return {
    async attempt(d: Delivery): Promise<ChannelAttempt> {
      const channel = await deps.store.getChannelById(d.subscriberId);
      if (!channel) return { status: 'skipped', errorKind: 'channel-gone' };
      if (!d.digestId) throw new Error(`channel delivery ${d.id} has no digest`);
      const digest = await deps.store.getDigest(d.digestId);
      if (!digest) throw new Error(`delivery refers to a missing digest ${d.digestId}`);
      const at = deps.clock();
      const payload = channelPayload(channel, {
        // The row's own id, the same on a resend: receivers may drop a duplicate by it.
        deliveryId: d.id,
        digestId: digest.id,
        editionKey: digest.editionKey,
        period: digest.period,
        topicSlugs: topicSlugsOf(digest.editionKey),
        entries: await entriesOf(deps, digest),
        at,
      });
      const answer = await post(channel.url, payload, deps.timeoutMs);
      const decision = decideWebhookAnswer(answer, d.attempts, deps.policy, deps.clock(), deps.random());
      const target = maskChannelUrl(channel.url);
      // A receiver may echo the URL (or its token) back in an error: it is masked like everywhere else.
      const shown = (text: string) => oneLine(maskSecrets(text, channelUrlSecrets(channel.url)), 300);
      if (decision.status === 'sent') return { ...decision, response: shown(decision.response), target };
      return { ...decision, message: shown(`${decision.message} from ${target}`), target };
    },
  };
}
