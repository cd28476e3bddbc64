/**
 * Core's validation kit: the few schema shapes core's inputs need (strings, numbers, enums,
 * arrays, objects, one discriminated union, transforms, refinements), small enough for the popup
 * and the SDK (B6: zod was most of both bundles, #12). It follows zod 4's parse rules, which
 * core's messages were written against: which issues are reported and in which order, that a
 * check is skipped after an issue that stops its schema, that length checks still run unless an
 * issue stops everything, and that an unknown key never stops the checks after it. Builders are
 * free of side effects, so a bundle keeps only the schemas it uses.
 */

export interface Issue {
  readonly code: string;
  readonly path: PropertyKey[];
  readonly message: string;
  /** For `unrecognized_keys`: the keys. */
  readonly keys?: readonly string[];
  /** true: later checks still run; false: nothing more runs; absent: only length checks run. */
  readonly continue?: boolean;
}

interface Payload {
  value: unknown;
  issues: Issue[];
  aborted?: boolean;
}

/** A schema's own message, or one per issue code (an object: "unknown field" or "a JSON object"). */
export type Message = string | ((code: string) => string);

export interface Schema<T> {
  readonly run: (p: Payload) => Payload;
  /** The values an enum or literal takes (discriminated unions look options up by them). */
  readonly values?: ReadonlySet<unknown>;
  readonly shape?: Shape;
  /** Type carrier only. */
  readonly '~out'?: T;
}

export interface Optional<T> extends Schema<T | undefined> {
  readonly optional: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = { readonly [key: string]: Schema<unknown> };
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly optional: true } ? K : never }[keyof S];
type Flat<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<S extends Shape> = Flat<{ [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }>;

/** A check run after its schema's own parse; `message` is the schema's, for a check without one. */
export interface Check {
  /** Length checks: they run unless an issue stops everything (and only on a value with a length). */
  readonly len?: true;
  /** A maximum length's bound. */
  readonly max?: number;
  readonly run: (p: Payload, message: Message | undefined) => void;
}

const text = (m: Message | undefined, code: string): string | undefined => (typeof m === 'function' ? m(code) : m);

const push = (p: Payload, code: string, message: string, extra?: Partial<Issue>): void => {
  p.issues.push({ code, path: [], message, ...extra });
};

/** zod's name of a value's type in its default messages ("received null"). */
function received(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? 'number' : String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && Object.getPrototypeOf(v) !== Object.prototype && 'constructor' in v && v.constructor) return (v.constructor as { name: string }).name;
  return typeof v;
}

const invalidType = (p: Payload, expected: string, m: Message | undefined, extra?: Partial<Issue>): Payload => {
  push(p, 'invalid_type', text(m, 'invalid_type') ?? `Invalid input: expected ${expected}, received ${received(p.value)}`, extra);
  return p;
};

/** Has an issue from `from` on stopped the checks (`hard`: stopped everything)? */
function stopped(p: Payload, from: number, hard: boolean): boolean {
  if (p.aborted) return true;
  for (let i = from; i < p.issues.length; i++) {
    const c = p.issues[i]!.continue;
    if (hard ? c === false : c !== true) return true;
  }
  return false;
}

function make<T>(parse: (p: Payload) => Payload, message: Message | undefined, checks: readonly Check[], extra?: Partial<Schema<T>>): Schema<T> {
  const run = checks.length === 0 ? parse : (payload: Payload): Payload => {
    const p = parse(payload);
    let aborted = stopped(p, 0, false);
    for (const c of checks) {
      if (c.len) {
        const v = p.value as { length?: unknown } | null | undefined;
        if (stopped(p, 0, true) || v === null || v === undefined || v.length === undefined) continue;
      } else if (aborted) continue;
      const n = p.issues.length;
      c.run(p, message);
      if (!aborted && p.issues.length > n) aborted = stopped(p, n, false);
    }
    return p;
  };
  return { run, ...extra };
}

const prefixed = (key: PropertyKey, issues: Issue[]): Issue[] => issues.map((i) => (i.path.unshift(key), i));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- types ---------------------------------------------------------------------------------------

/* @__NO_SIDE_EFFECTS__ */
export function string(message?: string, ...checks: Check[]): Schema<string> {
  return make((p) => (typeof p.value === 'string' ? p : invalidType(p, 'string', message)), message, checks);
}

/** A finite number. */
/* @__NO_SIDE_EFFECTS__ */
export function number(message?: string, ...checks: Check[]): Schema<number> {
  return make((p) => (typeof p.value === 'number' && Number.isFinite(p.value) ? p : invalidType(p, 'number', message)), message, checks);
}

/* @__NO_SIDE_EFFECTS__ */
export function boolean(message?: string): Schema<boolean> {
  return make((p) => (typeof p.value === 'boolean' ? p : invalidType(p, 'boolean', message)), message, []);
}

