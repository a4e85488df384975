import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

export interface FeedLink {
  type: string;
  title: string;
  href: string;
}

export type PageName =
  | 'home'
  | 'topic'
  | 'digest'
  | 'more'
  | 'message'
  | 'confirm'
  | 'preferences'
  | 'unsubscribe'
  | 'rate'
  | 'delete-data'
  | 'admin'
  | 'admin-login';
const PAGES: readonly PageName[] = [
  'home',
  'topic',
  'digest',
  'more',
  'message',
  'confirm',
  'preferences',
  'unsubscribe',
  'rate',
  'delete-data',
  'admin',
  'admin-login',
];

/** Server-rendered pages: each body template inside the layout; `{{ }}` escapes everything. */
export interface PageRenderer {
  render(page: PageName, data: { title: string; feeds?: FeedLink[] } & Record<string, unknown>): string;
}

export function createPageRenderer(templatesDir: string): PageRenderer {
  const dir = join(templatesDir, 'web');
  const hb = Handlebars.create();
  for (const file of readdirSync(join(dir, 'partials'))) {
    if (file.endsWith('.hbs')) hb.registerPartial(file.slice(0, -4), readFileSync(join(dir, 'partials', file), 'utf8'));
  }
  const load = (name: string) => hb.compile(readFileSync(join(dir, `${name}.hbs`), 'utf8'));
  const layout = load('layout');
  const pages = new Map(PAGES.map((name) => [name, load(name)]));
  return {
    render(page, data) {
      const body = pages.get(page);
      if (!body) throw new Error(`no page template "${page}"`);
      return layout({ title: data.title, feeds: data.feeds ?? [], body: body(data) });
    },
  };
}
