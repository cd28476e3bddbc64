/** Builders for core tests: settings, messages and devices with readable defaults. */
import { expect } from 'vitest';
import {
  type AppSettings, type FieldError, type Result, showValue, type ConversationRef, type DecisionInput, type DeviceState, DEFAULT_APP_SETTINGS,
  type MessageForPush, prepareMessage,
} from '../../src/core/index.ts';

/** An instant given as an ISO string with its offset, so expectations never use the code under test. */
export const iso = (text: string): number => {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`bad date in test: ${text}`);
  return t;
};

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

export function app(overrides: Partial<AppSettings> = {}): AppSettings {
  return { ...DEFAULT_APP_SETTINGS, ...overrides };
}

export const GROUP: ConversationRef = { id: 'g1', type: 'groupChat' };

export function message(overrides: Partial<MessageForPush> = {}): MessageForPush {
  return {
    id: 'm1',
    from: 'bob',
    conversation: GROUP,
    type: 'txt',
    body: { msg: 'hello' },
    ts: iso('2026-05-04T09:00:00Z'),
    ...overrides,
  };
}

export const offline = (resource = 'web', bound = true): DeviceState => ({ resource, status: 'offline', bound });
export const online = (resource = 'phone', bound = true): DeviceState => ({ resource, status: 'online', bound });
export const kicked = (resource = 'tab', bound = true): DeviceState => ({ resource, status: 'kicked', bound });

/** A decision input for recipient alice with one offline bound device, everything else default. */
export function input(overrides: Partial<Omit<DecisionInput, 'message'>> & { message?: Partial<MessageForPush> } = {}): DecisionInput {
  const { message: m, ...rest } = overrides;
  return {
    recipient: 'alice',
    message: prepareMessage(message(m)),
    app: app(),
    devices: [offline()],
    policy: 'allOffline',
    advanced: true,
    now: iso('2026-05-04T09:00:00Z'),
    ...rest,
  };
}

/**
 * Asserts a failed Result whose first error names the field, shows the value and says what is
 * allowed — in one sentence, `field value: allowed`.
 */
export function expectFieldError(r: Result<unknown>, field: string, value: unknown, allowed: string | RegExp): FieldError {
  expect(r.ok, `expected an error for ${field}`).toBe(false);
  if (r.ok) throw new Error('unreachable');
  const e = r.errors[0]!;
  expect(e.field).toBe(field);
  expect(e.value).toEqual(value);
  if (typeof allowed === 'string') expect(e.allowed).toContain(allowed);
  else expect(e.allowed).toMatch(allowed);
  expect(e.message).toContain(field);
  if (value !== undefined) expect(e.message).toContain(showValue(value));
  expect(e.message).toContain(e.allowed);
  return e;
}

/** The value of an ok Result, failing the test with the error messages otherwise. */
export function okValue<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.value;
}
