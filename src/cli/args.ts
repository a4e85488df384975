import { InvalidArgumentError } from 'commander';

/** A commander option parser for whole numbers in a range. */
export function intInRange(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}