/* @__NO_SIDE_EFFECTS__ */
export function unknown(...checks: Check[]): Schema<unknown> {
  return make((p) => p, undefined, checks);
}

/* @__NO_SIDE_EFFECTS__ */
export function enumOf<const V extends readonly string[]>(values: V, message: string): Schema<V[number]> {
  const set = new Set<unknown>(values);
  return make((p) => (set.has(p.value) ? p : (push(p, 'invalid_value', message), p)), message, [], { values: set });
}

/** A single value, as a discriminated union's tag. */
/* @__NO_SIDE_EFFECTS__ */
export function literal<const V extends string>(value: V): Schema<V> {
  return enumOf([value], `Invalid input: expected "${value}"`);
}

/* @__NO_SIDE_EFFECTS__ */
export function optional<T>(inner: Schema<T>): Optional<T> {
  return { run: (p) => (p.value === undefined ? p : inner.run(p)), optional: true };
}

/* @__NO_SIDE_EFFECTS__ */
export function array<T>(element: Schema<T>, message: string, ...checks: Check[]): Schema<T[]> {
  // An array over a leading maximum is refused on its length alone: its items are not read, and
  // nothing after that issue runs (zod's size cap; a 10,000-item array costs no more than 8).
  const caps: Check[] = [];
  for (const c of checks) {
    if (!c.len) break;
    if (c.max !== undefined) caps.push(c);
  }
  return make((p) => {
    const input = p.value;
    if (!Array.isArray(input)) return invalidType(p, 'array', message);
    const over = caps.find((c) => input.length > c.max!);
    if (over) {
      over.run(p, message);
      p.issues[p.issues.length - 1] = { ...p.issues[p.issues.length - 1]!, continue: false };
      return p;
    }
    const out: unknown[] = new Array(input.length);
    p.value = out;
    for (let i = 0; i < input.length; i++) {
      const r = element.run({ value: input[i], issues: [] });
      p.issues.push(...prefixed(i, r.issues));
      out[i] = r.value;
    }
    return p;
  }, message, checks);
}

/** A plain object whose keys are strings, any values (a copy). */
/* @__NO_SIDE_EFFECTS__ */
export function record(message: string): Schema<Record<string, unknown>> {
  return make((p) => {
    const input = p.value;
    const ctor = isObject(input) ? input.constructor : undefined;
    const plain = isObject(input) && (typeof ctor !== 'function' || (isObject(ctor.prototype) && Object.prototype.hasOwnProperty.call(ctor.prototype, 'isPrototypeOf')));
    if (!plain) return invalidType(p, 'record', message);
    const out: Record<string, unknown> = {};
    for (const key of Reflect.ownKeys(input)) {
      if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(input, key)) continue;
      if (typeof key === 'symbol') push(p, 'invalid_key', message, { path: [key] });
      else out[key] = input[key];
    }
    p.value = out;
    return p;
  }, message, []);
}

/**
 * An object of `shape`; other keys are dropped, or with `strict` reported (one issue naming them,
 * which does not stop the checks). A key whose schema is optional may be absent.
 */
/* @__NO_SIDE_EFFECTS__ */
export function object<S extends Shape>(shape: S, message?: Message, strict = false, ...checks: Check[]): Schema<ObjectOf<S>> {
  const keys = Object.keys(shape);
  return make((p) => {
    const input = p.value;
    if (!isObject(input)) return invalidType(p, 'object', message);
    const out: Record<string, unknown> = {};
    p.value = out;
    for (const key of keys) {
      if (key === '__proto__') continue;
      const el = shape[key] as Schema<unknown> & { optional?: true };
      const r = el.run({ value: input[key], issues: [] });
      const present = key in input;
      if (!present && el.optional) continue;
      p.issues.push(...prefixed(key, r.issues));
      if (!present) {
        if (r.issues.length === 0) push(p, 'invalid_type', 'Invalid input: expected nonoptional, received undefined', { path: [key] });
      } else out[key] = r.value;
    }
    if (strict) {
      const unknownKeys: string[] = [];
      for (const key in input) if (!keys.includes(key)) unknownKeys.push(key);
      if (unknownKeys.length > 0) {
        const plural = unknownKeys.length > 1 ? 's' : '';
        push(p, 'unrecognized_keys', text(message, 'unrecognized_keys') ?? `Unrecognized key${plural}: ${unknownKeys.map((k) => `"${k}"`).join(', ')}`, { keys: unknownKeys, continue: true });
      }
    }
    return p;
  }, message, checks, { shape });
}

