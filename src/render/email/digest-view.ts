import { explain, scoreLabel, type ScoredPaper } from '../../domain/matching.js';
import { paperLink, readableAbstract } from '../../domain/paper.js';
import { papersShown } from '../../domain/ranking/diversity.js';
import type { Period } from '../../domain/period.js';
import { trimText } from '../../domain/text.js';
import type { Topic } from '../../domain/topic.js';
import { editionLabel, type EditionWindow } from './edition-label.js';
import { HOLE_MARKERS, type HoleValues } from './holes.js';

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
  papers: PaperView[];
  holes: HoleValues;
}

export interface PaperView {
  number: number;
  title: string;
  url: string;
  authors: string;
  abstract: string;
  /** Why it was picked, in a few words ("matches NAS · like …"), with its topic in a digest of several. */
  why: string;
  score: string;
  /** "Updated (v2)" for a revised paper shown again to those who had an older version; else empty. */
  updated: string;
  /** Its near-duplicates (another version of the same work): named and linked under it, no slot of their own. */
  also: AlsoView[];
}

export interface AlsoView {
  title: string;
  url: string;
}

export interface DigestViewInput {
  digestId: string;
  topics: readonly Topic[];
  period: Period;
  /** Where its papers were first seen: the label names this, not the period it is keyed by. */
  window: EditionWindow;
  /** The papers that take the slots, each with the near-duplicates shown under it. */
  picked: readonly (ScoredPaper & { also?: readonly ScoredPaper[] })[];
  /** Matching papers not shown (near-duplicates under a picked paper are shown). */
  more: number;
  /** The picked papers shown as updated (revised since the audience had them). */
  updatedIds?: ReadonlySet<string>;
  publicUrl: string;
}

function authorsLine(authors: readonly string[]): string {
  if (authors.length <= SHOWN_AUTHORS) return authors.join(', ');
  return `${authors.slice(0, SHOWN_AUTHORS).join(', ')} et al.`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The mark of a paper shown again after a revision, with its version where it is known. */
export function updatedLabel(version: number | null): string {
  return version === null ? 'Updated' : `Updated (v${version})`;
}

/** "3 new papers", "3 new papers, 1 updated", or "1 updated paper" when nothing is new. */
function countSubject(fresh: number, updated: number): string {
  if (updated === 0) return plural(fresh, 'new paper', 'new papers');
  if (fresh === 0) return plural(updated, 'updated paper', 'updated papers');
  return `${plural(fresh, 'new paper', 'new papers')}, ${updated} updated`;
}

export function moreLabel(more: number): string {
  return `${plural(more, 'more paper', 'more papers')} on the web`;
}

/** Builds the view of one digest edition from the ranked papers. Pure: URLs come from publicUrl. */
export function digestView(input: DigestViewInput): DigestView {
  const base = input.publicUrl.replace(/\/+$/, '');
  const topicNames = input.topics.map((t) => t.name).join(', ');
  const single = input.topics.length === 1 ? input.topics[0] : undefined;
  const total = papersShown(input.picked) + input.more;
  const isUpdated = (id: string) => input.updatedIds?.has(id) ?? false;
  const updatedCount = input.picked.filter((p) => isUpdated(p.paper.id)).length;
  const papers = input.picked.map((picked, i) => ({
    number: i + 1,
    title: picked.paper.title,
    url: paperLink(picked.paper),
    authors: authorsLine(picked.paper.authors),
    abstract: trimText(readableAbstract(picked.paper.abstract), ABSTRACT_CHARS),
    why: [picked.topic, explain(picked)].filter(Boolean).join(': '),
    score: scoreLabel(picked.score),
    updated: isUpdated(picked.paper.id) ? updatedLabel(picked.paper.version) : '',
    also: (picked.also ?? []).map((d) => ({ title: d.paper.title, url: paperLink(d.paper) })),
  }));
  const label = editionLabel(input.period, input.window);
  return {
    subject: `${topicNames}: ${countSubject(total - updatedCount, updatedCount)} · ${label}`,
    preheader: papers
      .slice(0, 3)
      .map((p) => p.title)
      .join(' · '),
    topicNames,
    periodLabel: label,
    countLabel: plural(total, 'paper', 'papers'),
    homeUrl: `${base}/`,
    webUrl: `${base}/digests/${encodeURIComponent(input.digestId)}`,
    feedUrl: single ? `${base}/topics/${single.slug}/feed.xml` : `${base}/feed.xml`,
    // The edition's own list of what did not fit: a topic page shows only its newest papers.
    moreUrl: `${base}/digests/${encodeURIComponent(input.digestId)}/more`,
    moreLabel: moreLabel(input.more),
    more: input.more,
    papers,
    holes: HOLE_MARKERS,
  };
}
