/**
 * The duration rule (SPEC 3.2): a whole number of milliseconds from 0 to 7 days, 0 clearing it.
 * Plain code, so the popup checks a custom pause without the schema kit; `durationSchema` is
 * this same check.
 */
import { MAX_DURATION_MS } from './model.ts';
import { fieldError, type FieldError, type Result } from './result.ts';

const TYPE = `an integer number of milliseconds from 0 to ${MAX_DURATION_MS} (7 days)`;
const RANGE = `must be from 0 to ${MAX_DURATION_MS} ms (7 days); 0 clears it`;

/**
 * Checks a duration. Past 2^53 a value is refused twice, as an integer too large and as out of
 * range, as core has always reported it (zod's rules for a number schema).
 */
export function checkDuration(value: unknown, field = 'durationMs'): Result<number> {
  if (typeof value !== 'number' || !Number.isInteger(value)) return { ok: false, errors: [fieldError(field, value, TYPE)] };
  const errors: FieldError[] = [];
  if (!Number.isSafeInteger(value)) errors.push(fieldError(field, value, TYPE));
  if (value < 0 || value > MAX_DURATION_MS) errors.push(fieldError(field, value, RANGE));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}
