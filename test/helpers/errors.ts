import { ParseError } from '../../src/domain/errors.js';

/** The ParseError `fn` throws; any other outcome fails the test that asked. */
export function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParseError) return err;
    throw err;
  }
  throw new Error('expected a ParseError');
}
