/**
 * One message to a 10,000-member group on PostgreSQL (cluster mode): the batched loads
 * (settings.appMany, conversationMany, bindings.many, kickedMany: one query each, run together)
 * plus commitMessage (message and its group log row, counts, deliveries, stream rows, trace: a
 * handful of statements in one transaction), against a baseline on the same engine that loads
 * with one query per member per concern and writes one statement per row in one transaction
 * (with the inbox and pending rows per member of the design before the group log).
 * The decisions come from core decide() in both. Median of 9 runs each (a first run warms up).
 *
 * Needs PostgreSQL (TEST_POSTGRES_URL, default the local trust server); uses a fresh schema
 * and drops it afterwards.
 */
import pg from 'pg';
import {
  type AppSettings, type ConversationSettings, decide, type DeviceState, EMPTY_CONVERSATION_SETTINGS, prepareMessage,
} from '../../src/core/index.ts';
import type { BindingRef, DeviceRow, ImMessage, NewDelivery, NewTrace, Store } from '../../src/server/store/ports.ts';
import { openPostgresStore } from '../../src/server/store/postgres/index.ts';
import { dropSchema, freshSchema, PG_URL, pgUnavailable } from '../server/pg.ts';
import { windowsAt, ZONES } from './lib/member-mix.ts';
import { report } from './lib/report.ts';

const MEMBERS = 10_000;
const RUNS = 9;
const CERT = 'webpush';
const ZONE = 'Europe/Paris';

interface Loaded {
  apps: Map<string, AppSettings>;
  convs: Map<string, ConversationSettings>;
  bindings: Map<string, readonly BindingRef[]>;
  kicked: Map<string, DeviceRow[]>;
}

/** 10,000 members with the mix of group-fanout.bench.ts, written with a few set-based statements. */
async function seed(c: pg.Client, store: Store, now: number): Promise<{ groupId: string; members: string[] }> {
  const members = Array.from({ length: MEMBERS }, (_, i) => `member${i}`);
  const series = `FROM generate_series(0, ${MEMBERS - 1}) i`;
  await c.query(`INSERT INTO users (username, uuid, password_hash, nickname, created) VALUES ('sender', 'sender-uuid', 'x', 'Sender', $1)`, [now]);
  await c.query(`INSERT INTO users (username, uuid, password_hash, nickname, created) SELECT 'member' || i, 'uuid-' || i, 'x', 'Member ' || i, $1 ${series}`, [now]);
  const group = await store.groups.create('group', 'big', 'sender', members, now);
  // The mix of lib/member-mix.ts (appMix), as one set-based statement.
  const windows = windowsAt(now);
  await c.query(
    `INSERT INTO app_settings (username, type, window_start, window_end, duration_until, time_zone)
     SELECT 'member' || i, (ARRAY['ALL', 'AT', 'NONE'])[CASE WHEN i % 9 = 0 THEN 2 ELSE i % 2 + 1 END],
       CASE WHEN i % 6 = 0 THEN ($2::int[])[i % 4 + 1] END, CASE WHEN i % 6 = 0 THEN ($3::int[])[i % 4 + 1] END,
       CASE WHEN i % 12 = 0 THEN $1::bigint + 3600000 ELSE 0 END, ($4::text[])[i % 4 + 1]
     ${series} WHERE i % 3 = 0`,
    [now, ZONES.map((z) => windows.get(z)!.start), ZONES.map((z) => windows.get(z)!.end), [...ZONES]],
  );
  await c.query(
    `INSERT INTO conv_settings (username, scope, conv_id, type, duration_until, updated)
     SELECT 'member' || i, 'chatgroup', $2, (ARRAY['ALL', 'AT', 'NONE', NULL])[i % 4 + 1], CASE WHEN i % 10 = 0 THEN $1::bigint + 600000 ELSE 0 END, $1
     ${series} WHERE i % 5 = 0`,
    [now, group.id],
  );
  const sub = JSON.stringify({ endpoint: 'https://push.example.com/p/x', keys: { p256dh: `BA${'A'.repeat(85)}`, auth: 'A'.repeat(22) } });
  await c.query(`INSERT INTO bindings (username, device_id, notifier, token, updated) SELECT 'member' || i, 'web-' || i, $2, $3, $1 ${series} WHERE i % 2 = 0`, [now, CERT, sub]);
  await c.query(`INSERT INTO bindings (username, device_id, notifier, token, updated) SELECT 'member' || i, 'ext-' || i, 'stream', 'stream', $1 ${series} WHERE i % 7 = 0`, [now]);
  await c.query(`INSERT INTO devices (username, resource, kicked, last_seen) SELECT 'member' || i, 'web-' || i, CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END, $1 ${series}`, [now]);
  await c.query(`INSERT INTO devices (username, resource, kicked, last_seen) SELECT 'member' || i, 'phone-' || i, 0, $1 ${series} WHERE i % 4 = 1`, [now]);
  await c.query('ANALYZE');
  return { groupId: group.id, members: ['sender', ...members] };
}

