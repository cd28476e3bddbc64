// SPEC 1.7 summary counts and the SPEC 4 summary payload; "kind" on message pushes.
import { describe, expect, it } from 'vitest';
import {
  addHeldMessage, buildPushPayload, buildSummaryPayload, countsForSummary, EMPTY_SUMMARY, MAX_SUMMARY_TRACKED, summaryDueAt,
  type SummaryCounts,
} from '../../src/core/index.ts';
import { app, HOUR, iso, message } from './fixtures.ts';

const T = iso('2026-05-04T22:00:00Z');
const g = (id: string) => ({ id, type: 'groupChat' as const });

function hold(counts: SummaryCounts, id: string, ts: number, mentioned = false, type: 'groupChat' | 'singleChat' = 'groupChat') {
  return addHeldMessage(counts, { conversation: { id, type }, ts, mentioned });
}

describe('summary counts', () => {
  it('counts per conversation and mentions, since the first, without changing the input', () => {
    let c = EMPTY_SUMMARY;
    c = hold(c, 'a', T);
    const afterOne = c;
    c = hold(c, 'b', T + 1000, true);
    c = hold(c, 'a', T + 2000, true);
    c = hold(c, 'bob', T + 3000, false, 'singleChat');
    expect(afterOne.count).toBe(1);
    expect(EMPTY_SUMMARY.count).toBe(0);
    expect(c.count).toBe(4);
    expect(c.mentions).toBe(2);
    expect(c.since).toBe(T);
    expect(c.conversations.map((x) => [x.id, x.count, x.mentions])).toEqual([['bob', 1, 0], ['a', 2, 1], ['b', 1, 1]]);
  });

  it('a group and a single chat with the same id are different conversations', () => {
    const c = hold(hold(EMPTY_SUMMARY, 'x', T), 'x', T + 1, false, 'singleChat');
    expect(c.conversations).toHaveLength(2);
  });

  it('keeps at most MAX_SUMMARY_TRACKED conversations, totals stay exact', () => {
    let c = EMPTY_SUMMARY;
    for (let i = 0; i < MAX_SUMMARY_TRACKED + 10; i++) c = hold(c, `c${i}`, T + i);
    expect(c.conversations).toHaveLength(MAX_SUMMARY_TRACKED);
    expect(c.count).toBe(MAX_SUMMARY_TRACKED + 10);
    expect(c.conversations[0]!.id).toBe(`c${MAX_SUMMARY_TRACKED + 9}`);
  });

  it('when full, a late message from a new conversation is the one left out: the latest are kept, latest first', () => {
    let c = EMPTY_SUMMARY;
    for (let i = 0; i < MAX_SUMMARY_TRACKED; i++) c = hold(c, `c${i}`, T + 1000 + i);
    c = hold(c, 'late', T);
    expect(c.conversations.map((x) => x.id)).toEqual(Array.from({ length: MAX_SUMMARY_TRACKED }, (_, i) => `c${MAX_SUMMARY_TRACKED - 1 - i}`));
    expect(c.count).toBe(MAX_SUMMARY_TRACKED + 1);
  });

  it('a message that arrives late (older ts) moves "since" back, and not its conversation\'s "last"', () => {
    let c = hold(EMPTY_SUMMARY, 'a', T + 2000);
    c = hold(c, 'b', T + 1000);
    c = hold(c, 'a', T, true);
    expect(c.since).toBe(T);
    expect(c.conversations.map((x) => [x.id, x.last, x.count, x.mentions])).toEqual([['a', T + 2000, 2, 1], ['b', T + 1000, 1, 0]]);
  });

  it('only app-level DND counts, and only with summary on', () => {
    const on = app({ summary: true });
    expect(countsForSummary(on, 'DND_APP_WINDOW')).toBe(true);
    expect(countsForSummary(on, 'DND_APP_DURATION')).toBe(true);
    expect(countsForSummary(on, 'DND_CONVERSATION')).toBe(false);
    expect(countsForSummary(on, 'REMIND_NONE')).toBe(false);
    expect(countsForSummary(app(), 'DND_APP_WINDOW')).toBe(false);
  });

  it('is due when app-level quiet ends (touching rules merged), now when not quiet', () => {
    const a = app({ window: { start: 22 * 60, end: 23 * 60 }, quietSchedule: [{ days: ['mon'], interval: { start: 23 * 60, end: 7 * 60 } }] });
    expect(summaryDueAt(a, T)).toBe(iso('2026-05-05T07:00:00Z'));
    expect(summaryDueAt(a, iso('2026-05-05T12:00:00Z'))).toBe(iso('2026-05-05T12:00:00Z'));
    expect(summaryDueAt(app({ window: { start: 60, end: 60 } }), T)).toBeNull();
  });
});

describe('buildSummaryPayload', () => {
  it('has the SPEC 4 fields, at most 5 conversations latest first, no text', () => {
    let c = EMPTY_SUMMARY;
    for (let i = 0; i < 7; i++) c = hold(c, `c${i}`, T + i * 1000, i % 2 === 0);
    c = hold(c, 'c1', T + HOUR);
    const p = buildSummaryPayload({ receiver: 'alice', counts: c, badge: 8, now: T + 2 * HOUR });
    expect(p).toEqual({
      v: 1, kind: 'summary', t: 'alice', count: 8, mentions: 4, since: T, badge: 8, ts: T + 2 * HOUR,
      conversations: [
        { id: 'c1', type: 'groupChat', count: 2, mentions: 0 },
        { id: 'c6', type: 'groupChat', count: 1, mentions: 1 },
        { id: 'c5', type: 'groupChat', count: 1, mentions: 0 },
        { id: 'c4', type: 'groupChat', count: 1, mentions: 1 },
        { id: 'c3', type: 'groupChat', count: 1, mentions: 0 },
      ],
    });
  });

  it('lists the latest conversations first whatever order the stored counts come back in', () => {
    const conv = (id: string, last: number) => ({ id, type: 'groupChat' as const, count: 1, mentions: 0, last });
    const stored: SummaryCounts = { count: 3, mentions: 0, since: T, conversations: [conv('old', T), conv('new', T + 2000), conv('mid', T + 1000)] };
    const p = buildSummaryPayload({ receiver: 'alice', counts: stored, badge: 3, now: T + HOUR });
    expect(p.conversations.map((x) => x.id)).toEqual(['new', 'mid', 'old']);
  });

  it('message pushes carry kind "message"', () => {
    const p = buildPushPayload({ message: message({ conversation: g('g1') }), receiver: 'alice', senderNickname: 'Bob', preferredLanguage: '', badge: 1 });
    expect(p.kind).toBe('message');
  });
});
