/**
 * Test harness: the real server on 127.0.0.1 port 0 over a fresh SQLite file, plus HTTP and
 * WebSocket clients. With IMPC_TEST_ENGINE=cluster (the "cluster" vitest project) the same tests
 * run against TWO nodes on one PostgreSQL schema and one Redis prefix, with requests and sockets
 * alternating between the nodes: every rule must hold across nodes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import pg from 'pg';
import WebSocket from 'ws';
import { buildApp, type ServerApp } from '../../src/server/app.ts';
import { makeConfig, type ServerConfig } from '../../src/server/config.ts';
import { DATABASE_URL, dropIsolation, isolation, REDIS_URL } from '../support/services.ts';

/** Whether this run puts every test server on a two-node cluster. */
export const CLUSTER = process.env.IMPC_TEST_ENGINE === 'cluster';

export interface TestServer {
  url: string;
  /** url + /demo/im; in cluster runs each read names the next node in turn. */
  readonly base: string;
  /** The first node (in cluster runs the second shares its config object's clock). */
  server: ServerApp;
  /** Every node (one, or two in cluster runs). */
  nodes: ServerApp[];
  appToken: string;
  dataDir: string;
  close(): Promise<void>;
}

/** Folders made by `tempDir` in this test file, removed after its last test. */
const madeDirs = new Set<string>();

/** A fresh temporary folder, removed after the file's tests (and by `close` for a server's own). */
export function tempDir(prefix = 'impc-server-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.add(dir);
  return dir;
}

/** Removes a temporary folder; a test that made it unremovable (chattr +i) must undo that first. */
export function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Left for the OS: failing here would hide the test's own result.
  }
  madeDirs.delete(dir);
}

// Registered on the importing test file: its temporary folders go when its tests are done.
// (Benchmarks import these helpers outside vitest, where there is no file to hook.)
if (process.env.VITEST) {
  afterAll(() => {
    for (const dir of [...madeDirs]) removeDir(dir);
  });
}

/** Builds and starts a server; `overrides.push` is merged into the delivery defaults. */
export async function startTestServer(options: Partial<ServerConfig> & { reuse?: { schema?: string | undefined; prefix?: string | undefined } } = {}): Promise<TestServer> {
  const { reuse, ...overrides } = options;
  const ownDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? tempDir();
  // A restarted cluster reopens the schema and prefix of the one before it.
  const iso = CLUSTER ? (reuse?.schema && reuse.prefix ? { schema: reuse.schema, prefix: reuse.prefix } : isolation()) : undefined;
  const config = makeConfig({
    port: 0, allowPrivatePushEndpoints: true, ...overrides, dataDir, push: { pollMs: 50, backoffBaseMs: 100, ...overrides.push } as ServerConfig['push'],
    ...(iso ? { postgres: DATABASE_URL, postgresSchema: iso.schema, redis: REDIS_URL, redisPrefix: iso.prefix, nodeId: 'node-a' } : {}),
  });
  const nodes: ServerApp[] = [await buildApp(config)];
  if (iso) {
    // The second node reads everything but its name through the first one's config, so a test
    // that moves the clock (`s.server.ctx.config.now = ...`) moves it on both nodes.
    const second = Object.create(config) as ServerConfig;
    second.nodeId = 'node-b';
    nodes.push(await buildApp(second));
  }
  const urls = await Promise.all(nodes.map((n) => n.listen()));
  const bases = urls.map((u) => `${u}/demo/im`);
  const server = nodes[0]!;
  const t = await call(bases[0]!, 'POST', '/token', { body: { grant_type: 'client_credentials', client_id: server.ctx.credentials.clientId, client_secret: server.ctx.credentials.clientSecret } });
  let turn = 0;
  return {
    url: urls[0]!,
    get base() {
      return bases[turn++ % bases.length]!;
    },
    server,
    nodes,
    appToken: (t.json as { access_token: string }).access_token,
    dataDir,
    close: async () => {
      await Promise.all(nodes.map((n) => n.close()));
      if (iso) await dropIsolation(iso.schema, iso.prefix);
      if (ownDir) removeDir(dataDir);
    },
  };
}

export interface Res<T = Record<string, unknown>> {
  status: number;
  json: T;
  headers: Headers;
}

/** One REST call; `body` is sent as JSON unless `raw` is given. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.contentType ?? 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as T, headers: res.headers };
}

/** Registers users (password = name) with the app token. */
export async function register(s: TestServer, ...names: string[]): Promise<void> {
  for (const username of names) {
    const r = await call(s.base, 'POST', '/users', { token: s.appToken, body: { username, password: username, nickname: username.toUpperCase() } });
    if (r.status !== 200) throw new Error(`register ${username}: ${JSON.stringify(r.json)}`);
  }
}

export async function signIn(s: TestServer, username: string, ttl?: number): Promise<string> {
  const r = await call<{ access_token: string }>(s.base, 'POST', '/token', { body: { grant_type: 'password', username, password: username, ...(ttl ? { ttl } : {}) } });
  if (r.status !== 200) throw new Error(`sign in ${username}: ${JSON.stringify(r.json)}`);
  return r.json.access_token;
}

