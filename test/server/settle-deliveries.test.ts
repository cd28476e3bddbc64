/**
 * `settleDeliveries` (store/ports.ts) on both engines: many outcomes in one unit of work — done
 * rows removed, retried rows rescheduled and unclaimed, each trace result set on its device
 * (other devices of the same decision untouched).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { NewTrace, Store } from '../../src/server/store/ports.ts';
import { openPostgresStore } from '../../src/server/store/postgres/index.ts';
import { openSqliteStore } from '../../src/server/store/sqlite.ts';
import { tempDir } from './helpers.ts';
import { dropSchema, freshSchema, PG_URL, requirePostgres } from './pg.ts';

const T = 1_750_000_000_000;
const schema = freshSchema();
const runPg = await requirePostgres('settleDeliveries on PostgreSQL');
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  if (runPg) await dropSchema(schema);
});

const engines: [string, () => Promise<Store>][] = [
  ['sqlite', async () => openSqliteStore(tempDir('impc-settle-'), { defaultTimeZone: 'UTC', webpushCert: 'webpush' })],
  ...(runPg ? [['postgres', () => openPostgresStore({ url: PG_URL, schema, defaultTimeZone: 'UTC', webpushCert: 'webpush', poolSize: 2 })] as [string, () => Promise<Store>]] : []),
];

describe.each(engines)('settleDeliveries (%s)', (_, open) => {
  it('removes done rows, reschedules retried ones, and sets each device result', async () => {
    const s = await open();
    stores.push(s);
    for (const u of ['ann', 'bob', 'cat']) await s.users.insert(u, 'x', u, T);
    const traces: NewTrace[] = [
      ['ann', true, 'PUSH', [{ device_id: 'a1', notifier: 'webpush', result: 'queued' }, { device_id: 'a2', notifier: 'stream', result: 'pending' }]],
      ['bob', true, 'PUSH', [{ device_id: 'b1', notifier: 'webpush', result: 'queued' }]],
      ['cat', true, 'PUSH', [{ device_id: 'c1', notifier: 'webpush', result: 'queued' }]],
    ];
    const { seq } = await s.commitMessage({
      message: { id: 'm1', from: 'ann', to: 'g', conversation: { id: 'g', type: 'groupChat' }, type: 'txt', body: { msg: 'hi' }, ts: T },
      inbox: ['bob', 'cat'], bumpOffline: [], traces, pushed: ['ann', 'bob', 'cat'], now: T,
      deliveries: () => ({ webpush: [['ann', 'a1', 0, ''], ['bob', 'b1', 0, ''], ['cat', 'c1', 0, '']], stream: [] }),
    });
    const rows = await s.deliveries.claim('n1', T, 10, 60_000);
    expect(rows).toHaveLength(3);
    const id = (u: string) => rows.find((r) => r.username === u)!.id;
    await s.settleDeliveries([
      { id: id('ann'), username: 'ann', seq, deviceId: 'a1', notifier: 'webpush', result: 'sent (HTTP 201)' },
      { id: id('bob'), username: 'bob', seq, deviceId: 'b1', notifier: 'webpush', result: 'retrying', retry: { attempts: 1, due: T + 5000 } },
      { id: id('cat'), username: 'cat', seq, deviceId: 'c1', notifier: 'webpush', result: 'failed (HTTP 400)' },
    ]);
    expect(await s.deliveries.count()).toBe(1);
    // The retried row is unclaimed and due later.
    expect(await s.deliveries.claim('n2', T + 4000, 10, 60_000)).toEqual([]);
    const again = await s.deliveries.claim('n2', T + 5000, 10, 60_000);
    expect(again.map((r) => [r.username, r.attempts])).toEqual([['bob', 1]]);
    const devices = async (u: string) => (await s.trace.last(u, 5)).find((t) => t.messageId === 'm1')!.devices;
    expect(await devices('ann')).toEqual([{ device_id: 'a1', notifier: 'webpush', result: 'sent (HTTP 201)' }, { device_id: 'a2', notifier: 'stream', result: 'pending' }]);
    expect((await devices('bob'))[0]!.result).toBe('retrying');
    expect((await devices('cat'))[0]!.result).toBe('failed (HTTP 400)');
    await s.settleDeliveries([]);
  });
});