/** Every 10th member has a live IM connection (presence lives in Redis in cluster mode; here a set). */
const online = (u: string) => /^member\d+$/.test(u) && Number(u.slice(6)) % 10 === 3;

async function loadBatched(store: Store, groupId: string, users: readonly string[]): Promise<Loaded> {
  const [apps, convs, bindings, kickedRows] = await Promise.all([
    store.settings.appMany(users),
    store.settings.conversationMany('chatgroup', groupId, users),
    store.bindings.many(users),
    store.bindings.kickedMany(users),
  ]);
  const kicked = new Map<string, DeviceRow[]>();
  for (const d of kickedRows) (kicked.get(d.username) ?? kicked.set(d.username, []).get(d.username)!).push(d);
  return { apps, convs, bindings, kicked };
}

/** The baseline: the same data, one query per member for each concern, one after another. */
async function loadPerMember(store: Store, groupId: string, users: readonly string[]): Promise<Loaded> {
  const out: Loaded = { apps: new Map(), convs: new Map(), bindings: new Map(), kicked: new Map() };
  for (const u of users) {
    out.apps.set(u, await store.settings.app(u));
    out.convs.set(u, await store.settings.conversation(u, 'chatgroup', groupId));
    const b = await store.bindings.many([u]);
    if (b.has(u)) out.bindings.set(u, b.get(u)!);
    const k = await store.bindings.kickedMany([u]);
    if (k.length) out.kicked.set(u, k);
  }
  return out;
}

function message(groupId: string, n: string, now: number): ImMessage {
  return {
    id: `bench-${n}-${now}`, from: 'sender', to: groupId, conversation: { id: groupId, type: 'groupChat' }, type: 'txt',
    body: { msg: 'hello everyone' }, ext: { em_at_list: ['member9', 'member18'] }, ts: now,
  };
}

/** Decisions with core decide(), as the pipeline makes them (policy allOffline, advanced on). */
function decideAll(m: ImMessage, members: readonly string[], data: Loaded, now: number) {
  const prepared = prepareMessage(m);
  const defaultApp: AppSettings = { type: 'ALL', window: null, durationUntil: 0, timeZone: ZONE };
  const traces: NewTrace[] = [];
  const pushed: { user: string; targets: readonly BindingRef[] }[] = [];
  for (const u of members) {
    const bindings = data.bindings.get(u) ?? [];
    const devices = new Map<string, DeviceState>();
    for (const d of data.kicked.get(u) ?? []) devices.set(d.resource, { resource: d.resource, status: 'kicked', bound: false });
    for (const b of bindings) devices.set(b.device_id, { resource: b.device_id, status: devices.get(b.device_id)?.status ?? 'offline', bound: true });
    if (online(u)) devices.set(`phone-${u.slice(6)}`, { resource: `phone-${u.slice(6)}`, status: 'online', bound: false });
    const d = decide({
      recipient: u, message: prepared, app: data.apps.get(u) ?? defaultApp, conversation: data.convs.get(u) ?? EMPTY_CONVERSATION_SETTINGS,
      devices: [...devices.values()], policy: 'allOffline', advanced: true, now,
    });
    if (!d.push) {
      traces.push([u, false, d.reason, []]);
      continue;
    }
    const targets = bindings.filter((b) => d.devices.includes(b.device_id));
    pushed.push({ user: u, targets });
    traces.push([u, true, 'PUSH', targets.map((b) => ({ device_id: b.device_id, notifier: b.notifier, result: b.notifier === CERT ? 'queued' : 'pending' }))]);
  }
  return { traces, pushed };
}

