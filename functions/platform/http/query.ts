/**
 * Query-string values as the API reads them: integers in decimal digits only (`0x10`,
 * `1e2`, ` 16` or `+16` are refused, never read as numbers), cursors that are exactly what
 * a listing handed out (anything else is a 400 naming `query.cursor`, never a 5xx).
 */
import * as z from 'zod';
import { AppError } from '../errors.ts';

/** A decimal integer in [min, max] given as a query parameter. */
export const queryInteger = (min: number, max: number) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,8})$/, `expected a decimal integer from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `expected a decimal integer from ${min} to ${max}`).max(max, `expected a decimal integer from ${min} to ${max}`));

/** A listing's page: `?limit=` 1–100 (25 by default) and the `next` cursor of the page before. */
export const PageQuery = z.strictObject({ limit: queryInteger(1, 100).default(25), cursor: z.string().max(2048).optional() });

/** An opaque cursor: base64url of the JSON of a listing's position. */
export const encodeCursor = (position: unknown): string => Buffer.from(JSON.stringify(position)).toString('base64url');

const invalidCursor = () =>
  new AppError('validation_failed', 'query.cursor: not a cursor of this listing', { issues: [{ path: 'query.cursor', message: 'invalid cursor' }] });

/** The position a cursor holds, checked by `schema` (strict: unknown members refused); a forged or foreign one is a 400. */
export function decodeCursor<S extends z.ZodType>(raw: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    if (!/^[A-Za-z0-9_-]*$/.test(raw)) throw invalidCursor();
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const r = schema.safeParse(json);
  if (!r.success) throw invalidCursor();
  return r.data;
}
