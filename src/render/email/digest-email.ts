import { HOLE_MARKERS, encodeParts, escapeHtml, fillBytes, fillHoles, splitHoles, type HoleValues } from './holes.js';
import type { DigestView } from './digest-view.js';
import type { EmailTemplates } from './templates.js';

/** Gmail clips messages whose HTML passes ~102 KB; stay clear of it. */
export const MAX_HTML_BYTES = 100 * 1024;

export interface RenderedDigest {
  subject: string;
  /** HTML and text with the per-recipient holes still in them. */
  html: string;
  text: string;
  /** The same papers in the compact layout (holes left in too). */
  compact: { html: string; text: string };
  /** How many of the view's papers fit (with their near-duplicates); the rest are counted in the "more" link. */
  shown: number;
}

/**
 * The view of an edition that shows only its first `keep` picks: the rest count as more, in the
 * sections of their topics (which the caller, knowing the rankings, attributes).
 */
export type ViewBuilder = (keep: number) => DigestView;

/**
 * Renders a digest once. If the HTML would be clipped, the lowest-ranked picks move to the
 * "more on the web" link until it fits.
 */
export function renderDigest(templates: EmailTemplates, build: ViewBuilder, picks: number): RenderedDigest {
  const { view, shown, html = templates.html(view) } = fitted(templates, build, picks);
  // The full layout is the longer: what fits in it fits in the compact one, the same papers.
  return { subject: view.subject, html, text: templates.text(view), compact: renderView(templates, view, true), shown };
}

/**
 * The view of a digest that fits, as renderDigest picks it, without rendering it: for an edition
 * rendered later from its view (renderView), with the same result.
 */
export function fitDigest(
  templates: EmailTemplates,
  build: ViewBuilder,
  picks: number,
): { view: DigestView; shown: number } {
  const { view, shown } = fitted(templates, build, picks);
  return { view, shown };
}

/**
 * The view with the most picks whose HTML fits, fewer by a tenth each time, and its HTML where it
 * had to be rendered to tell. A view whose bound on the HTML's size (templates.htmlBytesAtMost) is
 * under the limit fits without rendering: the bound is never below the real size, so the same view
 * is picked as by rendering. Only a view the bound cannot clear (an edition near the limit, long
 * titles) is rendered.
 */
function fitted(
  templates: EmailTemplates,
  build: ViewBuilder,
  picks: number,
): { view: DigestView; shown: number; html?: string } {
  for (let keep = picks; ; keep = Math.max(1, Math.floor(keep * 0.9))) {
    const view = build(keep);
    if ((templates.htmlBytesAtMost?.(view) ?? Number.POSITIVE_INFINITY) <= MAX_HTML_BYTES) return { view, shown: keep };
    const html = templates.html(view);
    if (Buffer.byteLength(html) <= MAX_HTML_BYTES || keep <= 1) return { view, shown: keep, html };
  }
}

/** One layout of a digest rendered from its view: what renderDigest gave for it. */
export function renderView(
  templates: EmailTemplates,
  view: DigestView,
  compact: boolean,
): { html: string; text: string } {
  const v = compact ? { ...view, compact: true } : view;
  return { html: templates.html(v), text: templates.text(v) };
}

/** What fills a digest for one recipient: strings for previews, bytes for sending. */
export type RecipientFiller = (values: HoleValues) => { html: string | Buffer; text: string | Buffer };

/**
 * Splits a rendered digest at its holes once and returns what fills them for each recipient:
 * values are HTML-escaped in the HTML part and left as they are in the text part.
 */
export function recipientFiller(
  rendered: Pick<RenderedDigest, 'html' | 'text'>,
): (values: HoleValues) => { html: string; text: string } {
  const html = splitHoles(rendered.html);
  const text = splitHoles(rendered.text);
  return (values) => ({ html: fillHoles(html, values, escapeHtml), text: fillHoles(text, values) });
}

/**
 * The sending path: the digest's fixed parts are UTF-8 encoded once per run, so each recipient
 * costs a copy of the bytes and the encoding of three short values, not the encoding of 80 KB.
 */
export function recipientBytesFiller(
  rendered: Pick<RenderedDigest, 'html' | 'text'>,
): (values: HoleValues) => { html: Buffer; text: Buffer } {
  const html = encodeParts(splitHoles(rendered.html));
  const text = encodeParts(splitHoles(rendered.text));
  return (values) => ({ html: fillBytes(html, values, escapeHtml), text: fillBytes(text, values) });
}

/** Fills one recipient's holes; for many recipients of one digest, reuse a recipientFiller. */
function personalise(
  rendered: Pick<RenderedDigest, 'html' | 'text'>,
  values: HoleValues,
): { html: string; text: string } {
  return recipientFiller(rendered)(values);
}

// The footer's personal links, as every frozen digest has them: `<a href="(hole)" …>Preferences</a> · `.
const PREFERENCES_LINK = new RegExp(`<a href="${HOLE_MARKERS.preferencesUrl}"[^>]*>[^<]*</a>\\s*·\\s*`, 'g');
const UNSUBSCRIBE_LINK = new RegExp(`<a href="${HOLE_MARKERS.unsubscribeUrl}"([^>]*)>[^<]*</a>`, 'g');

/**
 * The public web copy of a frozen digest's HTML: no one's preferences or unsubscribe link (a
 * reader there has neither), a link to subscribe in their place. Works on editions frozen before
 * too: it reads the footer the templates have always rendered.
 */
export function publicCopy(rendered: Pick<RenderedDigest, 'html' | 'text'>, subscribeUrl: string): string {
  const html = rendered.html
    .replace(PREFERENCES_LINK, '')
    .replace(
      UNSUBSCRIBE_LINK,
      (_link, attributes: string) => `<a href="${escapeHtml(subscribeUrl)}"${attributes}>Subscribe</a>`,
    );
  return personalise(
    { html, text: rendered.text },
    // Editions frozen before the content was marked have no rating links either.
    { recipient: 'subscribers', preferencesUrl: subscribeUrl, unsubscribeUrl: subscribeUrl, rateUrl: subscribeUrl },
  ).html;
}

// The part of a digest between these marks (templates/digest.mjml) is what its web copy shows.
const WEB_PART = /<!--pb:web-->([\s\S]*?)<!--\/pb:web-->/;

/**
 * What the site shows of a frozen digest, inside its own layout: the email's content (heading,
 * lead, sections, papers, "more" lines) without the email's header, footer or inline styles, so
 * that the site's stylesheet, light or dark, styles it. Undefined for an edition frozen before
 * the content was marked: that one is shown as its public copy. The rating links lead to
 * `publicRateUrl`, a page that shows the paper and tells a visitor (who could be anyone) to rate
 * from their own email.
 */
export function webContent(html: string, publicRateUrl: string): string | undefined {
  const part = WEB_PART.exec(html)?.[1];
  // Titles and abstracts were escaped when the edition was rendered; a quote in a value is &quot;,
  // so a style attribute ends at the first quote.
  return part?.replace(/ style="[^"]*"/g, '').replaceAll(HOLE_MARKERS.rateUrl, escapeHtml(publicRateUrl));
}
