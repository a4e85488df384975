import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.js';
import { PaperboyError } from '../domain/errors.js';
import { scoreLabel } from '../domain/matching.js';
import {
  matchCount,
  matchesNothing,
  missingWords,
  previewNewQuery,
  type TopicPreview,
} from '../jobs/select/topic-preview.js';
import { formField, readForm } from './form-body.js';

const TOPIC_FORM = {
  csrf: formField.one,
  slug: formField.one,
  name: formField.one,
  query: formField.one,
  force: formField.one,
};

/** The Topics section of the admin page after a Preview or a Save: the form as typed and what came of it. */
export interface TopicFormState {
  form?: { slug: string; name: string; query: string };
  preview?: TopicPreview;
  notice?: string;
  error?: string;
}

/** The Topics section's data for the template (escaped there, as everything). */
export function topicSectionView(state: TopicFormState) {
  const p = state.preview;
  const nothing = p !== undefined && matchesNothing(p);
  return {
    form: state.form ?? { slug: '', name: '', query: '' },
    preview: p && {
      query: p.query,
      count: matchCount(p),
      first: p.first.map((paper) => ({
        title: paper.title,
        url: paper.url,
        score: scoreLabel(paper.score),
        why: paper.why,
      })),
      more: p.matches > p.first.length,
      missing: missingWords(p),
    },
    // "Save anyway" is offered once the query was tried and matched nothing (not after saving it).
    nothing: nothing && !state.notice,
    notice: state.notice,
    error: state.error,
  };
}

export interface TopicFormDeps {
  /** The session of a signed-in request, else undefined. */
  session(request: FastifyRequest): string | undefined;
  /** Whether a form's token is the session's. */
  validFormToken(session: string, given: string | undefined): boolean;
  /** Answers a form whose token is not the session's: 403, nothing done. */
  expired(reply: FastifyReply): FastifyReply;
  /** Answers with the admin page, its Topics section in this state. */
  render(reply: FastifyReply, session: string, state: TopicFormState, status?: number): Promise<FastifyReply>;
  /** Answers with the sign-in form. */
  login(reply: FastifyReply, status: number, error?: string): FastifyReply;
}

/** Bad input (a slug, a query) is shown beside the form, as typed; anything else is the server's error page. */
const isInvalidInput = (err: unknown): err is PaperboyError =>
  err instanceof PaperboyError && err.code === 'INVALID_INPUT';

/**
 * The admin page's topic form: Preview tries the query on the recent papers and changes nothing;
 * Save adds the topic (or changes the one with that slug), unless it matches none of the recent
 * papers and "Save anyway" is not ticked: then the page shows the preview and asks.
 */
export function registerTopicForm(server: FastifyInstance, app: App, deps: TopicFormDeps): void {
  const read = (request: FastifyRequest, session: string) => {
    const body = readForm(TOPIC_FORM, request.body);
    const form = { slug: (body.slug ?? '').trim(), name: body.name ?? '', query: body.query ?? '' };
    return { valid: deps.validFormToken(session, body.csrf), form, force: body.force === 'yes' };
  };

  server.post('/admin/topics/preview', async (request, reply) => {
    const session = deps.session(request);
    if (!session) return deps.login(reply, 401, 'Sign in to preview or save topics.');
    const { valid, form } = read(request, session);
    if (!valid) return deps.expired(reply);
    try {
      return await deps.render(reply, session, { form, preview: await previewNewQuery(app, form.query) });
    } catch (err) {
      if (isInvalidInput(err)) return deps.render(reply, session, { form, error: err.message }, 400);
      throw err;
    }
  });

  server.post('/admin/topics', async (request, reply) => {
    const session = deps.session(request);
    if (!session) return deps.login(reply, 401, 'Sign in to preview or save topics.');
    const { valid, form, force } = read(request, session);
    if (!valid) return deps.expired(reply);
    try {
      // As `topics add --replace`: a topic changed without a name keeps its own.
      const result = await app.topics.add({
        slug: form.slug,
        query: form.query,
        name: form.name.trim() || undefined,
        replace: true,
        force,
      });
      if (result.status === 'matches-nothing')
        return await deps.render(reply, session, { form, preview: result.preview });
      const { topic, preview, warning } = result;
      const notice = `${result.status === 'added' ? 'Added' : 'Updated'} topic ${topic.slug} (${topic.name}): ${topic.query}.${warning ? ` It ${warning}.` : ''}`;
      return await deps.render(reply, session, { preview, notice });
    } catch (err) {
      if (isInvalidInput(err)) return deps.render(reply, session, { form, error: err.message }, 400);
      throw err;
    }
  });
}
