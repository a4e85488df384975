import { explain, scoreLabel, type ScoredPaper } from '../../domain/matching.js';
import { paperLinks, readableAbstract, type Paper } from '../../domain/paper.js';
import { paperFacts, paperLinkViews, type LinkView } from '../paper-facts.js';
import { papersShown } from '../../domain/ranking/diversity.js';
import type { Period } from '../../domain/period.js';
import { trimText } from '../../domain/text.js';
import type { Topic } from '../../domain/topic.js';
import { editionLabel, sourceDays, type EditionWindow } from './edition-label.js';
import { HOLE_MARKERS, type HoleValues } from './holes.js';
import type { DigestEntries } from '../../domain/digest.js';

const ABSTRACT_CHARS = 420;
const SHOWN_AUTHORS = 6;

/** Everything the digest templates need; every field is present so strict templates never miss one. */
export interface DigestView {
  subject: string;
  preheader: string;
  topicNames: string;
  periodLabel: string;
  countLabel: string;
  homeUrl: string;
  webUrl: string;
  feedUrl: string;
  moreUrl: string;
  moreLabel: string;
  more: number;
  /** The best three shown, by score, linking to their entries; empty when the digest shows three or fewer. */
  lead: LeadView[];
  /** Whether sections carry a heading: in a digest of several topics. */
  named: boolean;
  /** One per topic with papers, in topic order; papers in score order within. */
  sections: SectionView[];
  /** Every paper shown, as numbered, in section order. */
  papers: PaperView[];
  /** The compact layout: each paper's title, first authors, `summary` and a link to the rest. */
  compact: boolean;
  holes: HoleValues;
}

export interface LeadView {
  number: number;
  title: string;
}

export interface SectionView {
  slug: string;
  name: string;
  /** "3 papers", or "3 of 20 papers" when the rest are on the "more" page. */
  countLabel: string;
  papers: PaperView[];
  /** Its papers on the "more" page ("17 more on Neural architecture search"), where that page lists them; else empty. */
  moreLabel: string;
  moreUrl: string;
}

export interface PaperView {
  /** The paper's canonical id (not shown in emails; channels and JSON receivers get it). */
  id: string;
  /** Its place in the digest (1, 2, …), across sections: the text part's numbers, the lead's anchors. */
  number: number;
  title: string;
  /** Its own page (the title links there); empty when no source gave one: then `search` is offered. */
  url: string;
  /** The other places to read it, where known: "PDF", "Code", "Daily Papers". */
  links: LinkView[];
  /** An arXiv title search, for a paper with no known page; else empty. */
  search: string;
  /** What its sources say of it, in one line: "cs.LG, cs.CL · published 20 Mar 2024 · on Daily Papers 21 Mar 2024 · 57 upvotes". */
  facts: string;
  authors: string;
  abstract: string;
  /** The compact layout's text: the source's short summary where it gives one, else the abstract's first sentence or two. */
  summary: string;
  /** The compact layout's authors: the first few. */
  firstAuthors: string;
  /** Its full entry in the web copy: the compact layout's "more". */
  entryUrl: string;
  /** Why it was picked, in a few words ("matches NAS · like …"), with its topic in a digest of several. */
  why: string;
  score: string;
  /** "Updated (v2)" for a revised paper shown again to those who had an older version; else empty. */
  updated: string;
  /** Its near-duplicates (another version of the same work): named and linked under it, no slot of their own. */
  also: AlsoView[];
  /**
   * What its "more like this" and "not for me" links add to the recipient's rating page (the
   * `rateUrl` hole) before the choice (`more`, `less`): `/<topic>/<paper id>/`, the same for
   * every recipient. Path segments, not a query: nothing in them needs escaping in HTML.
   */
  rate: string;
}

export interface AlsoView {
  title: string;
  /** Its page; empty when none is known, and then `search` is offered. */
  url: string;
  search: string;
}

export interface DigestViewInput {
  digestId: string;
  topics: readonly Topic[];
  period: Period;
  /** Where its papers were first seen: the label names this, not the period it is keyed by. */
  window: EditionWindow;
  /** The papers that take the slots, each with the near-duplicates shown under it and the topic (slug) it is shown under. */
  picked: readonly (ScoredPaper & { also?: readonly ScoredPaper[]; section?: string })[];
  /**
   * Per topic (in `topics` order), the matching papers not shown that the "more" page lists under
   * it (see remainingByTopic). Near-duplicates under a picked paper are shown.
   */
  moreByTopic: readonly number[];
  /** The picked papers shown as updated (revised since the audience had them). */
  updatedIds?: ReadonlySet<string>;
  publicUrl: string;
}

