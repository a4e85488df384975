// Text hygiene shared by ingest and every renderer.

// C0 and C1 control characters except tab and newline, plus lone surrogates and U+FFFE/U+FFFF:
// none of them is allowed in XML 1.0, and none belongs in a title or an abstract.
const CONTROL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// A cheap first look: most text has none of these, and the full pattern's lookarounds cost ~10x.
const MAYBE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/;

export function stripControlChars(s: string): string {
  return MAYBE_CONTROL.test(s) ? s.replace(CONTROL, '') : s;
}

// What collapsing whitespace changes: a run of two or more, or one that is not a plain space.
// Replacing only these, instead of every run (/\s+/), leaves the single spaces between words alone:
// a third of the cost of ingesting a hard-wrapped abstract.
const UNTIDY_SPACE = /\s{2,}|[^\S ]/g;

/** Strips control characters and collapses every run of whitespace to one space. */
export function normaliseWhitespace(s: string): string {
  return stripControlChars(s).replace(UNTIDY_SPACE, ' ').trim();
}

// Bidirectional overrides and isolates: in a terminal or a log they can make a line read otherwise.
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Text (an error, a warning) as one line of at most `max` characters: line breaks become spaces,
 * control characters go, runs of space shrink to one, and a longer text loses its middle to an
 * ellipsis, keeping where (the start: file and line) and why (the end).
 */
export function oneLine(text: string, max = 300): string {
  const flat = stripControlChars(text.replace(/[\t\n\r\u2028\u2029]/g, ' '))
    .replace(BIDI_CONTROL, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
  if (flat.length <= max) return flat;
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  const tail = Math.floor((max - 1) / 3);
  return `${chars
    .slice(0, max - 1 - tail)
    .join('')
    .trimEnd()}…${chars
    .slice(chars.length - tail)
    .join('')
    .trimStart()}`;
}

/** Cuts text at a word boundary so it is at most `max` characters, ending with an ellipsis. */
export function trimText(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  const base = space > max * 0.6 ? cut.slice(0, space) : cut;
  return `${base.replace(/[\s,.;:]+$/u, '')}…`;
}

/** Returns the URL when it is an absolute http(s) URL, otherwise undefined: nothing else reaches a template. */
export function safeHttpUrl(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.toString();
  } catch {
    return undefined;
  }
}
