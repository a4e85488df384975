// Each chat format within its service's documented limits, for the largest editions and the
// oddest titles; the json body's signature; what a webhook's answer means.
import { describe, expect, it } from 'vitest';
import { maskChannelUrl, parseWebhookUrl, signPayload, verifySignature } from '../../src/domain/channel.js';
import type { DigestEntries } from '../../src/domain/digest.js';
import { decideWebhookAnswer, retryAfterMs } from '../../src/domain/webhook-answer.js';
import type { ChannelEdition } from '../../src/render/channels/channel-edition.js';
import { channelPayload } from '../../src/render/channels/channel-payload.js';

const NOW = new Date('2026-11-25T08:00:00Z');

function edition(papers: number, title = (i: number) => `Paper ${i}: a study of things`, more = 0): ChannelEdition {
  const entries: DigestEntries = {
    topicNames: 'Neural architecture search',
    periodLabel: '25 Nov 2026',
    webUrl: 'https://papers.example.org/digests/2026-11-25-abc',
    more,
    moreUrl: 'https://papers.example.org/digests/2026-11-25-abc/more',
    papers: Array.from({ length: papers }, (_, i) => ({
      id: `2403.${String(i).padStart(5, '0')}`,
      title: title(i),
      url: `https://arxiv.org/abs/2403.${String(i).padStart(5, '0')}`,
      why: `matches neural architecture search · like “${'a long title '.repeat(8)}”`,
      score: 0.9 - i / 1000,
      topic: 'Neural architecture search',
    })),
  };
  return {
    deliveryId: 'dlv_1',
    digestId: '2026-11-25-abc',
    editionKey: 'nas',
    period: { kind: 'day', key: '2026-11-25', start: NOW, end: NOW },
    topicSlugs: ['nas'],
    entries,
    at: NOW,
  };
}

const LONG = (i: number) => `${'Very long title with many words '.repeat(20)}${i}`;
const ODD = (i: number) => `<script>&"é"</script> *bold* _it_ [x](y) @everyone @channel | > ${i} \u0007`;

describe('slack', () => {
  const body = (e: ChannelEdition) =>
    JSON.parse(channelPayload({ format: 'slack', signingSecret: null }, e).body) as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string } }[];
    };

  it('stays within 50 blocks, 3,000 characters a section and 40,000 a message, and says what was left out', () => {
    const e = edition(200, LONG, 12);
    const b = body(e);
    expect(b.blocks.length).toBeLessThanOrEqual(50);
    for (const block of b.blocks) if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    expect(b.blocks[0]!.text!.text.length).toBeLessThanOrEqual(150);
    expect(JSON.stringify(b).length).toBeLessThanOrEqual(40_000);
    const shown = b.blocks.filter((x) => x.type === 'section').length - 1;
    expect(b.blocks.at(-1)!.text!.text).toContain(`and ${200 - shown + 12} more on the web`);
  });

  it('names the topic of each paper in an edition of several topics, and not in one of one', () => {
    const two = edition(2);
    two.entries.papers[1]!.topic = 'LLM serving';
    const texts = body(two)
      .blocks.filter((b) => b.type === 'section')
      .map((b) => b.text!.text);
    expect(texts[0]).toContain('score 0.90  ·  Neural architecture search\n');
    expect(texts[1]).toContain('  ·  LLM serving\n');
    expect(body(edition(2)).blocks[3]!.text!.text).not.toContain('·  Neural');
  });

  it('escapes what Slack reads as markup in titles', () => {
    const text = body(edition(1, ODD)).blocks[3]!.text!.text;
    expect(text).toContain('&lt;script&gt;&amp;"é"&lt;/script&gt;');
    expect(text).not.toContain('<script>');
    expect(text).not.toContain('\u0007');
  });
});

describe('discord', () => {
  const body = (e: ChannelEdition) =>
    JSON.parse(channelPayload({ format: 'discord', signingSecret: null }, e).body) as {
      content: string;
      allowed_mentions: unknown;
      embeds: { title: string; description: string; footer: { text: string } }[];
    };

  it('stays within 10 embeds, 6,000 characters in all, 256 a title, 4,096 a description', () => {
    const b = body(edition(200, LONG, 5));
    expect(b.embeds.length).toBeLessThanOrEqual(10);
    expect(b.content.length).toBeLessThanOrEqual(2000);
    const e = b.embeds[0]!;
    expect(e.title.length).toBeLessThanOrEqual(256);
    expect(e.description.length).toBeLessThanOrEqual(4096);
    expect(e.title.length + e.description.length + e.footer.text.length).toBeLessThanOrEqual(6000);
    expect(e.footer.text).toMatch(/^and \d+ more on the web · https:\/\/papers\.example\.org\/digests\/.+\/more$/);
  });

  it('pings nobody and shows a title as written', () => {
    const b = body(edition(1, ODD));
    expect(b.allowed_mentions).toEqual({ parse: [] });
    expect(b.embeds[0]!.description).toContain('\\*bold\\* \\_it\\_ \\[x\\]\\(y\\)');
    expect(b.embeds[0]!.footer.text).toBe('Web copy: https://papers.example.org/digests/2026-11-25-abc');
  });
});

