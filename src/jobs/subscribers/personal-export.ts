// A subscriber's personal topics as `subscribers export` gives them: personal data, theirs to take along.
import type { TopicStore } from '../../store/ports.js';
import { personalTopicView } from './personal-topics.js';

export interface ExportedPersonalTopic {
  name: string;
  words: string;
  /** Paper ids (`arxiv:…` or `title:…`), the topic's seed papers. */
  papers: string[];
}

/** Every subscriber's personal topics, by subscriber id. */
export async function personalTopicsForExport(
  store: Pick<TopicStore, 'listAllTopics'>,
): Promise<Map<string, ExportedPersonalTopic[]>> {
  const bySubscriber = new Map<string, ExportedPersonalTopic[]>();
  for (const topic of await store.listAllTopics()) {
    if (!topic.owner) continue;
    const { words, seeds } = personalTopicView(topic);
    bySubscriber.set(topic.owner, [
      ...(bySubscriber.get(topic.owner) ?? []),
      { name: topic.name, words, papers: seeds },
    ]);
  }
  return bySubscriber;
}
