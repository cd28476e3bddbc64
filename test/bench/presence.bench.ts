/**
 * Cluster presence of a 10,000-member group from Redis: `online('im', members)` on a node while
 * devices are online on two nodes (one pipeline: Redis clock, live nodes, a presence script per
 * 1,000 members), against a baseline in the same run that awaits one HGETALL per member in turn
 * (what a loop over members with a per-user presence call does). Then one frame to the whole
 * group with `toUsers`: its round trips and publishes. Needs Redis at REDIS_URL (default
 * 127.0.0.1:6379); every key it writes is under its own prefix and deleted at the end.
 */
import type { WebSocket } from 'ws';
import { createRedisRouter, type RedisRouter } from '../../src/server/cluster/redis-router.ts';
import { countRoundTrips, deleteKeys, REDIS_URL, testPrefix } from '../server/redis-helpers.ts';
import { report } from './lib/report.ts';

const MEMBERS = 10_000;
const RUNS = 9;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `[${xs.map((x) => x.toFixed(0)).join(', ')}]`;

export default async function presenceBench(): Promise<void> {
  const prefix = testPrefix().replace(/^t:/, 'bench:');
  let a: RedisRouter;
  try {
    a = await createRedisRouter({ url: REDIS_URL, nodeId: 'bench-a', prefix });
  } catch (err) {
    // run.ts picks up every *.bench.ts: without Redis this one says so instead of failing the run.
    console.warn(`skipped: ${(err as Error).message} (start Redis or set REDIS_URL)`);
    return;
  }
  const b = await createRedisRouter({ url: REDIS_URL, nodeId: 'bench-b', prefix });
  try {
    const members = Array.from({ length: MEMBERS }, (_, i) => `member${i}`);
    const fake = { readyState: 1, OPEN: 1, bufferedAmount: 0, send() {}, close() {}, terminate() {}, on() {}, once() {} } as unknown as WebSocket;
    const setup = performance.now();
    // Every 10th member has a phone on node A, every 7th a browser on node B (some have both).
    await Promise.all(members.flatMap((u, i) => [
      ...(i % 10 === 3 ? [a.attach('im', u, `phone-${i}`, fake)] : []),
      ...(i % 7 === 2 ? [b.attach('im', u, `web-${i}`, fake)] : []),
    ]));
    console.log(`setup: ${MEMBERS} members, devices attached on two nodes in ${(performance.now() - setup).toFixed(0)} ms`);

    const rt = countRoundTrips(a.redis);
    const batched: number[] = [];
    const baseline: number[] = [];
    let online = 0;
    let onlineBase = 0;
    let trips = 0;
    let tripsBase = 0;
    for (let run = 0; run <= RUNS; run++) {
      rt.reset();
      let t = performance.now();
      online = (await a.online('im', members)).size;
      const m = performance.now() - t;
      trips = rt.total();

      rt.reset();
      t = performance.now();
      onlineBase = 0;
      for (const u of members) if (Object.keys(await a.redis.hgetall(`${prefix}p:im:${u}`)).length) onlineBase++;
      const p = performance.now() - t;
      tripsBase = rt.total();
      if (run > 0) { batched.push(m); baseline.push(p); } // run 0 warms the JIT and loads the scripts
    }
    rt.reset();
    const t = performance.now();
    await a.toUsers('im', members, { op: 'msg', msg: { id: 'bench' } });
    const fan = performance.now() - t;
    const fanTrips = rt.total();
    const publishes = rt.names.filter((n) => n === 'publish').length;
    rt.restore();
    const mb = median(batched);
    const mp = median(baseline);
    console.log(`members online: ${online} (baseline, without the liveness check: ${onlineBase})`);
    console.log(`online() (one pipeline):     median ${mb.toFixed(1)} ms, best ${Math.min(...batched).toFixed(1)} ms over ${RUNS} runs ${fmt(batched)}, ${trips} round trip(s)`);
    console.log(`baseline (HGETALL each):     median ${mp.toFixed(1)} ms, best ${Math.min(...baseline).toFixed(1)} ms over ${RUNS} runs ${fmt(baseline)}, ${tripsBase} round trips`);
    console.log(`ratio baseline / online(): ${(mp / mb).toFixed(1)}x; round trips ${tripsBase} vs ${trips}`);
    console.log(`toUsers() to all ${MEMBERS} members: ${fan.toFixed(1)} ms, ${fanTrips} round trips, ${publishes} publish(es) (one per other node holding members)`);
    report({
      id: 'presence', title: `Cluster presence: who of a ${MEMBERS.toLocaleString('en-US')}-member group is online, from Redis (devices on two nodes)`,
      figure: mb, unit: 'ms', baseline: mp, baselineLabel: 'one HGETALL per member', ratio: mp / mb,
      target: 'reported (no target)', met: online === onlineBase,
      limits: `median of ${RUNS}; ${trips} round trip(s) against ${tripsBase}; ${online} online; one frame to every member: ${fan.toFixed(0)} ms, ${fanTrips} round trips, ${publishes} publish(es)`,
      details: { runs: batched, baselineRuns: baseline, online, roundTrips: trips, baselineRoundTrips: tripsBase, toUsersMs: fan, toUsersRoundTrips: fanTrips, publishes },
    });
  } finally {
    const cleaner = a.redis.duplicate();
    await Promise.all([a.close(), b.close()]);
    await deleteKeys(cleaner, prefix);
    cleaner.disconnect();
  }
}
