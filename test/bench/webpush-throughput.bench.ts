/**
 * B3 — Web Push throughput: 2,000 distinct subscriptions delivered by the server's delivery worker
 * (the real DeliveryWorker over the real SQLite store: claims, payloads, trace and queue writes)
 * to a TLS push service in another process (lib/push-service-child.ts, the fake push service's
 * checks: VAPID verified and the body decrypted for a sample of pushes, all of them in a first
 * checking round), against a baseline in the same run: `web-push` `sendNotification` per push,
 * concurrency 16, keep-alive agent, to the same service. Also shown: the worker with today's
 * former settings (concurrency 16, encryption on the event loop).
 * Target: ≥ 3× the baseline and ≥ 2,500 pushes/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webpush from 'web-push';
import { buildPushPayload } from '../../src/core/index.ts';
import { makeConfig, type PushDeliveryConfig } from '../../src/server/config.ts';
import { type Context, createContext } from '../../src/server/context.ts';
import { DeliveryWorker } from '../../src/server/push/worker.ts';
import type { ImMessage, NewTrace } from '../../src/server/store/ports.ts';
import type { SqliteStore } from '../../src/server/store/sqlite.ts';
import { report } from './lib/report.ts';
import { type PushServiceProcess, startPushServiceProcess, type Subscription } from './lib/push-service-process.ts';

export interface Options {
  quick?: boolean;
}

/** Users u0..u(n-1), each with one Web Push binding to its own subscription. */
export function seedSubscribers(ctx: Context, subs: readonly Subscription[], prefix = 'u'): string[] {
  const db = (ctx.store as SqliteStore).db;
  const now = Date.now();
  const names = subs.map((_, i) => `${prefix}${i}`);
  db.transaction(() => {
    const user = db.prepare("INSERT OR IGNORE INTO users (username, uuid, password_hash, nickname, created) VALUES (?, ?, 'x', ?, ?)");
    const bind = db.prepare("INSERT OR REPLACE INTO bindings (username, device_id, notifier, token, updated) VALUES (?, ?, 'webpush', ?, ?)");
    user.run('sender', 'sender-uuid', 'Sender', now);
    subs.forEach((s, i) => {
      user.run(names[i], `uuid-${prefix}${i}`, `User ${i}`, now);
      bind.run(names[i], `web-${i}`, JSON.stringify(s), now);
    });
  })();
  return names;
}

let msgN = 0;
function message(): ImMessage {
  return { id: `b3-${++msgN}-${Date.now()}`, from: 'sender', to: 'many', conversation: { id: 'g1', type: 'groupChat' }, type: 'txt', body: { msg: 'hello everyone, this is a push' }, ts: Date.now() };
}

/** Queues one Web Push row per user for one stored message (what a fan-out commits), through the store. */
async function queue(ctx: Context, users: readonly string[]): Promise<void> {
  const traces: NewTrace[] = users.map((u, i) => [u, true, 'PUSH', [{ device_id: `web-${i}`, notifier: 'webpush', result: 'queued' }]]);
  const index = new Map(users.map((u, i) => [u, i]));
  await ctx.store.commitMessage({
    message: message(), inbox: users, bumpOffline: users, traces, pushed: users, now: Date.now(),
    deliveries: (info) => ({ webpush: users.map((u) => [u, `web-${index.get(u)}`, info.get(u)?.offline ?? 0, '']), stream: [] }),
  });
}

export interface Round {
  perSecond: number;
  ms: number;
  /** CPU of this process (event loop and encryption threads) and of the push service process. */
  cpuMs: number;
  serviceCpuMs: number;
}

const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1000;
};

