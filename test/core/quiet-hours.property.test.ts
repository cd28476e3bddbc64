// Property tests of the quiet-hours math (SPEC 1.3): for random settings, zones and instants in
// 2026, `nextChange` is exactly where the status flips and `quietUntil` is the first quiet-free instant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AppSettings, appWindowActive, type ConversationSettings, decide, inWindow, isQuiet, MAX_DURATION_MS, prepareMessage,
  quietStatus,
} from '../../src/core/index.ts';
import { DAY, HOUR, message, offline } from './fixtures.ts';

const ZONES = [
  'UTC', 'Europe/Paris', 'America/New_York', 'Asia/Shanghai', 'Asia/Kolkata', 'Australia/Lord_Howe',
  'America/Sao_Paulo', 'Pacific/Chatham',
] as const;
const START_2026 = Date.UTC(2026, 0, 1);
const END_2026 = Date.UTC(2027, 0, 1) - 1;
/** Modest by default so the suite stays fast; FC_RUNS=5000 for a deeper search. */
const RUNS = Number(process.env.FC_RUNS ?? 200);

const minute = fc.integer({ min: 0, max: 1439 });
const windowArb = fc.oneof(
  fc.constant(null),
  fc.record({ start: minute, end: minute }), // includes overnight and (rarely) start === end
  minute.map((m) => ({ start: m, end: m })), // all day, on purpose
  // windows around the small hours, where DST transitions happen (weighted up: that is where bugs hide)
  { arbitrary: fc.record({ start: fc.integer({ min: 0, max: 240 }), end: fc.integer({ min: 0, max: 240 }) }), weight: 3 },
);
/** A duration expiry relative to t: none, already expired, or up to 7 days ahead. */
const relativeExpiry = fc.oneof(
  fc.constant<number | null>(null),
  fc.integer({ min: -DAY, max: 0 }),
  fc.integer({ min: 1, max: MAX_DURATION_MS }),
  fc.integer({ min: 1, max: 3 * HOUR }),
);
const instant = fc.oneof(
  fc.integer({ min: START_2026, max: END_2026 }),
  fc.integer({ min: START_2026 / 60_000, max: Math.floor(END_2026 / 60_000) }).map((m) => m * 60_000), // on a minute
);

/** 2026 DST transitions of the listed zones (from tzdata rules), where the math is hardest. */
const TRANSITIONS: ReadonlyArray<readonly [(typeof ZONES)[number], string]> = [
  ['America/New_York', '2026-03-08T07:00:00Z'], ['America/New_York', '2026-11-01T06:00:00Z'],
  ['Europe/Paris', '2026-03-29T01:00:00Z'], ['Europe/Paris', '2026-10-25T01:00:00Z'],
  ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
  ['Pacific/Chatham', '2026-04-04T14:00:00Z'], ['Pacific/Chatham', '2026-09-26T14:00:00Z'],
];
/** Anywhere in 2026 in any zone, or within a day and a half before a DST transition in its zone. */
const place = fc.oneof(
  fc.record({ zone: fc.constantFrom(...ZONES), t: instant }),
  fc.record({ at: fc.constantFrom(...TRANSITIONS), delta: fc.oneof(fc.integer({ min: -36 * HOUR, max: 2 * HOUR }), fc.integer({ min: -3 * HOUR, max: 0 })) })
    .map(({ at, delta }) => ({ zone: at[0], t: Date.parse(at[1]) + delta })),
);

const scenario = fc.record({
  place,
  window: windowArb,
  appType: fc.constantFrom('ALL' as const, 'AT' as const, 'NONE' as const),
  appExpiry: relativeExpiry,
  conversation: fc.option(relativeExpiry, { nil: undefined }),
  fractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 3, maxLength: 6 }),
}).map((s) => ({ ...s, t: s.place.t, zone: s.place.zone }));
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario): { app: AppSettings; conv: ConversationSettings | undefined } {
  const expiry = (rel: number | null) => (rel === null ? 0 : s.t + rel);
  return {
    app: { type: s.appType, window: s.window, durationUntil: expiry(s.appExpiry), timeZone: s.zone },
    conv: s.conversation === undefined ? undefined : { durationUntil: expiry(s.conversation) },
  };
}

describe('quiet-hours properties', () => {
  it('isQuiet is constant on [t, nextChange) and flips at nextChange', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { app, conv } = build(s);
        const st = quietStatus(app, conv, s.t);
        expect(st.quiet).toBe(isQuiet(app, conv, s.t));
        if (st.nextChange === null) {
          // Nothing ever changes: sample the coming 8 days (beyond any duration).
          for (const f of s.fractions) expect(isQuiet(app, conv, s.t + Math.floor(f * 8 * DAY))).toBe(st.quiet);
          return;
        }
        expect(st.nextChange).toBeGreaterThan(s.t);
        const span = st.nextChange - s.t;
        const samples = [s.t, st.nextChange - 1, ...s.fractions.map((f) => s.t + Math.floor(f * span))];
        // plus an even stride, so a long span is covered everywhere
        for (let i = 1; i < 40; i++) samples.push(s.t + Math.floor((span * i) / 40));
        for (const x of samples) expect(isQuiet(app, conv, x), `at ${new Date(x).toISOString()}`).toBe(st.quiet);
        expect(isQuiet(app, conv, st.nextChange)).toBe(!st.quiet);
      }),
      { numRuns: RUNS },
    );
  });

  it('quietUntil is the first instant that is not quiet', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { app, conv } = build(s);
        const st = quietStatus(app, conv, s.t);
        if (!st.quiet) {
          expect(st.quietUntil).toBeNull();
          expect(st.reason).toBeNull();
          return;
        }
        expect(st.reasons.length).toBeGreaterThan(0);
        if (st.quietUntil === null) {
          // only an all-day window never ends
          expect(app.window !== null && app.window.start === app.window.end).toBe(true);
          return;
        }
        expect(isQuiet(app, conv, st.quietUntil - 1)).toBe(true);
        expect(isQuiet(app, conv, st.quietUntil)).toBe(false);
        expect(st.quietUntil).toBe(st.nextChange);
      }),
      { numRuns: RUNS },
    );
  });

  it('decide() holds a push back for DND exactly when isQuiet says so (unforced, advanced on)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { app, conv } = build(s);
        const d = decide({
          recipient: 'alice', message: prepareMessage(message()), app: { ...app, type: 'ALL' }, conversation: conv,
          devices: [offline()], policy: 'allOffline', advanced: true, now: s.t,
        });
        expect(d.reason.startsWith('DND_')).toBe(isQuiet(app, conv, s.t));
      }),
      { numRuns: RUNS },
    );
  });

  it('the window is judged on the wall clock that a fresh Intl.DateTimeFormat shows', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { app } = build(s);
        if (app.window === null) return;
        const parts = new Intl.DateTimeFormat('en-US', { timeZone: s.zone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' }).formatToParts(new Date(s.t));
        const minute = Number(parts.find((p) => p.type === 'hour')!.value) * 60 + Number(parts.find((p) => p.type === 'minute')!.value);
        expect(appWindowActive(app, s.t)).toBe(inWindow(app.window, minute));
      }),
      { numRuns: RUNS },
    );
  });
});