/** One of `options` (strict objects), picked by the value of their `key`. */
/* @__NO_SIDE_EFFECTS__ */
export function discriminatedUnion<const O extends readonly Schema<unknown>[]>(key: string, options: O, message: string): Schema<Infer<O[number]>> {
  const byTag = new Map<unknown, Schema<unknown>>();
  for (const o of options) for (const v of o.shape?.[key]?.values ?? []) byTag.set(v, o);
  return make((p) => {
    if (!isObject(p.value)) return invalidType(p, 'object', message);
    const option = byTag.get(p.value[key]);
    if (option) return option.run(p);
    push(p, 'invalid_union', message, { path: [key] });
    return p;
  }, message, []);
}

/**
 * `inner`, then `fn` on its value unless it had an issue (an unknown key aside). `fn` may refuse
 * with `fail(message)`; its return value is then ignored.
 */
/* @__NO_SIDE_EFFECTS__ */
export function transform<I, O>(inner: Schema<I>, fn: (value: I, fail: (message: string) => void) => O, ...checks: Check[]): Schema<O> {
  return make((p) => {
    const left = inner.run(p);
    if (left.issues.some((i) => i.code !== 'unrecognized_keys')) {
      left.aborted = true;
      return left;
    }
    const next: Payload = { value: left.value, issues: left.issues };
    next.value = fn(left.value as I, (message) => push(next, 'custom', message));
    return next;
  }, undefined, checks, { values: inner.values });
}

// ---- checks ----------------------------------------------------------------------------------------

/** Strings count code points, as zod does. */
const size = (v: unknown): number => {
  const units = (v as { length: number }).length;
  return typeof v === 'string' ? [...v].length : units;
};

/* @__NO_SIDE_EFFECTS__ */
export function minLength(min: number, message: string): Check {
  return { len: true, run: (p) => size(p.value) >= min || push(p, 'too_small', message, { continue: true }) };
}

/* @__NO_SIDE_EFFECTS__ */
export function maxLength(max: number, message: string): Check {
  return { len: true, max, run: (p) => size(p.value) <= max || push(p, 'too_big', message, { continue: true }) };
}

/* @__NO_SIDE_EFFECTS__ */
export function regex(pattern: RegExp, message: string): Check {
  return { run: (p) => pattern.test(p.value as string) || push(p, 'invalid_format', message, { continue: true }) };
}

/** ≥ min (`exclusive`: > min). */
/* @__NO_SIDE_EFFECTS__ */
export function min(bound: number, message?: string, exclusive = false): Check {
  return {
    run: (p, m) => (exclusive ? (p.value as number) > bound : (p.value as number) >= bound)
      || push(p, 'too_small', message ?? text(m, 'too_small') ?? `Too small: expected number to be ${exclusive ? '>' : '>='}${bound}`, { continue: true }),
  };
}

/* @__NO_SIDE_EFFECTS__ */
export function max(bound: number, message?: string): Check {
  return { run: (p, m) => (p.value as number) <= bound || push(p, 'too_big', message ?? text(m, 'too_big') ?? `Too big: expected number to be <=${bound}`, { continue: true }) };
}

/** A safe integer: a fraction stops everything after it; past 2^53 only says so. */
/* @__NO_SIDE_EFFECTS__ */
export function int(message?: string): Check {
  return {
    run: (p, m) => {
      const v = p.value as number;
      const own = message ?? text(m, 'int');
      if (!Number.isInteger(v)) invalidType(p, 'int', own, { continue: false });
      else if (!Number.isSafeInteger(v)) {
        const big = v > 0;
        const bound = big ? `<=${Number.MAX_SAFE_INTEGER}` : `>=${Number.MIN_SAFE_INTEGER}`;
        push(p, big ? 'too_big' : 'too_small', own ?? `Too ${big ? 'big' : 'small'}: expected int to be ${bound}`, { continue: true });
      }
    },
  };
}

/* @__NO_SIDE_EFFECTS__ */
export function refine<T>(fn: (value: T) => boolean, message: string): Check {
  return { run: (p) => fn(p.value as T) || push(p, 'custom', message, { continue: true }) };
}

/** Any number of issues, each with its own message and path below the value. */
/* @__NO_SIDE_EFFECTS__ */
export function superRefine<T>(fn: (value: T, add: (message: string, path?: PropertyKey[]) => void) => void): Check {
  return { run: (p) => fn(p.value as T, (message, path = []) => push(p, 'custom', message, { path: [...path], continue: true })) };
}

// ---- running ---------------------------------------------------------------------------------------

/** Runs a schema: its value, or every issue found. */
export function parse<T>(schema: Schema<T>, input: unknown): { ok: true; value: T } | { ok: false; issues: readonly Issue[] } {
  const r = schema.run({ value: input, issues: [] });
  return r.issues.length === 0 ? { ok: true, value: r.value as T } : { ok: false, issues: r.issues };
}
