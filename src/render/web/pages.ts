import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';

export interface FeedLink {
  type: string;
  title: string;
  href: string;
}

export type PageName = 'home' | 'topic' | 'error';

/** Server-rendered pages: each body template inside the layout; `{{ }}` escapes everything. */
export interface PageRenderer {
  render(page: PageName, data: { title: string; feeds?: FeedLink[] } & Record<string, unknown>): string;
}

export function createPageRenderer(templatesDir: string): PageRenderer {
  const hb = Handlebars.create();
  const load = (name: string) => hb.compile(readFileSync(join(templatesDir, 'web', `${name}.hbs`), 'utf8'));
  const layout = load('layout');
  const pages: Record<PageName, Handlebars.TemplateDelegate> = {
    home: load('home'),
    topic: load('topic'),
    error: load('error'),
  };
  return {
    render(page, data) {
      return layout({ title: data.title, feeds: data.feeds ?? [], body: pages[page](data) });
    },
  };
}
