import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type mjml2htmlType from 'mjml';
import { htmlBytesBound } from './html-size-bound.js';

type MjmlOptions = Parameters<typeof mjml2htmlType>[1];

/** A compiled pair of templates: MJML already turned into HTML, both parts ready for Handlebars. */
export interface EmailTemplates {
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
  /** Bytes that `html` never exceeds for a view, found without rendering (html-size-bound.ts); Infinity where unknown. */
  htmlBytesAtMost?: (view: unknown) => number;
}

/**
 * Compiles `<name>.mjml` and `<name>.txt.hbs` from the templates folder. MJML is slow (~12 ms and
 * async), so this runs once per template and process; the Handlebars holes survive the compile.
 */
export async function compileEmailTemplates(templatesDir: string, name: string): Promise<EmailTemplates> {
  const mjmlPath = join(templatesDir, `${name}.mjml`);
  const [mjmlSource, textSource] = await Promise.all([
    readFile(mjmlPath, 'utf8'),
    readFile(join(templatesDir, `${name}.txt.hbs`), 'utf8'),
  ]);
  // fonts: {} keeps MJML from linking Google Fonts; no minify (its CSS minifier needs Node 22).
  // MJML 5 ignores <mj-include> unless told otherwise, silently: allow it, scoped to our folder.
  const options = {
    filePath: mjmlPath,
    fonts: {},
    validationLevel: 'strict',
    ignoreIncludes: false,
    includePath: templatesDir,
  } as MjmlOptions;
  // Imported here, not at the top: MJML takes ~0.5 s to load, and most commands never render email.
  const { default: mjml2html } = await import('mjml');
  const result = await mjml2html(mjmlSource, options);
  if (result.errors.length > 0) {
    const first = result.errors[0];
    throw new Error(`${mjmlPath}:${first?.line ?? '?'}: ${first?.message ?? 'invalid MJML'}`);
  }
  const hb = Handlebars.create();
  const html = withColorSchemes(result.html);
  return {
    html: hb.compile(html, { strict: true }),
    htmlBytesAtMost: htmlBytesBound(html),
    // The text part is text/plain: nothing in it is HTML, so nothing is HTML-escaped.
    text: hb.compile(textSource, { strict: true, noEscape: true }),
  };
}

// MJML drops <mj-raw> from <mj-head>: the meta tags that tell mail clients the email has a dark
// scheme of its own (its prefers-color-scheme styles) go in after the viewport's.
const COLOR_SCHEMES =
  '<meta name="color-scheme" content="light dark">\n    <meta name="supported-color-schemes" content="light dark">';

function withColorSchemes(html: string): string {
  return html.includes('prefers-color-scheme')
    ? html.replace(/(<meta name="viewport"[^>]*>)/, `$1\n    ${COLOR_SCHEMES}`)
    : html;
}