/** A running worker with some settings; rounds queue rows for it and time until the service accepted them all. */
export class WorkerUnderTest {
  readonly worker: DeliveryWorker;
  constructor(private readonly ctx: Context, private readonly svc: PushServiceProcess, push: Partial<PushDeliveryConfig>) {
    Object.assign(ctx.config.push, push);
    this.worker = new DeliveryWorker(ctx);
    ctx.wake = () => this.worker.kick();
    this.worker.start();
  }
  async round(users: readonly string[]): Promise<Round> {
    const { ctx, svc } = this;
    await svc.reset();
    const cpu = process.cpuUsage();
    const t0 = Date.now();
    await queue(ctx, users);
    ctx.wake();
    const { at, stats } = await svc.expect(users.length, 120_000);
    const ms = at - t0;
    // The outcomes are stored in batches: wait for the queue to be empty (not timed: the pushes are out).
    await this.worker.flushSettled();
    for (let i = 0; i < 200 && (await ctx.deliveries.count()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    if (stats.rejected) throw new Error(`the push service rejected ${stats.rejected}: ${stats.reasons.join('; ')}`);
    if (stats.distinct !== users.length || stats.duplicates) throw new Error(`${stats.distinct} endpoints got pushes, ${stats.duplicates} duplicates`);
    const left = await ctx.deliveries.count();
    if (left) throw new Error(`${left} rows left in the queue`);
    return { perSecond: (users.length * 1000) / ms, ms, cpuMs: cpuMsSince(cpu), serviceCpuMs: stats.cpuMs };
  }
  stop(): Promise<void> {
    return this.worker.stop();
  }
}

/** The baseline: web-push sendNotification per push (VAPID signed per call), `concurrency` at a time. */
async function baselineRound(ctx: Context, svc: PushServiceProcess, subs: readonly Subscription[], concurrency: number): Promise<Round> {
  await svc.reset();
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: svc.ca });
  const m = message();
  let next = 0;
  const cpu = process.cpuUsage();
  const t0 = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < subs.length) {
      const i = next++;
      const payload = JSON.stringify(buildPushPayload({ message: m, receiver: `u${i}`, senderNickname: 'Sender', preferredLanguage: '', badge: 1 }));
      await webpush.sendNotification(subs[i]!, payload, {
        vapidDetails: { subject: ctx.config.vapidSubject, publicKey: ctx.vapid.publicKey, privateKey: ctx.vapid.privateKey },
        TTL: 86_400, topic: 'g1', urgency: 'normal', contentEncoding: 'aes128gcm', agent,
      });
    }
  }));
  const { at, stats } = await svc.expect(subs.length, 60_000);
  agent.destroy();
  if (stats.rejected) throw new Error(`the push service rejected ${stats.rejected}: ${stats.reasons.join('; ')}`);
  const ms = Math.max(at, Date.now()) - t0;
  return { perSecond: (subs.length * 1000) / ms, ms, cpuMs: cpuMsSince(cpu), serviceCpuMs: stats.cpuMs };
}

const perCpuSecond = (n: number, r: Round) => (n * 1000) / (r.cpuMs + r.serviceCpuMs);

