import { stripControlChars } from '../../domain/text.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe for XML content and attributes: escaped, and without the characters XML 1.0 forbids. */
export function xmlText(s: string): string {
  return stripControlChars(s).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}
