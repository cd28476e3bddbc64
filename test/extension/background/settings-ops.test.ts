/** Settings operations: what the popup and options page may ask for, and how a pending op changes the cache. */
import { describe, expect, it } from 'vitest';
import {
  applyAppOp, applyConversationOp, applyRulesOp, checkConversation, conversationOps, quietHoursOptions, sendOp, withPendingConversation,
} from '../../../src/background/handlers/settings-ops.ts';
import type { OutboxEntry, OutboxOp } from '../../../src/background/handlers/deps.ts';
import type { PushClient } from '../../../src/client/index.ts';
import { type AppSettings, DEFAULT_APP_SETTINGS } from '../../../src/core/index.ts';
import { ProtocolError } from '../../../src/shared/protocol.ts';

/** The refusal `fn` throws, as the popup sees it. */
function refusal(fn: () => unknown): { code: string; message: string; field?: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { code: e.code, message: e.message, field: e.field };
  }
  throw new Error('no refusal');
}

const BOB = { id: 'bob', type: 'singleChat' } as const;

describe('checkConversation', () => {
  it('refuses a missing or non-object conversation, naming the field and the shape wanted', () => {
    const missing = { code: 'invalid_argument', message: 'conversation is missing: an object {id, type}', field: 'conversation' };
    expect(refusal(() => checkConversation(undefined))).toStrictEqual(missing);
    expect(refusal(() => checkConversation(null))).toStrictEqual(missing);
    expect(refusal(() => checkConversation('bob'))).toStrictEqual(missing);
    expect(refusal(() => checkConversation(null, 'target'))).toStrictEqual({
      code: 'invalid_argument', message: 'target is missing: an object {id, type}', field: 'target',
    });
  });

  it('refuses an unknown type as <field>.type with the types allowed', () => {
    expect(refusal(() => checkConversation({ id: 'bob', type: 'dm' }))).toStrictEqual({
      code: 'invalid_argument', message: 'conversation.type "dm": one of "singleChat", "groupChat", "chatRoom"', field: 'conversation.type',
    });
  });

  it('takes ids of 1 to 128 characters and refuses others as <field>.id', () => {
    expect(checkConversation({ id: 'b', type: 'singleChat' })).toStrictEqual({ id: 'b', type: 'singleChat' });
    const longest = 'g'.repeat(128);
    expect(checkConversation({ id: longest, type: 'groupChat' })).toStrictEqual({ id: longest, type: 'groupChat' });
    for (const id of ['', 'g'.repeat(129), 42]) {
      expect(refusal(() => checkConversation({ id, type: 'groupChat' }))).toStrictEqual({
        code: 'invalid_argument', message: `conversation.id ${JSON.stringify(id)}: a conversation id of 1–128 characters`, field: 'conversation.id',
      });
    }
  });
});

describe('conversationOps', () => {
  it('refuses missing arguments with the shape wanted', () => {
    const missing = { code: 'invalid_argument', message: 'arguments are missing: {conversation, remindType?, durationMs?}', field: 'conversation' };
    expect(refusal(() => conversationOps(undefined))).toStrictEqual(missing);
    expect(refusal(() => conversationOps(null))).toStrictEqual(missing);
    expect(refusal(() => conversationOps('bob'))).toStrictEqual(missing);
  });

  it('makes the remind type op first, then the duration op', () => {
    expect(conversationOps({ conversation: BOB, remindType: 'AT', durationMs: 60_000 })).toStrictEqual({
      conversation: BOB,
      ops: [
        { kind: 'conversation', conversation: BOB, remindType: 'AT' },
        { kind: 'conversation', conversation: BOB, durationMs: 60_000 },
      ],
    });
    expect(conversationOps({ conversation: BOB, remindType: 'DEFAULT' }).ops).toStrictEqual([{ kind: 'conversation', conversation: BOB, remindType: 'DEFAULT' }]);
  });

  it('refuses an unknown remind type, listing DEFAULT among the choices', () => {
    for (const remindType of ['MENTION', 'default', null]) {
      expect(refusal(() => conversationOps({ conversation: BOB, remindType }))).toStrictEqual({
        code: 'invalid_argument',
        message: `remindType ${JSON.stringify(remindType)}: one of "ALL", "AT", "NONE", or "DEFAULT" to follow the app setting`,
        field: 'remindType',
      });
    }
  });

  it('refuses a bad duration as durationMs', () => {
    expect(refusal(() => conversationOps({ conversation: BOB, durationMs: -1 }))).toStrictEqual({
      code: 'invalid_argument', message: 'durationMs -1: must be from 0 to 604800000 ms (7 days); 0 clears it', field: 'durationMs',
    });
  });

  it('refuses a call that changes nothing', () => {
    expect(refusal(() => conversationOps({ conversation: BOB }))).toStrictEqual({
      code: 'invalid_argument', message: 'nothing to change: give remindType and/or durationMs', field: 'remindType',
    });
  });
});

