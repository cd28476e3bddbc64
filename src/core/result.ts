/** Expected failures are values: a field, the value it had, and what is allowed. */
import { prefixWithin } from './text.ts';

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

/** Longest rendering of a value in an error message. */
const MAX_SHOWN = 80;

/**
 * Renders a value for an error message: JSON for plain data, NaN and Infinity as such, and
 * never more than 80 characters. Total: deep, cyclic or hostile input (a throwing getter, a
 * proxy) gets a truncated preview, never an exception — the message explains bad input, so
 * it must survive the worst of it (#1).
 */
export function showValue(value: unknown): string {
  const out = { text: '', full: false };
  try {
    writePreview(value, out, new Set());
  } catch {
    if (!out.full) out.text += '…';
  }
  const text = out.text;
  return out.full || text.length > MAX_SHOWN ? `${prefixWithin(text, MAX_SHOWN - 3)}...` : text;
}

interface Preview {
  text: string;
  /** Set once the text is past the limit: writing stops, and it is shown cut. */
  full: boolean;
}

function put(out: Preview, piece: string): void {
  if (out.full) return;
  out.text += piece;
  if (out.text.length > MAX_SHOWN) out.full = true;
}

/** A string as JSON; only its first 80 characters are read, and a longer one marks the preview cut. */
function putString(out: Preview, value: string): void {
  const head = prefixWithin(value, MAX_SHOWN);
  put(out, JSON.stringify(head));
  if (head.length < value.length) out.full = true;
}

/**
 * Appends a JSON-like rendering of `value`. Every level writes a bracket before descending and
 * writing stops at the limit, so the recursion is at most ~80 deep whatever the input.
 */
function writePreview(value: unknown, out: Preview, open: Set<object>): void {
  if (out.full) return;
  switch (typeof value) {
    case 'string':
      return putString(out, value);
    case 'number':
      return put(out, Object.is(value, -0) ? '-0' : String(value)); // NaN and Infinity, not null
    case 'bigint':
      return put(out, `${value}n`);
    case 'boolean':
      return put(out, String(value));
    case 'undefined':
      return put(out, 'undefined');
    case 'symbol':
      return put(out, value.toString());
    case 'function':
      return put(out, `[function${value.name ? ` ${value.name}` : ''}]`);
  }
  if (value === null) return put(out, 'null');
  const object = value as object;
  if (object instanceof Date) return put(out, Number.isNaN(object.getTime()) ? 'Invalid Date' : JSON.stringify(object.toISOString()));
  if (open.has(object)) return put(out, '[Circular]');
  open.add(object);
  if (Array.isArray(object)) {
    put(out, '[');
    for (let i = 0; i < object.length && !out.full; i++) {
      if (i > 0) put(out, ',');
      writePreview(object[i], out, open);
    }
    put(out, ']');
  } else {
    put(out, '{');
    let first = true;
    for (const key in object) {
      if (out.full) break;
      if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
      const v = (object as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue; // as JSON leaves them out
      if (!first) put(out, ',');
      putString(out, key);
      put(out, ':');
      first = false;
      writePreview(v, out, open);
    }
    put(out, '}');
  }
  open.delete(object);
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
