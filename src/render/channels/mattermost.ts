// A Mattermost message (incoming webhook): markdown text within its 16,383-character limit.
import type { DigestEntry } from '../../domain/digest.js';
import { clean, cut, fitPapers, heading, moreLine, topicOf, type ChannelEdition } from './channel-edition.js';

const MESSAGE_CHARS = 16_383;
/** Room for the heading and the footer. */
const FRAME_CHARS = 1_000;

// An @ is followed by a zero-width space: a title saying "@channel" must not notify anyone.
const esc = (s: string) => s.replace(/([\\*_~`|[\]()<>#])/g, '\\$1').replace(/@/g, '@\u200b');
const linkUrl = (u: string) => u.replace(/\)/g, '%29').replace(/ /g, '%20');

const paperLine = (topic: (p: DigestEntry) => string) => (p: DigestEntry, i: number) => {
  const why = p.why ? `\n   *${esc(cut(clean(p.why), 300))}*` : '';
  const under = topic(p) ? ` · ${esc(cut(topic(p), 120))}` : '';
  return `${i + 1}. **[${esc(cut(clean(p.title), 300))}](${linkUrl(p.url)})** · ${p.score.toFixed(2)}${under}${why}\n`;
};

/** The Mattermost body of an edition: a heading, a numbered list of the papers that fit, the web copy. */
export function mattermostBody(edition: ChannelEdition): object {
  const e = edition.entries;
  const { parts, left } = fitPapers(e, paperLine(topicOf(e)), MESSAGE_CHARS - FRAME_CHARS);
  const more = moreLine(left);
  const footer = more ? `${more}: [see them all](${linkUrl(e.moreUrl)}) · ` : '';
  const text = `#### ${esc(cut(heading(e), 300))}\n\n${parts.join('')}\n${footer}[Read it on the web](${linkUrl(e.webUrl)})`;
  return { text: cut(text, MESSAGE_CHARS) };
}
