/**
 * Cluster throughput: messages per second accepted (200) by one node vs two nodes of the same
 * cluster (PostgreSQL + Redis), same load: 16 senders in this process, each sending direct
 * messages to offline users for a fixed time. On this 2-core machine the nodes, PostgreSQL, Redis
 * and the load generator share both cores, so the ratio shows the cost of coordination more
 * than the gain of a second machine.
 */
import { call } from '../server/helpers.ts';
import { CREDENTIALS, killAll, type Node, startNode, stopNode } from '../cluster/nodes.ts';
import { clusterServicesUp, dropIsolation, isolation } from '../support/services.ts';
import { report } from './lib/report.ts';

const SECONDS = 5;
const SENDERS = 16;
const USERS = 50;

async function load(bases: string[], tokens: string[]): Promise<{ perSecond: number; p99: number; errors: number }> {
  const until = performance.now() + SECONDS * 1000;
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(Array.from({ length: SENDERS }, async (_, k) => {
    for (let i = 0; performance.now() < until; i++) {
      const t = performance.now();
      const r = await call(bases[(k + i) % bases.length]!, 'POST', '/messages/users', { token: tokens[k % tokens.length], body: { to: [`u${(k * 7 + i) % USERS}`], type: 'txt', body: { msg: `m${i}` } } });
      if (r.status === 200) latencies.push(performance.now() - t);
      else errors++;
    }
  }));
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / SECONDS, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0, errors };
}

export default async function clusterThroughput(): Promise<void> {
  if (!(await clusterServicesUp().catch(() => false))) return void console.log('skipped: PostgreSQL or Redis is not reachable');
  const iso = isolation();
  const nodes: Node[] = [];
  try {
    nodes.push(await startNode('bench-a', iso));
    nodes.push(await startNode('bench-b', iso));
    const base = nodes[0]!.base;
    const app = await call<{ access_token: string }>(base, 'POST', '/token', { body: { grant_type: 'client_credentials', client_id: CREDENTIALS.CLIENT_ID, client_secret: CREDENTIALS.CLIENT_SECRET } });
    const appToken = app.json.access_token;
    const tokens: string[] = [];
    for (let i = 0; i < USERS; i++) await call(base, 'POST', '/users', { token: appToken, body: { username: `u${i}`, password: `u${i}-password` } });
    for (let i = 0; i < 8; i++) {
      const r = await call<{ access_token: string }>(base, 'POST', '/token', { body: { grant_type: 'password', username: `u${i}`, password: `u${i}-password` } });
      tokens.push(r.json.access_token);
    }
    await load([base], tokens); // warm-up: JIT, pools, prepared plans
    const one = await load([base], tokens);
    const two = await load(nodes.map((n) => n.base), tokens);
    console.log(`one node:  ${one.perSecond.toFixed(0)} messages/s accepted, p99 ${one.p99.toFixed(1)} ms, ${one.errors} errors (${SENDERS} senders, ${SECONDS} s)`);
    console.log(`two nodes: ${two.perSecond.toFixed(0)} messages/s accepted, p99 ${two.p99.toFixed(1)} ms, ${two.errors} errors (same load, alternating nodes)`);
    console.log(`ratio two / one: ${(two.perSecond / one.perSecond).toFixed(2)}x — on 2 cores shared by both nodes, PostgreSQL, Redis and this load generator; a second machine would add its own cores`);
    report({
      id: 'cluster', title: `Cluster: direct messages accepted per second by two nodes, ${SENDERS} senders (PostgreSQL + Redis)`,
      figure: two.perSecond, unit: 'messages/s', baseline: one.perSecond, baselineLabel: 'one node of the same cluster, same load', ratio: two.perSecond / one.perSecond,
      target: 'reported (no target)', met: one.errors === 0 && two.errors === 0,
      limits: `p99 ${two.p99.toFixed(0)} ms (one node ${one.p99.toFixed(0)} ms), ${one.errors + two.errors} errors; both nodes, PostgreSQL, Redis and the senders share this machine's 2 cores, so this shows what coordination costs, not what a second machine adds`,
      details: { seconds: SECONDS, senders: SENDERS, oneNode: one, twoNodes: two },
    });
  } finally {
    for (const n of nodes) await stopNode(n).catch(() => undefined);
    killAll();
    await dropIsolation(iso.schema, iso.prefix);
  }
}
