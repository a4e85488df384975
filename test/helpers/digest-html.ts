// Reads a digest's HTML (the email, or its web copy) back into what a reader sees: the lead, the
// sections with their headings and counts, each paper with its links and score, the "more" lines.
// By the class names the templates give each part; tags are matched whole, text is unescaped.

export interface PaperEntry {
  number: number;
  section: string | undefined;
  title: string;
  /** Where the title links: its page; empty when it has none. */
  href: string;
  score: number;
  /** Every link of the entry, by its text (the title's first): "PDF", "Code", "Daily Papers", "search arXiv", … */
  links: { text: string; href: string }[];
  /** The entry's text without tags, one space between words. */
  text: string;
}

export interface SectionEntry {
  slug: string;
  name: string;
  shown: number;
  total: number;
  papers: PaperEntry[];
  /** Its "N more on <topic>" link, when it has one. */
  more?: { count: number; href: string };
}

export interface DigestStructure {
  /** The heading's count: "5 of 47 papers" gives shown 5, total 47. */
  shown: number;
  total: number;
  lead: { href: string; title: string }[];
  sections: SectionEntry[];
  papers: PaperEntry[];
  more?: { count: number; href: string };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: ' ' };

/** Decodes the entities Handlebars and MJML write: named ones and numeric (`&#x3D;` is "="). */
function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|nbsp);/gi, (_m, e: string) =>
    e.startsWith('#x') || e.startsWith('#X')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : (ENTITIES[e] ?? ''),
  );
}

/** HTML text as the reader sees it: tags dropped, entities decoded, whitespace collapsed. */
export function textOf(html: string): string {
  return decode(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** "3 papers" → 3 of 3; "3 of 20 papers" → 3 of 20; "1 paper" → 1 of 1. */
function counts(label: string): { shown: number; total: number } {
  const m = /(\d+)(?: of (\d+))? papers?/.exec(label);
  if (!m) throw new Error(`no count in "${label}"`);
  return { shown: Number(m[1]), total: Number(m[2] ?? m[1]) };
}

/** The outer HTML of every `<div class="paper" …>` entry: the entries never nest a div. */
function paperBlocks(html: string): { at: number; html: string }[] {
  return [...html.matchAll(/<div class="paper[^"]*" id="paper-\d+"[^>]*>[\s\S]*?<\/div>/g)].map((m) => ({
    at: m.index,
    html: m[0],
  }));
}

function paperOf(entry: string, section: string | undefined): PaperEntry {
  // The rating links ("More like this", "Not for me") are the reader's, not the paper's: left out
  // here (test/integration/ratings-http.test.ts reads them).
  const block = entry.replace(/<(p|span) class="rate"[^>]*>[\s\S]*?<\/\1>/, '');
  const number = Number(/id="paper-(\d+)"/.exec(block)?.[1]);
  // A paper with no known page has its title unlinked: href is then empty.
  const title = /<h3 class="title"[^>]*>(?:<a href="([^"]*)"[^>]*>)?([\s\S]*?)(?:<\/a>)?<\/h3>/.exec(block);
  if (!title) throw new Error(`paper ${number} has no title`);
  const score = /score (\d\.\d\d)/.exec(textOf(block));
  return {
    number,
    section,
    title: textOf(title[2]!),
    href: decode(title[1] ?? ''),
    score: Number(score?.[1]),
    links: [...block.matchAll(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({
      href: decode(m[1]!),
      text: textOf(m[2]!),
    })),
    text: textOf(block),
  };
}

/** Reads a digest's HTML; throws when a part it needs (the heading's count) is missing. */
export function readDigest(html: string): DigestStructure {
  const heading = /<h1[^>]*>[\s\S]*?<\/h1>\s*<p[^>]*>([\s\S]*?)<\/p>/.exec(html);
  if (!heading) throw new Error('no heading');
  const lead = [
    ...(/<div class="lead"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '').matchAll(
      /<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g,
    ),
  ].map((m) => ({
    href: decode(m[1]!),
    title: textOf(m[2]!),
  }));
  const headings = [
    ...html.matchAll(/<h2 class="section" id="([^"]+)"[^>]*>([\s\S]*?)<span[^>]*>([\s\S]*?)<\/span><\/h2>/g),
  ].map((m) => ({
    at: m.index,
    slug: m[1]!,
    name: textOf(m[2]!),
    ...counts(textOf(m[3]!)),
  }));
  const blocks = paperBlocks(html);
  const sectionAt = (at: number) => headings.filter((h) => h.at < at).at(-1)?.slug;
  const papers = blocks.map((b) => paperOf(b.html, sectionAt(b.at)));
  const sectionMores = [
    ...html.matchAll(/<p class="section-more"[^>]*><a href="([^"]*)"[^>]*>(\d+) more on [^<]*<\/a><\/p>/g),
  ].map((m) => ({
    at: m.index,
    href: decode(m[1]!),
    count: Number(m[2]),
  }));
  const sections = headings.map((h, i) => {
    const end = headings[i + 1]?.at ?? Infinity;
    const more = sectionMores.find((m) => m.at > h.at && m.at < end);
    return {
      slug: h.slug,
      name: h.name,
      shown: h.shown,
      total: h.total,
      papers: papers.filter((p) => p.section === h.slug),
      ...(more ? { more: { count: more.count, href: more.href } } : {}),
    };
  });
  const more = /<p class="more"[^>]*><a href="([^"]*)"[^>]*>(\d+) more papers? on the web<\/a><\/p>/.exec(html);
  return {
    ...counts(textOf(heading[1]!)),
    lead,
    sections,
    papers,
    ...(more ? { more: { href: decode(more[1]!), count: Number(more[2]) } } : {}),
  };
}
