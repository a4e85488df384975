// A Discord message (webhook) within Discord's documented limits: content 2,000 characters; at
// most 10 embeds, 6,000 characters across them, a title 256 and a description 4,096.
import type { DigestEntry } from '../../domain/digest.js';
import { clean, cut, fitPapers, heading, moreLine, topicOf, type ChannelEdition } from './channel-edition.js';

const TITLE_CHARS = 256;
const DESCRIPTION_CHARS = 4096;
const EMBEDS_CHARS = 6000;
const FOOTER_CHARS = 200;

/** Discord markdown's special characters, escaped so a title shows as written. */
const esc = (s: string) => s.replace(/([\\*_~`|[\]()<>#])/g, '\\$1');
/** A URL inside `[label](url)`: a closing parenthesis or a space would end it early. */
const linkUrl = (u: string) => u.replace(/\)/g, '%29').replace(/ /g, '%20');

const paperLine = (topic: (p: DigestEntry) => string) => (p: DigestEntry, i: number) => {
  const why = p.why ? `\n${esc(cut(clean(p.why), 300))}` : '';
  const under = topic(p) ? ` · *${esc(cut(topic(p), 120))}*` : '';
  return `**${i + 1}. [${esc(cut(clean(p.title), 250))}](${linkUrl(p.url)})** · ${p.score.toFixed(2)}${under}${why}\n\n`;
};

/** The Discord body of an edition: one embed, its title the heading (linked to the web copy), the papers that fit. */
export function discordBody(edition: ChannelEdition): object {
  const e = edition.entries;
  const title = cut(heading(e), TITLE_CHARS);
  const budget = Math.min(DESCRIPTION_CHARS, EMBEDS_CHARS - title.length - FOOTER_CHARS);
  const { parts, left } = fitPapers(e, paperLine(topicOf(e)), budget);
  const more = moreLine(left);
  return {
    content: cut(`New papers: ${clean(e.topicNames)}`, 2000),
    // A title with "@everyone" in it must not ping anyone.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title,
        url: e.webUrl,
        // Discord refuses an empty description: left out when no paper fits (a test before any edition).
        ...(parts.length > 0 ? { description: parts.join('').trimEnd() } : {}),
        footer: { text: cut(more ? `${more} · ${e.moreUrl}` : `Web copy: ${e.webUrl}`, FOOTER_CHARS) },
      },
    ],
  };
}
