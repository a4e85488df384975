import { oneLine } from '../domain/text.js';
import { matchCount, missingWords, type TopicPreview } from '../jobs/select/topic-preview.js';

/**
 * A preview as the terminal shows it: the count, the first papers with their score and why, and
 * the words no paper has. Titles come from sources: one line each, without control characters.
 */
export function previewLines(preview: TopicPreview): string[] {
  const { matches, first } = preview;
  const lines = [
    `${matchCount(preview)}${first.length === 0 ? '' : matches > first.length ? `; the first ${first.length}:` : ':'}`,
  ];
  first.forEach((p, i) => {
    lines.push(
      `  ${i + 1}. ${oneLine(p.title, 200)}`,
      `     ${p.score.toFixed(2)}${p.why ? ` · ${oneLine(p.why, 200)}` : ''}`,
    );
  });
  const missing = missingWords(preview);
  if (missing) lines.push(missing);
  return lines;
}