function rowsFor(pushed: { user: string; targets: readonly BindingRef[] }[], info: Map<string, { offline: number; language: string }>) {
  const webpush: NewDelivery[] = [];
  const stream: NewDelivery[] = [];
  for (const { user, targets } of pushed) {
    const i = info.get(user);
    for (const b of targets) (b.notifier === CERT ? webpush : stream).push([user, b.device_id, i?.offline ?? 0, i?.language ?? '']);
  }
  return { webpush, stream };
}

/** Batched: four loads at once, decide, one commitMessage. */
async function batchedRun(store: Store, groupId: string, members: string[], n: string, now: number) {
  const m = message(groupId, n, now);
  const t0 = performance.now();
  const data = await loadBatched(store, groupId, members);
  const t1 = performance.now();
  const { traces, pushed } = decideAll(m, members, data, now);
  const recipients = members.filter((u) => u !== m.from);
  const res = await store.commitMessage({
    message: m, inbox: [], group: groupId, bumpOffline: recipients.filter((u) => !online(u)), traces,
    pushed: pushed.map((p) => p.user), deliveries: (info) => rowsFor(pushed, info), now,
  });
  const t2 = performance.now();
  return { load: t1 - t0, write: t2 - t1, total: t2 - t0, queued: res.queued, decisions: traces.length, pushes: pushed.length };
}