export async function run(opts: Options = {}): Promise<void> {
  const N = opts.quick ? 60 : 2000;
  const ROUNDS = opts.quick ? 1 : 5;
  const dirs = [mkdtempSync(join(tmpdir(), 'impc-b3-')), mkdtempSync(join(tmpdir(), 'impc-b3-'))];
  const svc = await startPushServiceProcess();
  try {
    // Two servers' stores (same VAPID key), so both workers stay warm and rounds can alternate.
    const ctx = await createContext(makeConfig({ dataDir: dirs[0]!, allowPrivatePushEndpoints: true, push: { ca: svc.ca } as PushDeliveryConfig }));
    const ctxOld = await createContext(makeConfig({ dataDir: dirs[1]!, allowPrivatePushEndpoints: true, push: { ca: svc.ca, concurrency: 16, encryptThreads: 0 } as PushDeliveryConfig }));
    ctxOld.vapid = ctx.vapid;
    const defaults = { ...ctx.config.push };
    await svc.config({ vapidKey: ctx.vapid.publicKey, verifyEvery: 1 });
    const subs = await svc.subscribe(N);
    const users = seedSubscribers(ctx, subs);
    seedSubscribers(ctxOld, subs);
    const now = new WorkerUnderTest(ctx, svc, {});
    const old = new WorkerUnderTest(ctxOld, svc, {});
    // Checking round: every push of both senders verified (VAPID) and decrypted by the service.
    await now.round(users);
    const checked = (await svc.stats()).verified;
    await baselineRound(ctx, svc, subs, 16);
    const baseChecked = (await svc.stats()).verified;
    console.log(`checking round: worker ${checked}/${N} and web-push ${baseChecked}/${N} pushes verified (VAPID) and decrypted by the push service`);
    await svc.config({ verifyEvery: opts.quick ? 1 : 20 });
    await old.round(users); // warm-up
    // Alternating rounds: the machine's load drifts, each round of three sees about the same.
    const ours: Round[] = [];
    const olds: Round[] = [];
    const base: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      base.push(await baselineRound(ctx, svc, subs, 16));
      ours.push(await now.round(users));
      olds.push(await old.round(users));
    }
    await now.stop();
    await old.stop();
    const mid = (xs: Round[]) => [...xs].sort((x, y) => x.perSecond - y.perSecond)[Math.floor(xs.length / 2)]!;
    const f = mid(ours);
    const b = mid(base);
    const o = mid(olds);
    const list = (xs: Round[]) => `[${xs.map((x) => x.perSecond.toFixed(0)).join(', ')}]`;
    const cpu = (r: Round) => `${perCpuSecond(N, r).toFixed(0)} per CPU-second (server ${r.cpuMs.toFixed(0)} ms + push service ${r.serviceCpuMs.toFixed(0)} ms)`;
    console.log(`worker, concurrency ${defaults.concurrency}, ${defaults.encryptThreads} encryption threads: ${list(ours)} pushes/s, ${cpu(f)}`);
    console.log(`worker, concurrency 16, encryption on the event loop (former settings): ${list(olds)} pushes/s, ${cpu(o)}`);
    console.log(`web-push sendNotification, concurrency 16:       ${list(base)} pushes/s, ${cpu(b)}`);
    const met = f.perSecond >= 3 * b.perSecond && f.perSecond >= 2500;
    report({
      id: 'B3', title: `Web Push throughput, ${N} distinct subscriptions, push service in another process`,
      figure: f.perSecond, unit: 'pushes/s', baseline: b.perSecond, baselineLabel: 'web-push sendNotification, concurrency 16', ratio: f.perSecond / b.perSecond,
      target: '≥ 3× baseline and ≥ 2,500 pushes/s', met,
      limits: met
        ? `median of ${ROUNDS}; the service verifies and decrypts 1 push in 20 (all in a checking round)`
        : `CPU: 2 cores shared by this process (${(f.cpuMs / N * 1000).toFixed(0)} µs of CPU per push), the push service process (${(f.serviceCpuMs / N * 1000).toFixed(0)} µs per push) and the machine's other load; pushes per CPU-second ${perCpuSecond(N, f).toFixed(0)} vs baseline ${perCpuSecond(N, b).toFixed(0)} (${(perCpuSecond(N, f) / perCpuSecond(N, b)).toFixed(2)}x)`,
      details: {
        rounds: ROUNDS, worker: ours, workerOldSettings: olds, baseline: base, oldSettingsPerSecond: o.perSecond,
        perCpuSecond: { worker: perCpuSecond(N, f), oldSettings: perCpuSecond(N, o), baseline: perCpuSecond(N, b) },
        verifiedAllInCheckingRound: checked === N && baseChecked === N, concurrency: defaults.concurrency, encryptThreads: defaults.encryptThreads,
      },
    }, opts);
    await ctx.store.close();
    await ctxOld.store.close();
  } finally {
    await svc.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

export default () => run();
