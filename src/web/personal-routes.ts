// The preferences page's own topics and feed: create, edit and delete a personal topic (pasted
// ids, an uploaded library), make or replace the secret feed address, and serve that feed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { errorText, InvalidInputError, NotFoundError, ParseError } from '../domain/errors.js';
import type { Subscriber } from '../domain/subscriber.js';
import { formatBytes } from '../ingest/fetch.js';
import { ArxivUnavailableError } from '../jobs/subscribers/library-papers.js';
import type { PersonalTopicInput } from '../jobs/subscribers/personal-topics.js';
import { FEED_FORMATS, type FeedFormat } from '../render/feeds/feed-data.js';
import { renderFeed } from '../render/feeds/render-feed.js';
import type { PageRenderer } from '../render/web/pages.js';
import type { PersonalSectionState } from './personal-sections.js';
import { SECURITY_HEADERS } from './security-headers.js';
import { renderPreferences, validCsrf } from './subscription-routes.js';
import { createWindowLimiter } from './window-limiter.js';

type TokenParams = { Params: { token: string } };
type TopicParams = { Params: { token: string; slug: string } };

/** A form's fields, whether it came urlencoded (no file) or as multipart/form-data (with one). */
interface PersonalForm {
  fields: Map<string, string[]>;
  file?: { name: string; text: string; bytes: number };
}

// Per IP, beside the per-reader hourly limit: each save may ask arXiv for papers.
const SAVE_LIMIT = { max: 30, timeWindow: 10 * 60_000 };

