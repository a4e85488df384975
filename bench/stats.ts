export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
  text: string;
}

/** Median and spread of a series (milliseconds unless said otherwise). */
export function summarise(ms: number[]): Summary {
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  return {
    median,
    min,
    max,
    runs: ms.length,
    text: `median ${median.toFixed(0)} ms (min ${min.toFixed(0)}, max ${max.toFixed(0)}, n=${ms.length})`,
  };
}