export async function createGroup(s: TestServer, owner: string, members: string[], room = false): Promise<string> {
  const r = await call<{ data: { groupid?: string; id?: string } }>(s.base, 'POST', room ? '/chatrooms' : '/chatgroups', {
    token: s.appToken,
    body: room ? { name: 'room', owner, members } : { groupname: 'group', owner, members },
  });
  if (r.status !== 200) throw new Error(`create group: ${JSON.stringify(r.json)}`);
  return (r.json.data.groupid ?? r.json.data.id)!;
}

type Frame = Record<string, unknown> & { op: string };

/** A WebSocket client that queues frames so tests can wait for the next matching one. */
export class WsClient {
  readonly frames: Frame[] = [];
  private readonly waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void; taken: boolean }[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private cursor = 0;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as Frame;
      this.frames.push(f);
      for (const w of this.waiters) {
        if (!w.taken && w.pred(f)) {
          w.taken = true;
          w.resolve(f);
        }
      }
    });
    this.closed = new Promise((r) => socket.on('close', (code, reason) => r({ code, reason: String(reason) })));
  }

  static async open(url: string): Promise<WsClient> {
    const socket = new WebSocket(url);
    const c = new WsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return c;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame (after those already consumed) that matches, waiting up to `ms`. */
  async next(pred: (f: Frame) => boolean = () => true, ms = 5000): Promise<Frame> {
    for (; this.cursor < this.frames.length; ) {
      const f = this.frames[this.cursor++]!;
      if (pred(f)) return f;
    }
    const f = await new Promise<Frame>((resolve, reject) => {
      const w = { pred, resolve: (x: Frame) => (clearTimeout(timer), resolve(x)), taken: false };
      const timer = setTimeout(() => {
        w.taken = true;
        reject(new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(this.frames.slice(-5))}`));
      }, ms);
      this.waiters.push(w);
    });
    this.cursor = this.frames.indexOf(f) + 1;
    return f;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closed;
  }
}

/** Opens the IM connection and waits for `ready`. */
export async function connectIm(s: TestServer, token: string, resource: string): Promise<WsClient> {
  const c = await WsClient.open(`${s.base.replace('http', 'ws')}/ws`);
  c.send({ op: 'auth', token, resource });
  await c.next((f) => f.op === 'ready');
  return c;
}

/** Opens the push stream and waits for `ready`. */
export async function connectStream(s: TestServer, token: string, deviceId: string): Promise<WsClient> {
  const c = await WsClient.open(`${s.base.replace('http', 'ws')}/push/stream`);
  c.send({ op: 'auth', token, device_id: deviceId });
  await c.next((f) => f.op === 'ready');
  return c;
}

/** Sends a text message as `from` (user token) to users, a group or a room. */
export async function send(s: TestServer, token: string, target: 'users' | 'chatgroups' | 'chatrooms', to: string[], msg: string, extra: Record<string, unknown> = {}) {
  const r = await call<{ data: Record<string, string> }>(s.base, 'POST', `/messages/${target}`, { token, body: { to, type: 'txt', body: { msg }, ...extra } });
  if (r.status !== 200) throw new Error(`send: ${JSON.stringify(r.json)}`);
  return r.json.data;
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, ms = 5000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every table's rows (sorted JSON), of either engine: for "nothing changed" checks. */
export async function dumpStore(s: TestServer): Promise<Record<string, string[]>> {
  const cfg = s.server.ctx.config;
  if (cfg.postgres) {
    const client = new pg.Client({ connectionString: cfg.postgres });
    await client.connect();
    try {
      const schema = cfg.postgresSchema ?? 'public';
      const tables = (await client.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])).rows.map((r) => r.t);
      const out: Record<string, string[]> = {};
      for (const t of tables) out[t] = (await client.query(`SELECT * FROM "${schema}"."${t}"`)).rows.map((r) => JSON.stringify(r)).sort();
      return out;
    } finally {
      await client.end();
    }
  }
  const db = (s.server.ctx.store as unknown as { db: import('better-sqlite3').Database }).db;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT * FROM "${t}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort()]));
}

/**
 * Groups with fixed ids (tests that name "G1", "g1"...) and these members, written straight to
 * the store of either engine (the REST API makes its own ids).
 */
export async function groupsWithIds(s: TestServer, ids: readonly string[], members: readonly string[]): Promise<void> {
  const cfg = s.server.ctx.config;
  if (cfg.postgres) {
    const client = new pg.Client({ connectionString: cfg.postgres });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${cfg.postgresSchema ?? 'public'}"`);
      for (const id of ids) {
        await client.query("INSERT INTO groups (id, kind, name, owner, created) VALUES ($1, 'group', $1, $2, $3) ON CONFLICT DO NOTHING", [id, members[0], Date.now()]);
        await client.query('INSERT INTO group_members (group_id, username) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [id, members]);
      }
    } finally {
      await client.end();
    }
    return;
  }
  const db = (s.server.ctx.store as unknown as { db: import('better-sqlite3').Database }).db;
  const g = db.prepare("INSERT OR IGNORE INTO groups (id, kind, name, owner, created) VALUES (?, 'group', ?, ?, ?)");
  const m = db.prepare('INSERT OR IGNORE INTO group_members (group_id, username) VALUES (?, ?)');
  db.transaction(() => {
    for (const id of ids) {
      g.run(id, id, members[0], Date.now());
      for (const u of members) m.run(id, u);
    }
  })();
}
