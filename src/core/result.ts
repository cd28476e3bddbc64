/** Expected failures are values: a field, the value it had, and what is allowed. */

export interface FieldError {
  /** Dotted path of the offending field, e.g. `options.startTime.hours`. */
  readonly field: string;
  readonly value: unknown;
  /** What would have been accepted, as a phrase ("an integer from 0 to 23"). */
  readonly allowed: string;
  /** One sentence a person can act on: `field "value": allowed`. */
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Renders a value for an error message without dumping huge inputs. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function fieldError(field: string, value: unknown, allowed: string): FieldError {
  const message = value === undefined ? `${field} is missing: ${allowed}` : `${field} ${showValue(value)}: ${allowed}`;
  return { field, value, allowed, message };
}

export function fail<T = never>(field: string, value: unknown, allowed: string): Result<T> {
  return { ok: false, errors: [fieldError(field, value, allowed)] };
}

/** Joins the messages of a failed result into one line. */
export function describeErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => e.message).join('; ');
}
