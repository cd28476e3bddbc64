/**
 * Gateway mode (SPEC 9), two processes on loopback on SQLite: A sends its callbacks to B, B is
 * the gateway with A as upstream. Measures (1) callbacks accepted per second at B (check the
 * signature, store the event and its callId, answer 200), with 16 concurrent senders in this
 * process, and (2) the time from bob's send at A to the push accepted by the fake push service
 * (A stores, queues and posts the callback; B stores, decides and sends the Web Push), one
 * message at a time.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callbackSignature } from '../../src/server/callbacks/body.ts';
import { startPushService } from '../fakes/push-service.ts';
import { killAllProcs, procSpec, startProc, stopProc, tempDir } from '../gateway/procs.ts';
import { report } from './lib/report.ts';

/** One JSON request (test/server/helpers.ts registers vitest hooks, so the bench has its own). */
async function call<T = Record<string, unknown>>(base: string, method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; json: T }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as T };
}

const SECRET = 'bench-callback-secret';
const SECONDS = 5;
const SENDERS = 16;
const MESSAGES = 200;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export default async function gatewayBench(): Promise<void> {
  const svc = await startPushService();
  const caFile = join(tempDir('impc-gw-bench-'), 'ca.pem');
  writeFileSync(caFile, svc.ca);
  const specB = await procSpec('b', [], { NODE_EXTRA_CA_CERTS: caFile });
  const specA = await procSpec('a', ['--callback-url', `http://127.0.0.1:${specB.port}/demo/im/callbacks/easemob`, '--callback-secret', SECRET]);
  specB.flags.push('--upstream', `http://127.0.0.1:${specA.port}`, '--upstream-app-key', 'demo#im', '--upstream-client-id', specA.env.CLIENT_ID!, '--upstream-client-secret', specA.env.CLIENT_SECRET!, '--callback-secret', SECRET);
  try {
    const a = await startProc(specA);
    const tok = async (base: string, body: unknown) => (await call<{ access_token: string }>(base, 'POST', '/token', { body })).json.access_token;
    const appA = await tok(a.base, { grant_type: 'client_credentials', client_id: specA.env.CLIENT_ID, client_secret: specA.env.CLIENT_SECRET });
    for (const u of ['alice', 'bob']) await call(a.base, 'POST', '/users', { token: appA, body: { username: u, password: `${u}-password` } });
    const bob = await tok(a.base, { grant_type: 'password', username: 'bob', password: 'bob-password' });
    const b = await startProc(specB);
    const alice = await tok(b.base, { grant_type: 'password', username: 'alice', password: 'alice-password' });
    const appB = await tok(b.base, { grant_type: 'client_credentials', client_id: specB.env.CLIENT_ID, client_secret: specB.env.CLIENT_SECRET });
    const certs = await call<{ data: { name: string; vapidPublicKey?: string }[] }>(b.base, 'GET', '/push/certificates', { token: appB });
    svc.expectVapidKey(certs.json.data.find((c) => c.name === 'webpush')!.vapidPublicKey!);
    await call(b.base, 'PUT', '/users/alice/push/binding', { token: alice, body: { device_id: 'chrome', device_token: JSON.stringify(svc.createSubscription()), notifier_name: 'webpush' } });

    // (1) Callbacks accepted per second (`chat` events: stored and answered; deciding one is cheap).
    const until = performance.now() + SECONDS * 1000;
    const lat: number[] = [];
    let errors = 0;
    await Promise.all(Array.from({ length: SENDERS }, async () => {
      while (performance.now() < until) {
        const callId = `demo#im_${randomUUID()}`;
        const timestamp = Date.now();
        const body = {
          callId, eventType: 'chat', timestamp, chat_type: 'chat', from: 'bob', to: 'alice', msg_id: String(timestamp),
          payload: { bodies: [{ type: 'txt', msg: 'bench' }] }, securityVersion: '1.0.0', security: callbackSignature(callId, SECRET, timestamp), appkey: 'demo#im', host: 'bench',
        };
        const t = performance.now();
        const r = await call(b.base, 'POST', '/callbacks/easemob', { body });
        if (r.status === 200) lat.push(performance.now() - t);
        else errors++;
      }
    }));
    lat.sort((x, y) => x - y);
    console.log(`callbacks accepted at B: ${Math.round(lat.length / SECONDS)}/s (${SENDERS} senders, ${SECONDS} s; answer median ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms; ${errors} errors)`);
    await new Promise((r) => setTimeout(r, 2000)); // let B decide the backlog of chat events

    // (2) bob's send at A → the push accepted by the push service, one message at a time.
    const times: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const text = `bench ${i}`;
      const t = Date.now();
      await call(a.base, 'POST', '/messages/users', { token: bob, body: { to: ['alice'], type: 'txt', body: { msg: text } } });
      const push = await svc.waitFor((p) => p.payload?.body === text, 10_000);
      times.push(push.at - t);
    }
    times.sort((x, y) => x - y);
    console.log(`send at A → push accepted (via B): median ${pct(times, 0.5)} ms, p99 ${pct(times, 0.99)} ms, max ${times.at(-1)} ms (${MESSAGES} messages, one at a time)`);
    report({
      id: 'gateway', title: `Gateway (SPEC 9): message callbacks accepted per second, ${SENDERS} senders (SQLite)`,
      figure: lat.length / SECONDS, unit: 'callbacks/s', target: 'reported (no target)', met: errors === 0,
      limits: `answer median ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms, ${errors} errors; a send at the upstream to its push accepted through the gateway: median ${pct(times, 0.5)} ms, p99 ${pct(times, 0.99)} ms (${MESSAGES} messages, one at a time)`,
      details: { seconds: SECONDS, senders: SENDERS, answerP50: pct(lat, 0.5), answerP99: pct(lat, 0.99), errors, sendToPushP50: pct(times, 0.5), sendToPushP99: pct(times, 0.99), sendToPushMax: times.at(-1) },
    });
    await stopProc(b);
    await stopProc(a);
  } finally {
    await killAllProcs();
    await svc.stop();
  }
}
