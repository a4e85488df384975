// What readers are told about a paper beside its title and abstract, the same in digests and on
// the site's pages: where to read it, and what its sources say of it.
import { paperLinks, type Paper, type PaperLinks } from '../domain/paper.js';
import { dayLabel } from './email/edition-label.js';

export interface LinkView {
  label: string;
  url: string;
}

const SHOWN_CATEGORIES = 3;

/** A paper's links, in the order readers look for them. */
function linkViews(links: PaperLinks): LinkView[] {
  const out: LinkView[] = [];
  if (links.page) out.push({ label: 'Abstract', url: links.page });
  if (links.pdf) out.push({ label: 'PDF', url: links.pdf });
  if (links.code) out.push({ label: 'Code', url: links.code });
  if (links.dailyPapers) out.push({ label: 'Daily Papers', url: links.dailyPapers });
  return out;
}

/** What the sources say of a paper, where they say it: categories, dates, upvotes. */
export function paperFacts(paper: Paper): string {
  const facts: string[] = [];
  if (paper.categories?.length) facts.push(paper.categories.slice(0, SHOWN_CATEGORIES).join(', '));
  if (paper.publishedAt) facts.push(`published ${dayLabel(paper.publishedAt)}`);
  if (paper.featuredOn) facts.push(`on Daily Papers ${dayLabel(paper.featuredOn)}`);
  if (paper.upvotes !== undefined) facts.push(`${paper.upvotes} ${paper.upvotes === 1 ? 'upvote' : 'upvotes'}`);
  return facts.join(' · ');
}

/**
 * A paper's links as templates take them: the title links to its page (`url`, empty when no page
 * is known, and `search` is offered instead), `links` are the others (PDF, code, Daily Papers).
 */
export function paperLinkViews(paper: Parameters<typeof paperLinks>[0]): {
  url: string;
  links: LinkView[];
  search: string;
} {
  const links = paperLinks(paper);
  return { url: links.page ?? '', links: linkViews({ ...links, page: undefined }), search: links.search ?? '' };
}
