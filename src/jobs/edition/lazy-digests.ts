// A reader's own edition is read by one recipient, in one layout: it is stored as its view
// (freeze.ts) and rendered here when first read, in the layout read only.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Digest } from '../../domain/digest.js';
import { renderView } from '../../render/email/digest-email.js';
import { digestEntries, type DigestView } from '../../render/email/digest-view.js';
import { HOLE_MARKERS } from '../../render/email/holes.js';
import type { EmailTemplates } from '../../render/email/templates.js';
import type { DigestStore } from '../../store/ports.js';

// A view lists each paper twice (in its section, and in `papers`, the list of all) and ends with the
// hole markers, the same in every view: it is stored without the list of all and the markers, which
// unpacking puts back (a view stored before still has them). That halves the JSON that is deflated,
// and the time deflating takes (15,000 views at the weekly plan with feedback). Deflated, what is
// left takes about a tenth of its JSON, where the rendered edition takes 100 KB in its two layouts.
/** A view as stored in digests.view: its JSON without what unpacking rebuilds, deflated, in base64. */
export const packView = (view: DigestView): string =>
  deflateRawSync(JSON.stringify({ ...view, papers: undefined, holes: undefined }), { level: 1 }).toString('base64');

const unpackView = (packed: string): DigestView => {
  const view = JSON.parse(inflateRawSync(Buffer.from(packed, 'base64')).toString('utf8')) as DigestView;
  view.papers ??= view.sections.flatMap((s) => s.papers);
  view.holes ??= HOLE_MARKERS;
  return view;
};

type Reads = Pick<DigestStore, 'getDigest' | 'findDigest' | 'latestDigest' | 'listDigests' | 'insertDigest'>;

/**
 * A digest stored as its view, whose html, text and compact are rendered on first access, each
 * layout on its own and once; any other digest as it is.
 */
function renderedWhenRead(digest: Digest, templates: EmailTemplates): Digest {
  if (digest.view === undefined || digest.html !== '') return digest;
  const packed = digest.view;
  let view: DigestView | undefined;
  const layouts = new Map<boolean, { html: string; text: string }>();
  const layout = (compact: boolean) => {
    let rendered = layouts.get(compact);
    if (!rendered) {
      view ??= unpackView(packed);
      layouts.set(compact, (rendered = renderView(templates, view, compact)));
    }
    return rendered;
  };
  const lazy = { ...digest };
  Object.defineProperties(lazy, {
    html: { get: () => layout(false).html, enumerable: true },
    text: { get: () => layout(false).text, enumerable: true },
    compact: { get: () => layout(true), enumerable: true },
    ...(digest.entries === undefined && {
      entries: { get: () => digestEntries((view ??= unpackView(packed))), enumerable: true },
    }),
  });
  return lazy;
}

/** The store's digest reads (and inserts), with the editions stored as views rendered when read (see renderedWhenRead). */
export function withLazyEditions<S extends Reads>(store: S, templates: () => Promise<EmailTemplates>): S {
  const render = async (d: Digest | undefined) => (d?.view === undefined ? d : renderedWhenRead(d, await templates()));
  return Object.assign(Object.create(store) as S, {
    getDigest: async (id: string) => render(await store.getDigest(id)),
    findDigest: async (...args: Parameters<Reads['findDigest']>) => render(await store.findDigest(...args)),
    latestDigest: async (...args: Parameters<Reads['latestDigest']>) => render(await store.latestDigest(...args)),
    listDigests: async (options: Parameters<Reads['listDigests']>[0]) =>
      Promise.all((await store.listDigests(options)).map(render)) as Promise<Digest[]>,
    // What an insert returns is read too (`paperboy digest --out` writes the edition it froze).
    insertDigest: async (digest: Parameters<Reads['insertDigest']>[0]) => {
      const inserted = await store.insertDigest(digest);
      return { ...inserted, digest: (await render(inserted.digest)) as Digest };
    },
  });
}