/** Baseline: per-member loads, decide, then the same writes one row per statement in one transaction. */
async function perMemberRun(store: Store, c: pg.Client, groupId: string, members: string[], n: string, now: number) {
  const m = message(groupId, n, now);
  const t0 = performance.now();
  const data = await loadPerMember(store, groupId, members);
  const t1 = performance.now();
  const { traces, pushed } = decideAll(m, members, data, now);
  const recipients = members.filter((u) => u !== m.from);
  await c.query('BEGIN');
  const seq = (await c.query<{ seq: number }>('INSERT INTO messages (id, sender, json, ts) VALUES ($1, $2, $3, $4) RETURNING seq', [m.id, m.from, JSON.stringify(m), m.ts])).rows[0]!.seq;
  for (const u of recipients) {
    await c.query('INSERT INTO inbox (username, seq) VALUES ($1, $2) ON CONFLICT DO NOTHING', [u, seq]);
    await c.query('INSERT INTO device_inbox (username, resource, seq) SELECT username, resource, $2 FROM devices WHERE username = $1 ON CONFLICT DO NOTHING', [u, seq]);
    if (!online(u)) await c.query('INSERT INTO offline_counts (username, n) VALUES ($1, 1) ON CONFLICT (username) DO UPDATE SET n = offline_counts.n + 1', [u]);
  }
  const info = new Map<string, { offline: number; language: string }>();
  for (const { user } of pushed) {
    const r = await c.query<{ n: number; language: string }>('SELECT COALESCE(o.n, 0) AS n, u.language FROM users u LEFT JOIN offline_counts o ON o.username = u.username WHERE u.username = $1', [user]);
    if (r.rows[0]) info.set(user, { offline: r.rows[0].n, language: r.rows[0].language });
  }
  const { webpush, stream } = rowsFor(pushed, info);
  for (const [u, d, b, l] of webpush) {
    await c.query('INSERT INTO deliveries (username, device_id, message_seq, badge, language, due, created) VALUES ($1, $2, $3, $4, $5, $6, $6)', [u, d, seq, b, l, now]);
  }
  for (const [u, d, b, l] of stream) {
    await c.query('INSERT INTO stream_pushes (username, device_id, message_id, message_seq, payload, badge, language, created) VALUES ($1, $2, $3, $4, NULL, $5, $6, $7) ON CONFLICT DO NOTHING', [u, d, m.id, seq, b, l, now]);
  }
  const held = new Map<string, string[]>();
  for (const [u, push, reason, devices] of traces) {
    if (push) {
      const stored = { [u]: devices.map((d) => (d.notifier === undefined ? [d.device_id, d.result] : [d.device_id, d.result, d.notifier])) };
      await c.query("INSERT INTO trace_pushed (seq, lo, hi, reason, via, mention, users) VALUES ($1, $2, $2, 'PUSH', '', '', $3::jsonb)", [seq, u, JSON.stringify(stored)]);
    }
    else (held.get(reason) ?? held.set(reason, []).get(reason)!).push(u);
  }
  for (const [reason, users] of held) await c.query('INSERT INTO trace_held (seq, reason, users) VALUES ($1, $2, $3)', [seq, reason, JSON.stringify(users)]);
  await c.query('COMMIT');
  const t2 = performance.now();
  return { load: t1 - t0, write: t2 - t1, total: t2 - t0, queued: webpush.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms, best ${Math.min(...xs).toFixed(1)} ms  [${xs.map((x) => x.toFixed(0)).join(', ')}]`;

export default async function pgFanout(): Promise<void> {
  const why = await pgUnavailable();
  if (why) {
    if (process.env.CI === 'true') throw new Error(`pg-fanout: ${why}`);
    console.warn(`SKIPPED pg-fanout: ${why}`);
    return;
  }
  const schema = freshSchema();
  const store = await openPostgresStore({ url: PG_URL, schema, defaultTimeZone: ZONE, webpushCert: CERT });
  const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    const now = Date.now();
    const setup = performance.now();
    const { groupId, members } = await seed(c, store, now);
    console.log(`setup: ${MEMBERS} members with mixed settings on PostgreSQL (schema ${schema}) in ${(performance.now() - setup).toFixed(0)} ms`);
    const b = { load: [] as number[], write: [] as number[], total: [] as number[] };
    const p = { load: [] as number[], write: [] as number[], total: [] as number[] };
    let last = { queued: 0, decisions: 0, pushes: 0 };
    let queuedBase = 0;
    for (let run = 0; run <= RUNS; run++) {
      const one = await batchedRun(store, groupId, members, `b${run}`, now + run);
      const two = await perMemberRun(store, c, groupId, members, `p${run}`, now + run);
      if (run === 0) continue; // warm-up: plans, JIT, buffers
      for (const k of ['load', 'write', 'total'] as const) {
        b[k].push(one[k]);
        p[k].push(two[k]);
      }
      last = one;
      queuedBase = two.queued;
    }
    console.log(`decisions per message: ${last.decisions}, pushes: ${last.pushes}, Web Push rows queued: ${last.queued} (baseline queued ${queuedBase})`);
    console.log(`batched loads (4 queries, concurrent):      ${fmt(b.load)}`);
    console.log(`batched commitMessage (one transaction):    ${fmt(b.write)}`);
    console.log(`batched total:                              ${fmt(b.total)}`);
    console.log(`baseline loads (4 queries per member):      ${fmt(p.load)}`);
    console.log(`baseline writes (one statement per row):    ${fmt(p.write)}`);
    console.log(`baseline total:                             ${fmt(p.total)}`);
    console.log(`ratio baseline / batched: loads ${(median(p.load) / median(b.load)).toFixed(1)}x, writes ${(median(p.write) / median(b.write)).toFixed(1)}x, total ${(median(p.total) / median(b.total)).toFixed(1)}x`);
    report({
      id: 'B2-pg', title: `Decide + queue one message to a ${MEMBERS.toLocaleString('en-US')}-member group (PostgreSQL, warm)`,
      figure: median(b.total), unit: 'ms', baseline: median(p.total), baselineLabel: 'one query per member per concern, one statement per row', ratio: median(p.total) / median(b.total),
      target: 'reported (no target)', met: last.queued === queuedBase,
      limits: `median of ${RUNS}: the loads ${median(b.load).toFixed(0)} ms (4 queries, concurrent), commitMessage ${median(b.write).toFixed(0)} ms (one transaction); ${last.queued} Web Push rows queued`,
      details: { runs: b.total, loads: b.load, writes: b.write, baselineRuns: p.total, decisions: last.decisions, pushes: last.pushes, queued: last.queued },
    });
  } finally {
    await c.end();
    await store.close();
    await dropSchema(schema);
  }
}

// Run on its own: `npx tsx test/bench/pg-fanout.bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) await pgFanout();
