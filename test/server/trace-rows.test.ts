import { expect, it } from 'vitest';
import type { Mention, ReasonCode, Via } from '../../src/core/index.ts';
import type { NewTrace } from '../../src/server/store/ports.ts';
import { decisionRows, SEP, USERS_PER_ROW } from '../../src/server/store/trace-entry.ts';

const REASONS: ReasonCode[] = ['REMIND_NONE', 'DND_APP_WINDOW'];
const VIAS: (Via | undefined)[] = [undefined, 'PRIORITY_SENDER', 'FORCED'];
const MENTIONS: (Mention | undefined)[] = [undefined, 'AT', 'DIRECT'];

/** Every (reason, via, mention) combination, in an order where a shared prefix comes before and after a differing one. */
function mixedRows(push: boolean): NewTrace[] {
  const rows: NewTrace[] = [];
  let i = 0;
  for (let round = 0; round < 3; round++)
    for (const mention of round === 1 ? [...MENTIONS].reverse() : MENTIONS)
      for (const via of round === 2 ? [...VIAS].reverse() : VIAS)
        for (const reason of REASONS) {
          const u = `u${String(i++).padStart(3, '0')}`;
          rows.push(push ? [u, true, 'PUSH', [{ device_id: `d-${u}`, result: 'queued' }], via, mention] : [u, false, reason, [], via, mention]);
        }
  return rows;
}

const keyOf = (r: NewTrace) => [r[1] ? 'PUSH' : r[2], r[4] ?? '', r[5] ?? ''].join(SEP);

it('groups held decisions by exactly their reason, via and mention', () => {
  const rows = mixedRows(false);
  const { held, pushed } = decisionRows(rows);
  expect(pushed).toEqual([]);
  const got = new Map(held.map(([reason, via, mention, names]) => [[reason, via, mention].join(SEP), JSON.parse(names) as string[]]));
  const want = new Map<string, string[]>();
  for (const r of rows) want.set(keyOf(r), [...(want.get(keyOf(r)) ?? []), r[0]]);
  expect(got).toEqual(want);
  expect(held).toHaveLength(REASONS.length * VIAS.length * MENTIONS.length);
});

it('groups pushed decisions by via and mention, each name once with its devices', () => {
  const rows = mixedRows(true);
  const { pushed, held } = decisionRows(rows);
  expect(held).toEqual([]);
  const got = new Map<string, Record<string, unknown>>();
  for (const [, , reason, via, mention, users] of pushed) got.set([reason, via, mention].join(SEP), JSON.parse(users) as Record<string, unknown>);
  const want = new Map<string, Record<string, unknown>>();
  for (const r of rows) want.set(keyOf(r), { ...want.get(keyOf(r)), [r[0]]: [[`d-${r[0]}`, 'queued']] });
  expect(got).toEqual(want);
});

it('splits a big group of pushed names into rows of USERS_PER_ROW, by name', () => {
  const rows: NewTrace[] = Array.from({ length: USERS_PER_ROW * 2 + 1 }, (_, i) => [`m${String(i).padStart(4, '0')}`, true, 'PUSH', [], undefined, undefined]);
  const { pushed } = decisionRows([...rows].reverse());
  expect(pushed.map((r) => [r[0], r[1], Object.keys(JSON.parse(r[5]) as object).length])).toEqual([
    ['m0000', `m${String(USERS_PER_ROW - 1).padStart(4, '0')}`, USERS_PER_ROW],
    [`m${String(USERS_PER_ROW).padStart(4, '0')}`, `m${String(USERS_PER_ROW * 2 - 1).padStart(4, '0')}`, USERS_PER_ROW],
    [`m${String(USERS_PER_ROW * 2).padStart(4, '0')}`, `m${String(USERS_PER_ROW * 2).padStart(4, '0')}`, 1],
  ]);
});
