import { z } from 'zod';
import { InvalidInputError } from '../domain/errors.js';

// Bodies arrive as urlencoded forms (strings, or arrays for repeated names: topics=a&topics=b) or as
// JSON, where anything can stand in a field. Each handler names the fields it reads and their kind;
// anything else is refused here, at the edge, with a 400 naming the field.

/** One text value (a repeated field or a JSON object, array, number or null is refused). */
const one = z.string({ error: 'must be one text value' }).optional();

/** Several text values: one or a list. */
const many = z
  .union([z.string(), z.array(z.string())], { error: 'must be text or a list of texts' })
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** An hour: text from a form, or a whole number from a JSON client. */
const wholeNumber = z
  .union([z.string(), z.number().int()], { error: 'must be one whole number' })
  .optional()
  .transform((v) => (v === undefined ? undefined : String(v)));

export const formField = { one, many, wholeNumber };

/** The named fields of a body, typed; throws InvalidInputError (400) on a field of the wrong type. */
export function readForm<S extends z.ZodRawShape>(shape: S, body: unknown): z.output<z.ZodObject<S>> {
  // No body, or a text/plain one, carries no fields: the handler sees an empty form.
  const input = body === undefined || typeof body === 'string' ? {} : body;
  const result = z.object(shape, { error: 'the body must be a form or a JSON object' }).safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path.join('.');
  throw new InvalidInputError(
    name ? `field "${name}" ${issue?.message}` : (issue?.message ?? 'the body could not be read'),
  );
}
