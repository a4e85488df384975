import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../log.js';
import type { MetaStore, PaperStore, TopicStore } from '../../store/ports.js';
import type { Ingester } from './ingest.js';
import { readTopicsFile, saveTopics } from '../select/topics.js';

const MARK = 'sample_data_loaded_at';

export interface SampleDataDeps {
  store: MetaStore & Pick<PaperStore, 'countPapers'> & Pick<TopicStore, 'listTopics' | 'saveTopic'>;
  ingester: Ingester;
  clock: () => Date;
  logger: Logger;
  sampleDir: string;
  topicsFile: string;
}

/**
 * On the very first run (an empty store that never loaded them), loads the sample papers and the
 * starter topics, so `npm start` shows something real. Never again afterwards: an operator who
 * removes a starter topic does not get it back on restart.
 */
export async function loadSampleDataOnFirstRun(deps: SampleDataDeps): Promise<boolean> {
  const { store, ingester, clock, logger } = deps;
  if ((await store.getMeta(MARK)) !== undefined) return false;
  if ((await store.countPapers()) > 0 || (await store.listTopics()).length > 0) return false;
  const files = (await readdir(deps.sampleDir)).filter((f) => !f.startsWith('.')).sort();
  const topics = await readTopicsFile(deps.topicsFile);
  const report = await ingester.ingestFiles(files.map((f) => join(deps.sampleDir, f)));
  const at = clock().toISOString();
  await saveTopics(store, topics, at);
  await store.setMeta(MARK, at);
  logger.info('sample data loaded', { papers: report.added, topics: topics.length });
  return true;
}