describe('quietHoursOptions', () => {
  const NINE_TO_FIVE = { start: { hours: 9, minutes: 0 }, end: { hours: 17, minutes: 30 } };

  it('turns the window off with null, in the browser zone', () => {
    expect(quietHoursOptions(null, 'Asia/Tokyo')).toStrictEqual({
      paramType: 2, startTime: { hours: 0, minutes: 0 }, endTime: { hours: 0, minutes: 0 }, timeZone: 'Asia/Tokyo',
    });
  });

  it('falls back to UTC when the browser reports a zone core does not know', () => {
    expect(quietHoursOptions(NINE_TO_FIVE, 'Mars/Olympus_Mons')).toStrictEqual({
      paramType: 2, startTime: { hours: 9, minutes: 0 }, endTime: { hours: 17, minutes: 30 }, timeZone: 'UTC',
    });
  });

  it('refuses a window that is not an object or null', () => {
    for (const window of [undefined, '9-17', 9]) {
      expect(refusal(() => quietHoursOptions(window, 'UTC'))).toStrictEqual({
        code: 'invalid_argument', message: `window ${JSON.stringify(window)}: {start, end} clock times, or null for off`, field: 'window',
      });
    }
  });

  it('names the bad end of the window', () => {
    expect(refusal(() => quietHoursOptions({ start: NINE_TO_FIVE.start, end: { hours: 24, minutes: 0 } }, 'UTC'))).toStrictEqual({
      code: 'invalid_argument', message: 'window.end.hours 24: hours must be an integer from 0 to 23', field: 'window.end.hours',
    });
  });
});

describe('applyRulesOp', () => {
  const app: AppSettings = { ...DEFAULT_APP_SETTINGS, prioritySenders: ['carol'], keywords: ['deploy'], summary: true };

  it('replaces only the rules the op gives, keeping the others', () => {
    expect(applyRulesOp(app, { keywords: ['release'] })).toStrictEqual({ ...app, keywords: ['release'] });
    expect(applyRulesOp(app, { summary: false })).toStrictEqual({ ...app, summary: false });
    expect(applyRulesOp(app, { prioritySenders: [] })).toStrictEqual({ ...app, prioritySenders: [] });
    expect(applyRulesOp(app, {})).toStrictEqual(app);
  });

  it("reads the quiet schedule's wire intervals back into core's minutes", () => {
    expect(applyRulesOp(app, { quietSchedule: [{ days: ['sat', 'sun'], interval: '0:0-23:59' }] }))
      .toStrictEqual({ ...app, quietSchedule: [{ days: ['sat', 'sun'], interval: { start: 0, end: 1439 } }] });
  });
});

describe('applyAppOp', () => {
  it('starts a duration at the time the op was made, and 0 clears it', () => {
    const paused = { ...DEFAULT_APP_SETTINGS, durationUntil: 99_000 };
    expect(applyAppOp(DEFAULT_APP_SETTINGS, { paramType: 1, duration: 60_000 }, 1_000)).toStrictEqual({ ...DEFAULT_APP_SETTINGS, durationUntil: 61_000 });
    expect(applyAppOp(paused, { paramType: 1, duration: 0 }, 1_000)).toStrictEqual({ ...DEFAULT_APP_SETTINGS, durationUntil: 0 });
  });

  it('sets the daily window and its zone', () => {
    expect(applyAppOp(DEFAULT_APP_SETTINGS, { paramType: 2, startTime: { hours: 22, minutes: 0 }, endTime: { hours: 7, minutes: 30 }, timeZone: 'Asia/Tokyo' }, 0))
      .toStrictEqual({ ...DEFAULT_APP_SETTINGS, window: { start: 1320, end: 450 }, timeZone: 'Asia/Tokyo' });
  });
});

describe('applyConversationOp', () => {
  it('clears a conversation duration with 0, whenever the op was made', () => {
    const op: Extract<OutboxOp, { kind: 'conversation' }> = { kind: 'conversation', conversation: BOB, durationMs: 0 };
    expect(applyConversationOp({ type: 'NONE', durationUntil: 50_000 }, op, 1_000)).toStrictEqual({ type: 'NONE', durationUntil: 0 });
  });
});

describe('withPendingConversation', () => {
  const entry = (id: number, conversation: { id: string; type: 'singleChat' | 'groupChat' }, remindType: 'ALL' | 'AT' | 'NONE'): OutboxEntry => ({
    id, op: { kind: 'conversation', conversation, remindType }, createdAt: 0, attempts: 0,
  });

  it('applies only the pending ops of that conversation (same id and same type)', () => {
    const pending = [
      entry(1, { id: 'bob', type: 'groupChat' }, 'NONE'), // a group that happens to be named bob
      entry(2, { id: 'carol', type: 'singleChat' }, 'NONE'),
      entry(3, BOB, 'AT'),
    ];
    expect(withPendingConversation(BOB, { durationUntil: 0 }, pending)).toStrictEqual({ type: 'AT', durationUntil: 0 });
    expect(withPendingConversation(BOB, { durationUntil: 0 }, pending.slice(0, 2))).toStrictEqual({ durationUntil: 0 });
  });
});

describe('sendOp', () => {
  it('sends a cleared duration as 0 even when the op seems made after now (the clock went back)', async () => {
    const sent: unknown[] = [];
    const client = { setSilentModeForAll: async (r: unknown) => void sent.push(r) } as unknown as PushClient;
    await sendOp(client, { id: 1, op: { kind: 'app', options: { paramType: 1, duration: 0 } }, createdAt: 10_000, attempts: 0 }, 1_000);
    expect(sent).toStrictEqual([{ options: { paramType: 1, duration: 0 } }]);
  });

  it('sends a "not tonight" that ends right now as cleared', async () => {
    const requests: unknown[] = [];
    const client = { username: 'alice', request: async (r: unknown) => void requests.push(r) } as unknown as PushClient;
    await sendOp(client, { id: 1, op: { kind: 'skip', until: 5_000 }, createdAt: 0, attempts: 0 }, 5_000);
    expect(requests).toStrictEqual([{ method: 'PUT', path: '/users/alice/notification/user/alice', body: { windowSkipUntil: 0 }, idempotent: true }]);
  });
});
