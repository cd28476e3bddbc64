// SPEC 1.7 schedule entries as the UI labels them.
import { describe, expect, it } from 'vitest';
import { describeEntry } from '../../src/core/index.ts';

describe('describeEntry', () => {
  it.each([
    [['mon', 'tue', 'wed', 'thu'], 22 * 60, 7 * 60, 'mon,tue,wed,thu 22:00–07:00'],
    [['sat'], 9 * 60 + 5, 17 * 60 + 30, 'sat 09:05–17:30'],
    [['sun'], 0, 0, 'sun 00:00–00:00'], // 0:0-0:0 is 24 hours from midnight
    [['fri'], 23 * 60 + 59, 0, 'fri 23:59–00:00'],
  ] as const)('%j %i–%i reads %s', (days, start, end, label) => {
    expect(describeEntry({ days, interval: { start, end } })).toBe(label);
  });
});