export function registerPersonalRoutes(server: FastifyInstance, app: App, pages: PageRenderer): void {
  const limits = app.config.personal;
  const perReader = createWindowLimiter({ max: limits.savesPerHour, windowMs: 3_600_000, clock: app.clock });
  // The file's bytes, the other fields and multipart's framing: a larger body is refused before it is read.
  const bodyLimit = limits.maxUploadBytes + 256 * 1024;
  const tooLarge = `What was sent is larger than ${formatBytes(limits.maxUploadBytes)}, the most a library file or a list of pasted ids may be.`;

  const page = (reply: FastifyReply, token: string, s: Subscriber, personal: PersonalSectionState, status?: number) =>
    renderPreferences(app, pages, reply, { token, subscriber: s, extra: { personal } }, status);

  async function reader(request: FastifyRequest<TokenParams>, form: PersonalForm | undefined): Promise<Subscriber> {
    const s = await app.subscriptions.subscriberForLink('preferences', request.params.token);
    if (!s || s.status === 'suppressed')
      throw new NotFoundError('This link is not valid. It may have expired or been used already.');
    if (form && !validCsrf(app.secret, s.id, form.fields.get('csrf')?.[0] ?? '', app.clock())) {
      throw new InvalidInputError('This form is too old or did not come from this site. Open your preferences again.');
    }
    return s;
  }

  // Within its own scope: the upload routes read multipart bodies up to the library limit.
  server.register(async (scope) => {
    scope.removeContentTypeParser('multipart/form-data');
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit }, (request, body, done) =>
      done(null, { multipartBytes: body, contentType: request.headers['content-type'] }),
    );
    const uploadOptions = {
      bodyLimit,
      config: { rateLimit: SAVE_LIMIT },
      errorHandler: (error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply) => {
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
          return reply
            .code(413)
            .type('text/html; charset=utf-8')
            .send(pages.render('message', { title: 'Too large · Paperboy', heading: 'Too large', message: tooLarge }));
        }
        throw error;
      },
    };

    const saveTopic = async (
      request: FastifyRequest<TokenParams & { Params: { slug?: string } }>,
      reply: FastifyReply,
    ) => {
      const form = await readPersonalForm(request.body);
      const s = await reader(request, form);
      if (!perReader.allow(s.id)) {
        const error = `You have saved ${limits.savesPerHour} topics in the last hour, the most there may be: try again in an hour.`;
        return page(reply, request.params.token, s, { topics: { error } }, 429);
      }
      const input: PersonalTopicInput = {
        name: form.fields.get('name')?.[0],
        words: form.fields.get('words')?.[0],
        ids: form.fields.get('ids')?.[0],
        file: form.file,
        keep: form.fields.get('keep') ?? [],
      };
      try {
        const { topic, report } = await app.personalTopics.save(s, input, request.params.slug);
        const updated = (await app.store.getSubscriber(s.id)) ?? s;
        return page(reply, request.params.token, updated, { topics: { report: { ...report, name: topic.name } } });
      } catch (err) {
        if (err instanceof InvalidInputError || err instanceof ParseError) {
          return page(reply, request.params.token, s, { topics: { error: errorText(err) } }, 400);
        }
        if (err instanceof ArxivUnavailableError) {
          return page(reply, request.params.token, s, { topics: { error: errorText(err) } }, 503);
        }
        throw err;
      }
    };
    scope.post<TokenParams>('/preferences/:token/topics', uploadOptions, saveTopic);
    scope.post<TopicParams>('/preferences/:token/topics/:slug', uploadOptions, saveTopic);
  });

  server.post<TopicParams>('/preferences/:token/topics/:slug/delete', async (request, reply) => {
    const form = await readPersonalForm(request.body);
    const s = await reader(request, form);
    await app.personalTopics.remove(s, request.params.slug);
    const updated = (await app.store.getSubscriber(s.id)) ?? s;
    return page(reply, request.params.token, updated, {});
  });

  server.post<TokenParams>('/preferences/:token/feed', async (request, reply) => {
    const form = await readPersonalForm(request.body);
    const s = await reader(request, form);
    const hadOne = (await app.personalFeeds.feedBaseOf(s.id)) !== undefined;
    await app.personalFeeds.replace(s.id);
    return page(reply, request.params.token, s, { feed: { replaced: true, hadOne } });
  });

  for (const [format, { extension, contentType }] of Object.entries(FEED_FORMATS) as [
    FeedFormat,
    (typeof FEED_FORMATS)[FeedFormat],
  ][]) {
    server.get<TokenParams>(`/me/:token/feed.${extension}`, async (request, reply) => {
      const data = await app.personalFeeds.feedData(request.params.token);
      return reply
        .headers({
          ...SECURITY_HEADERS,
          'content-type': `${contentType}; charset=utf-8`,
          // Private: no shared cache keeps it, no search engine lists it.
          'cache-control': 'private, max-age=300',
          'x-robots-tag': 'noindex, nofollow',
          'referrer-policy': 'no-referrer',
        })
        .send(renderFeed(data, format));
    });
  }
}

/** The fields of an urlencoded or multipart form (a multipart one may carry the library file). */
async function readPersonalForm(body: unknown): Promise<PersonalForm> {
  const fields = new Map<string, string[]>();
  const add = (name: string, value: string) => fields.set(name, [...(fields.get(name) ?? []), value]);
  if (body && typeof body === 'object' && 'multipartBytes' in body) {
    const { multipartBytes, contentType } = body as { multipartBytes: Buffer; contentType?: string };
    let data: FormData;
    try {
      data = await new Response(new Uint8Array(multipartBytes), {
        headers: { 'content-type': contentType ?? '' },
      }).formData();
    } catch (err) {
      throw new InvalidInputError('the form could not be read (a broken multipart body)', { cause: err });
    }
    let file: PersonalForm['file'];
    for (const [name, value] of data.entries()) {
      if (typeof value === 'string') add(name, value);
      else if (name === 'library' && value.size > 0)
        file = { name: value.name || 'library', text: await value.text(), bytes: value.size };
    }
    return file ? { fields, file } : { fields };
  }
  if (body && typeof body === 'object') {
    for (const [name, value] of Object.entries(body)) {
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') add(name, v);
    }
  }
  return { fields };
}
