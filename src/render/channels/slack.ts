// A Slack message (incoming webhook, Block Kit) within Slack's documented limits: at most 50
// blocks, 3,000 characters per section text, 150 per header, 40,000 for the whole message.
import type { DigestEntry } from '../../domain/digest.js';
import { clean, cut, fitPapers, heading, moreLine, topicOf, type ChannelEdition } from './channel-edition.js';

const MAX_BLOCKS = 50;
const SECTION_CHARS = 3000;
const HEADER_CHARS = 150;
/** Room left under the 40,000 of a message for the fallback text, the heading and the footer. */
const PAPERS_BUDGET = 30_000;
/** Blocks that are not papers: header, context, divider, footer. */
const FRAME_BLOCKS = 4;

/** Slack's mrkdwn escapes: &, < and > only (its link syntax uses them). */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A URL inside `<url|label>`: the two characters that would end it early are percent-encoded. */
const linkUrl = (u: string) => u.replace(/\|/g, '%7C').replace(/>/g, '%3E');

const paperText = (topic: (p: DigestEntry) => string) => (p: DigestEntry, i: number) => {
  const title = esc(cut(clean(p.title), 300));
  const why = p.why ? `\n_${esc(cut(clean(p.why), 500))}_` : '';
  const under = topic(p) ? `  ·  ${esc(cut(topic(p), 120))}` : '';
  return cut(`*${i + 1}. <${linkUrl(p.url)}|${title}>*  ·  score ${p.score.toFixed(2)}${under}${why}`, SECTION_CHARS);
};

/** The Slack body of an edition: a header, one section per paper that fits, a footer with the web copy. */
export function slackBody(edition: ChannelEdition): object {
  const e = edition.entries;
  const { parts, left } = fitPapers(e, paperText(topicOf(e)), PAPERS_BUDGET, MAX_BLOCKS - FRAME_BLOCKS);
  const web = `<${linkUrl(e.webUrl)}|Read it on the web>`;
  const more = left > 0 ? `${moreLine(left)}: <${linkUrl(e.moreUrl)}|see them all>  ·  ${web}` : web;
  const title = heading(e);
  return {
    // Shown in notifications and by clients without blocks.
    text: cut(esc(`${title}: ${e.papers.length} papers`), 3000),
    unfurl_links: false,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(title, HEADER_CHARS), emoji: false } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: esc(`${parts.length} of ${e.papers.length + e.more} papers`) }],
      },
      { type: 'divider' },
      ...parts.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
      { type: 'section', text: { type: 'mrkdwn', text: more } },
    ],
  };
}
