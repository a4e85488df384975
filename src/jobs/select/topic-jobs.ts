// Adding a topic, as `topics add`, the admin API and the admin page's form do it: each presents
// the result its own way (an exit status, a JSON answer, the page again).
import type { Topic } from '../../domain/topic.js';
import type { TopicStore } from '../../store/ports.js';
import {
  matchesNothing,
  nothingMatchedReason,
  previewTopic,
  type PreviewDeps,
  type TopicPreview,
} from './topic-preview.js';
import { assertSeedsStored, validateTopic } from './topics.js';

export interface AddTopicOptions {
  slug: string;
  query: string;
  /**
   * The display name. Blank: taken from the query. Left out: when replacing, the current topic's
   * name stays; else it is taken from the query.
   */
  name?: string;
  /** Change the topic of that slug if there is one, instead of refusing. */
  replace?: boolean;
  /** Save it even if it matches none of the recent papers. */
  force?: boolean;
}

/** Saved. `warning` says why it matched none of the recent papers, when it was saved by force. */
export interface TopicSaved {
  status: 'added' | 'updated';
  topic: Topic;
  preview: TopicPreview;
  warning?: string;
}
/** Not saved: a topic has that slug and `replace` was not given. */
export interface TopicExists {
  status: 'exists';
  existing: Topic;
}
/** Not saved: it matches none of the recent papers (`reason` says why) and `force` was not given. */
export interface TopicMatchesNothing {
  status: 'matches-nothing';
  topic: Topic;
  preview: TopicPreview;
  reason: string;
}

/** What adding can come to with these options: with `replace: true` a topic is never refused as existing, with `force: true` never for matching nothing. */
export type AddTopicResult<O extends AddTopicOptions = AddTopicOptions> =
  | TopicSaved
  | (O['replace'] extends true ? never : TopicExists)
  | (O['force'] extends true ? never : TopicMatchesNothing);

export interface TopicJobsDeps extends PreviewDeps {
  store: PreviewDeps['store'] & Pick<TopicStore, 'getTopic' | 'saveTopic'>;
}

export function createTopicJobs(deps: TopicJobsDeps) {
  return {
    /**
     * Adds a topic (or, with `replace`, changes the one with that slug) after previewing its query
     * on the recent papers. Bad input (a slug, a query, a name, a `like:` seed that is not stored)
     * throws an InvalidInputError. A window without papers does not hold a topic back: a new
     * install, or one whose sources have not run for a month, can still be set up; the preview
     * says it tried nothing.
     */
    async add<O extends AddTopicOptions>(options: O): Promise<AddTopicResult<O>> {
      return (await addTopic(deps, options)) as AddTopicResult<O>;
    },
  };
}

async function addTopic(
  deps: TopicJobsDeps,
  { slug, query, name, replace = false, force = false }: AddTopicOptions,
): Promise<AddTopicResult> {
  const existing = slug ? await deps.store.getTopic(slug) : undefined;
  if (existing && !replace) return { status: 'exists', existing };
  const topic = validateTopic(slug, query, name ?? existing?.name);
  await assertSeedsStored(deps.store, topic);
  const preview = await previewTopic(deps, topic.query);
  const nothing = matchesNothing(preview);
  if (nothing && !force) return { status: 'matches-nothing', topic, preview, reason: nothingMatchedReason(preview) };
  const created = await deps.store.saveTopic(topic, deps.clock().toISOString());
  return {
    status: created ? 'added' : 'updated',
    topic,
    preview,
    ...(nothing ? { warning: nothingMatchedReason(preview) } : {}),
  };
}