describe('mattermost', () => {
  it('stays within 16,383 characters and says what was left out', () => {
    const { text } = JSON.parse(
      channelPayload({ format: 'mattermost', signingSecret: null }, edition(300, LONG)).body,
    ) as {
      text: string;
    };
    expect(text.length).toBeLessThanOrEqual(16_383);
    expect(text).toMatch(
      /and \d+ more on the web: \[see them all\]\(https:\/\/papers\.example\.org\/digests\/2026-11-25-abc\/more\)/,
    );
  });

  it('does not notify a channel through a title', () => {
    const { text } = JSON.parse(
      channelPayload({ format: 'mattermost', signingSecret: null }, edition(1, ODD)).body,
    ) as {
      text: string;
    };
    expect(text).not.toMatch(/@channel|@everyone/);
  });
});

describe('json', () => {
  it('is signed over the timestamp and the exact body, and keeps every paper', () => {
    const payload = channelPayload({ format: 'json', signingSecret: 'whsec_test' }, edition(120, ODD));
    const header = payload.headers['paperboy-signature']!;
    expect(header).toBe(signPayload('whsec_test', NOW.getTime() / 1000, payload.body));
    expect(verifySignature('whsec_test', header, payload.body, NOW.getTime() / 1000 + 60)).toBe(true);
    // A replay much later is refused, as a receiver should.
    expect(verifySignature('whsec_test', header, payload.body, NOW.getTime() / 1000 + 3600)).toBe(false);
    expect(JSON.parse(payload.body).papers).toHaveLength(120);
    expect(payload.headers['idempotency-key']).toBe('dlv_1');
  });
});

describe('webhook answers', () => {
  const policy = { maxAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 60_000 };
  const decide = (answer: Parameters<typeof decideWebhookAnswer>[0], attempts = 1) =>
    decideWebhookAnswer(answer, attempts, policy, NOW, 0.5);

  it('reads Retry-After in seconds and as an HTTP-date', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs('Wed, 25 Nov 2026 08:00:30 GMT', NOW)).toBe(30_000);
    expect(retryAfterMs('Wed, 25 Nov 2026 07:00:00 GMT', NOW)).toBe(0);
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs('99999999', NOW)).toBe(24 * 3600_000);
  });

  it('sends on 2xx, waits on 429, retries 5xx and silence, fails other 4xx and redirects for good', () => {
    expect(decide({ status: 204, retryAfter: null, body: '' })).toMatchObject({ status: 'sent' });
    expect(decide({ status: 429, retryAfter: '7', body: '' })).toMatchObject({
      status: 'pending',
      errorKind: 'throttled',
      nextAttemptAt: new Date(NOW.getTime() + 7000),
    });
    expect(decide({ status: 502, retryAfter: null, body: 'bad gateway' })).toMatchObject({
      status: 'pending',
      errorKind: 'transient',
      message: 'HTTP 502: bad gateway',
    });
    expect(decide({ status: undefined, error: 'no answer within 300 ms' }, 3)).toMatchObject({
      status: 'failed',
      errorKind: 'gave-up',
    });
    expect(decide({ status: 404, retryAfter: null, body: 'no_service' })).toMatchObject({
      status: 'failed',
      errorKind: 'rejected',
      message: 'HTTP 404: no_service',
    });
    expect(decide({ status: 301, retryAfter: null, body: '' })).toMatchObject({
      status: 'failed',
      errorKind: 'rejected',
    });
  });
});

describe('webhook URLs', () => {
  it('are https (http only to this machine), and shown as their host alone', () => {
    expect(parseWebhookUrl('https://hooks.slack.com/services/T1/B2/xyz')).toBe(
      'https://hooks.slack.com/services/T1/B2/xyz',
    );
    expect(parseWebhookUrl('http://127.0.0.1:9000/hook')).toBe('http://127.0.0.1:9000/hook');
    expect(() => parseWebhookUrl('http://hooks.slack.com/services/T1/B2/xyz')).toThrow(/use https/);
    expect(() => parseWebhookUrl('https://u:p@example.org/hook')).toThrow(/no user or password/);
    expect(() => parseWebhookUrl('not a url /secret')).toThrow(/^invalid webhook URL: give/);
    // The error never repeats the URL's secret part.
    expect(() => parseWebhookUrl('ftp://example.org/SECRET')).toThrow(/^((?!SECRET).)*$/);
    expect(maskChannelUrl('https://discord.com/api/webhooks/123/abc?wait=true')).toBe('https://discord.com/***');
  });
});