function authorsLine(authors: readonly string[], shown = SHOWN_AUTHORS): string {
  if (authors.length <= shown) return authors.join(', ');
  return `${authors.slice(0, shown).join(', ')} et al.`;
}

const COMPACT_AUTHORS = 3;
/** The compact layout's text: a phone's two or three lines. */
const SUMMARY_CHARS = 100;
const SENTENCE_END = /[.!?](?=\s+["'([]?\p{Lu})/gu;

/** The abstract's first sentence, and the second if both fit the compact layout's few lines. */
function openingSentences(abstract: string, max = SUMMARY_CHARS): string {
  let end = 0;
  for (const m of abstract.matchAll(SENTENCE_END)) {
    const at = m.index + 1;
    if (at > max) break;
    end = at;
    // Two sentences at most, and a first one that says enough on its own.
    if (end >= max / 2) break;
  }
  return end > 0 ? abstract.slice(0, end) : trimText(abstract, max);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The mark of a paper shown again after a revision, with its version where it is known. */
function updatedLabel(version: number | null): string {
  return version === null ? 'Updated' : `Updated (v${version})`;
}

/** "3 new papers", "3 new papers, 1 updated", or "1 updated paper" when nothing is new. */
function countSubject(fresh: number, updated: number): string {
  if (updated === 0) return plural(fresh, 'new paper', 'new papers');
  if (fresh === 0) return plural(updated, 'updated paper', 'updated papers');
  return `${plural(fresh, 'new paper', 'new papers')}, ${updated} updated`;
}

function moreLabel(more: number): string {
  return `${plural(more, 'more paper', 'more papers')} on the web`;
}

/** "3 papers" when all are shown, else "3 of 20 papers". */
function shownOf(shown: number, total: number): string {
  return shown === total ? plural(total, 'paper', 'papers') : `${shown} of ${plural(total, 'paper', 'papers')}`;
}

/** How many papers take a lead: fewer than this many papers need none. */
const LEAD_SIZE = 3;
const LEAD_TITLE_CHARS = 90;

/** Higher score first; among equals, the earlier pick. Updated papers follow the new ones. */
const byScore = (a: { s: number; u: boolean; i: number }, b: { s: number; u: boolean; i: number }) =>
  Number(a.u) - Number(b.u) || b.s - a.s || a.i - b.i;

/** Builds the view of one digest edition from the ranked papers. Pure: URLs come from publicUrl. */
export function digestView(input: DigestViewInput): DigestView {
  const base = input.publicUrl.replace(/\/+$/, '');
  const topicNames = input.topics.map((t) => t.name).join(', ');
  const single = input.topics.length === 1 ? input.topics[0] : undefined;
  const named = input.topics.length > 1;
  const more = input.moreByTopic.reduce((n, m) => n + m, 0);
  const total = papersShown(input.picked) + more;
  const isUpdated = (id: string) => input.updatedIds?.has(id) ?? false;
  const updatedCount = input.picked.filter((p) => isUpdated(p.paper.id)).length;
  const webUrl = `${base}/digests/${encodeURIComponent(input.digestId)}`;
  const moreUrl = `${webUrl}/more`;
  // A paper whose topic is not among the digest's (an older caller) goes to the first section.
  const known = new Set(input.topics.map((t) => t.slug));
  const sectionOf = (p: { section?: string }) =>
    p.section !== undefined && known.has(p.section) ? p.section : input.topics[0]?.slug;
  let number = 0;
  const sections: SectionView[] = [];
  const scored: { p: PaperView; s: number; u: boolean; i: number }[] = [];
  input.topics.forEach((topic, k) => {
    const mine = input.picked
      .map((p, i) => ({ p, i, s: p.score, u: isUpdated(p.paper.id) }))
      .filter(({ p }) => sectionOf(p) === topic.slug)
      .sort(byScore);
    const rest = input.moreByTopic[k] ?? 0;
    if (mine.length === 0 && rest === 0) return;
    const papers = mine.map(({ p, s, u }) => {
      const view = paperView(p, ++number, u, topic.slug);
      scored.push({ p: view, s, u, i: number });
      return view;
    });
    sections.push({
      slug: topic.slug,
      name: topic.name,
      countLabel: shownOf(papersShown(mine.map(({ p }) => p)), papersShown(mine.map(({ p }) => p)) + rest),
      papers,
      // One topic: the digest's own "more" line says it.
      moreLabel: rest === 0 || !named ? '' : `${rest} more on ${topic.name}`,
      moreUrl: rest === 0 || !named ? '' : `${moreUrl}#${topic.slug}`,
    });
  });
  const papers = sections.flatMap((s) => s.papers);
  const best = scored
    .sort(byScore)
    // One line each: a long title is cut where a phone's line would end anyway.
    .map(({ p }) => ({ number: p.number, title: trimText(p.title, LEAD_TITLE_CHARS) }));
  const label = editionLabel(input.period, input.window);
  // Papers their sources date well before the window are not called new: the days are named.
  const fresh = input.picked.filter((p) => !isUpdated(p.paper.id));
  const from = sourceDays(
    fresh.map((p) => p.paper.featuredOn ?? p.paper.publishedAt ?? undefined),
    input.window,
  );
  const counted =
    from && updatedCount === 0
      ? `${plural(total, 'paper', 'papers')} from ${from}`
      : countSubject(total - updatedCount, updatedCount);
  return {
    subject: `${topicNames}: ${counted} · ${label}`,
    preheader: best
      .slice(0, LEAD_SIZE)
      .map((p) => p.title)
      .join(' · '),
    topicNames,
    periodLabel: label,
    countLabel: `${shownOf(papersShown(input.picked), total)}${from ? `, from ${from}` : ''}`,
    homeUrl: `${base}/`,
    webUrl,
    feedUrl: single ? `${base}/topics/${single.slug}/feed.xml` : `${base}/feed.xml`,
    // The edition's own list of what did not fit: a topic page shows only its newest papers.
    moreUrl,
    moreLabel: moreLabel(more),
    more,
    lead: papers.length > LEAD_SIZE ? best.slice(0, LEAD_SIZE) : [],
    named,
    sections,
    papers,
    compact: false,
    holes: HOLE_MARKERS,
  };

  function paperView(picked: DigestViewInput['picked'][number], n: number, updated: boolean, topic: string): PaperView {
    const { paper } = picked;
    const parts = partsOf(paper);
    // Field by field, in the order views were always stored in (digests.view holds their JSON).
    return {
      id: parts.id,
      number: n,
      title: parts.title,
      url: parts.url,
      links: parts.links,
      search: parts.search,
      facts: parts.facts,
      authors: parts.authors,
      abstract: parts.abstract,
      summary: parts.summary,
      firstAuthors: parts.firstAuthors,
      entryUrl: `${webUrl}#paper-${n}`,
      // The section names the topic: the reason says only what matched.
      why: explain(picked),
      score: scoreLabel(picked.score),
      updated: updated ? updatedLabel(paper.version) : '',
      also: (picked.also ?? []).map((d) => alsoOf(d.paper)),
      rate: `/${encodeURIComponent(topic)}/${encodeURIComponent(paper.id)}/`,
    };
  }
}

/** What a paper's entry shows whatever the edition: its text, trimmed, and its links. */
type PaperParts = Pick<
  PaperView,
  'id' | 'title' | 'url' | 'links' | 'search' | 'facts' | 'authors' | 'abstract' | 'summary' | 'firstAuthors'
>;

// A weekly plan with readers' feedback builds 15,000 views of one reader, which show the same few
// thousand papers again and again: each paper's parts are made once (trimming abstracts and finding
// sentence ends took most of a view's time) and shared by the views that show it. Keyed by the
// paper object, which is never changed once read: a paper read again is a new object.
const partsByPaper = new WeakMap<Paper, PaperParts>();
const alsoByPaper = new WeakMap<Paper, AlsoView>();

function partsOf(paper: Paper): PaperParts {
  let parts = partsByPaper.get(paper);
  if (!parts) {
    const abstract = readableAbstract(paper.abstract);
    parts = {
      id: paper.id,
      title: paper.title,
      ...paperLinkViews(paper),
      facts: paperFacts(paper),
      authors: authorsLine(paper.authors),
      abstract: trimText(abstract, ABSTRACT_CHARS),
      summary: paper.aiSummary ? trimText(paper.aiSummary, SUMMARY_CHARS) : openingSentences(abstract),
      firstAuthors: authorsLine(paper.authors, COMPACT_AUTHORS),
    };
    partsByPaper.set(paper, parts);
  }
  return parts;
}

function alsoOf(paper: Paper): AlsoView {
  let also = alsoByPaper.get(paper);
  if (!also) {
    const l = paperLinks(paper);
    alsoByPaper.set(paper, (also = { title: paper.title, url: l.page ?? '', search: l.search ?? '' }));
  }
  return also;
}

/** What a chat message is made of: the view's heading, links and papers, each under its topic's name. */
export function digestEntries(view: DigestView): DigestEntries {
  return {
    topicNames: view.topicNames,
    periodLabel: view.periodLabel,
    webUrl: view.webUrl,
    more: view.more,
    moreUrl: view.moreUrl,
    papers: view.sections.flatMap((s) =>
      s.papers.map((p) => ({
        id: p.id,
        title: p.title,
        url: p.url || p.search,
        why: p.why,
        score: Number(p.score),
        topic: s.name,
      })),
    ),
  };
}
