/**
 * The Redis router against a real Redis: two nodes in this process (plus one in a child process
 * for SIGKILL), each with a real WebSocket server on 127.0.0.1 and real clients connected to it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { connectRedis, type RouterLog } from '../../src/server/cluster/redis-connect.ts';
import { RedisKeys } from '../../src/server/cluster/redis-keys.ts';
import { createRedisRouter, type RedisRouter } from '../../src/server/cluster/redis-router.ts';
import { sweepDead } from '../../src/server/cluster/redis-sweep.ts';
import { hold, sendFrame } from '../../src/server/presence/hub.ts';
import type { Invalidation, SocketKind } from '../../src/server/cluster/router.ts';
import { countRoundTrips, deleteKeys, REDIS_URL, redisAvailable, testPrefix } from './redis-helpers.ts';

const available = await redisAvailable('redis-router.test.ts');
const prefix = testPrefix();

/** A node: its router and a WebSocket server whose sockets the test attaches like a route would. */
interface Node {
  router: RedisRouter;
  wss: WebSocketServer;
  url: string;
  warnings: string[];
}

/** The client end of a connection, recording what it receives. */
interface Client {
  ws: WebSocket;
  /** The server end, as the route would hold it. */
  server: WebSocket;
  frames: unknown[];
  closed: Promise<number>;
}

const nodes: Node[] = [];

async function startNode(nodeId: string, timing: { nodeTtlMs?: number; heartbeatMs?: number } = {}, ackTimeoutMs?: number): Promise<Node> {
  const warnings: string[] = [];
  const note = (_obj: object, msg: string) => void warnings.push(msg);
  const log: RouterLog = { info: () => {}, warn: note, error: note };
  const router = await createRedisRouter({ url: REDIS_URL, nodeId, prefix, log, ...timing, ...(ackTimeoutMs === undefined ? {} : { ackTimeoutMs }) });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const node = { router, wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, warnings };
  nodes.push(node);
  return node;
}

/** Connects a real client to the node and attaches the server end; closing detaches, like the IM route. */
async function connect(node: Node, kind: SocketKind, user: string, resource: string, replacedFrame?: unknown): Promise<Client> {
  const accepted = once(node.wss, 'connection') as Promise<[WebSocket]>;
  const ws = new WebSocket(node.url);
  const frames: unknown[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await once(ws, 'open');
  const [server] = await accepted;
  server.on('close', () => void node.router.detach(kind, user, resource, server));
  await node.router.attach(kind, user, resource, server, replacedFrame);
  return { ws, server, frames, closed };
}

/** Waits until `check` passes (frames cross Redis pub/sub asynchronously). */
async function eventually(check: () => void | Promise<void>, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const settle = () => new Promise((r) => setTimeout(r, 150));
const asObject = (m: Map<string, ReadonlySet<string>>) => Object.fromEntries([...m].map(([u, s]) => [u, [...s].sort()]));

describe.skipIf(!available)('RedisRouter (two nodes, real Redis and WebSockets)', () => {
  let a: Node;
  let b: Node;

  beforeAll(async () => {
    a = await startNode('node-a');
    b = await startNode('node-b');
  });

  afterAll(async () => {
    for (const n of nodes) {
      for (const c of n.wss.clients) c.terminate();
      n.wss.close();
    }
    // The prefix is deleted on a connection of its own even if a router's close hangs or fails
    // (a node killed mid-test once left its presence hash, which has no TTL of its own).
    const cleaner = await connectRedis(REDIS_URL, 'cleanup');
    try {
      await Promise.race([Promise.allSettled(nodes.map((n) => n.router.close())), new Promise((r) => setTimeout(r, 5_000))]);
    } finally {
      await deleteKeys(cleaner, prefix);
      cleaner.disconnect();
    }
  });

  it('says which Redis it cannot reach, and why', async () => {
    await expect(createRedisRouter({ url: 'redis://:secret@127.0.0.1:1', nodeId: 'x', prefix })).rejects.toThrow(
      /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1: connection refused$/,
    );
  });

  it('online() sees devices on both nodes in one round trip', async () => {
    await connect(a, 'im', 'alice', 'phone');
    await connect(b, 'im', 'alice', 'web');
    await connect(b, 'im', 'bob', 'pc');
    await connect(b, 'stream', 'carol', 'ext');
    const rt = countRoundTrips(a.router.redis);
    try {
      // Past the first chunk of users read by one script, so positions in later chunks map back right.
      const nobody = (from: number, n: number) => Array.from({ length: n }, (_, i) => `nobody${from + i}`);
      const users = [...nobody(0, 1_500), 'alice', ...nobody(1_500, 999), 'bob', 'carol'];
      expect(asObject(await a.router.online('im', users))).toEqual({ alice: ['phone', 'web'], bob: ['pc'] });
      expect(rt.pipelines).toBe(1);
      expect(rt.single).toBe(0);
      rt.reset();
      expect(asObject(await b.router.online('stream', ['carol', 'alice']))).toEqual({ carol: ['ext'] });
      expect(asObject(await a.router.online('stream', ['carol', 'alice']))).toEqual({ carol: ['ext'] });
      expect(rt.total()).toBe(1);
      expect(await a.router.online('im', [])).toEqual(new Map());
    } finally {
      rt.restore();
    }
  });

  it('toUsers() reaches sockets on the other node with one publish per node', async () => {
    const local = await connect(a, 'im', 'dan', 'phone');
    const remote: Client[] = [];
    for (let i = 0; i < 20; i++) remote.push(await connect(b, 'im', `member${i}`, 'pc')); // one at a time: connect() takes the next server socket
    const sender = await connect(b, 'im', 'dan', 'web');
    const rt = countRoundTrips(a.router.redis);
    try {
      const users = ['dan', ...remote.map((_, i) => `member${i}`), 'offline1', 'offline2'];
      await a.router.toUsers('im', users, { op: 'msg', n: 1 }, 'web');
      // One lookup, one pipeline of publishes holding a single message for node-b.
      expect(rt.total()).toBe(2);
      expect(rt.names.filter((n) => n === 'publish')).toHaveLength(1);
    } finally {
      rt.restore();
    }
    expect(local.frames).toEqual([{ op: 'msg', n: 1 }]);
    // `except` is applied on the other node too: dan's web socket there gets nothing.
    await eventually(() => remote.forEach((c) => expect(c.frames).toEqual([{ op: 'msg', n: 1 }])));
    await settle();
    expect(sender.frames).toEqual([]);
  });

  it('toDevice() sends to one socket wherever it is, and says when there is none', async () => {
    const here = await connect(a, 'stream', 'erin', 'ext');
    const there = await connect(b, 'stream', 'erin', 'ext2');
    expect(await a.router.toDevice('stream', 'erin', 'ext', { op: 'push', n: 1 })).toBe(true);
    expect(await a.router.toDevice('stream', 'erin', 'ext2', { op: 'push', n: 2 })).toBe(true);
    expect(await a.router.toDevice('stream', 'erin', 'nowhere', { op: 'push', n: 3 })).toBe(false);
    expect(await a.router.toDevice('im', 'erin', 'ext2', { op: 'push', n: 4 })).toBe(false);
    await eventually(() => expect(there.frames).toEqual([{ op: 'push', n: 2 }]));
    expect(here.frames).toEqual([{ op: 'push', n: 1 }]);
  });

  it('kick() closes a device on the other node, offline at once', async () => {
    const c = await connect(b, 'im', 'frank', 'pc');
    expect(await a.router.kick('frank', 'pc', 'admin')).toBe(true);
    expect(asObject(await a.router.online('im', ['frank']))).toEqual({});
    expect(await c.closed).toBe(4001);
    expect(c.frames).toEqual([{ op: 'kicked', reason: 'admin' }]);
    expect(await a.router.kick('frank', 'pc', 'admin')).toBe(false);
    // And on its own node.
    const d = await connect(a, 'im', 'frank', 'tab');
    expect(await a.router.kick('frank', 'tab', 'again')).toBe(true);
    expect(await d.closed).toBe(4001);
    expect(asObject(await b.router.online('im', ['frank']))).toEqual({});
  });

  it('a second attach of the same device on node B replaces the socket on node A; B stays online', async () => {
    const replaced = { op: 'kicked', reason: 'replaced' };
    const first = await connect(a, 'im', 'gina', 'tab');
    const second = await connect(b, 'im', 'gina', 'tab', replaced);
    expect(await first.closed).toBe(4002);
    expect(first.frames).toEqual([replaced]);
    await once(first.server, 'close').catch(() => {});
    await settle(); // A's detach (compare-and-delete) has run
    for (const n of [a, b]) expect(asObject(await n.router.online('im', ['gina']))).toEqual({ gina: ['tab'] });
    expect(a.router.hubs.im.get('gina', 'tab')).toBeUndefined();
    expect(await a.router.toDevice('im', 'gina', 'tab', { op: 'after' })).toBe(true);
    await eventually(() => expect(second.frames).toEqual([{ op: 'after' }]));
    // Same node: the older local socket is replaced without Redis being involved.
    const third = await connect(b, 'im', 'gina', 'tab', replaced);
    expect(await second.closed).toBe(4002);
    await settle();
    expect(asObject(await a.router.online('im', ['gina']))).toEqual({ gina: ['tab'] });
    third.ws.close();
    await eventually(async () => expect(asObject(await a.router.online('im', ['gina']))).toEqual({}));
  });

  it('a device replaced or kicked while its backlog is still being sent still gets the frame saying why', async () => {
    const replaced = { op: 'kicked', reason: 'replaced' };
    // hold(): what startWithBacklog does between register and release; a live frame waits behind the backlog.
    const first = await connect(a, 'im', 'hana', 'tab');
    hold(first.server);
    sendFrame(first.server, { op: 'msg', n: 1 });
    const second = await connect(b, 'im', 'hana', 'tab', replaced);
    expect(await first.closed).toBe(4002);
    expect(first.frames).toEqual([replaced]);
    // Kicked from the other node, and replaced on its own node, while held.
    hold(second.server);
    expect(await a.router.kick('hana', 'tab', 'admin')).toBe(true);
    expect(await second.closed).toBe(4001);
    expect(second.frames).toEqual([{ op: 'kicked', reason: 'admin' }]);
    const third = await connect(b, 'im', 'hana', 'desk');
    hold(third.server);
    const fourth = await connect(b, 'im', 'hana', 'desk', replaced);
    expect(await third.closed).toBe(4002);
    expect(third.frames).toEqual([replaced]);
    fourth.ws.close();
    await eventually(async () => expect(asObject(await a.router.online('im', ['hana']))).toEqual({}));
  });

  it('invalidate() reaches the listeners of every node exactly once', async () => {
    const seen: Record<string, Invalidation[]> = { a: [], b: [] };
    a.router.onInvalidate((w) => seen.a!.push(w));
    b.router.onInvalidate((w) => seen.b!.push(w));
    await a.router.invalidate({ user: 'hank' });
    expect(seen.a).toEqual([{ user: 'hank' }]); // this node: already done when invalidate resolves
    await b.router.invalidate({ conversation: { scope: 'chatgroup', id: 'g1' } });
    await eventually(() => expect(seen).toEqual({ a: [{ user: 'hank' }, { conversation: { scope: 'chatgroup', id: 'g1' } }], b: [{ conversation: { scope: 'chatgroup', id: 'g1' } }, { user: 'hank' }] }));
    await settle();
    expect(seen.a).toHaveLength(2);
    expect(seen.b).toHaveLength(2);
  });

  it('a token invalidation resolves only once every other node has run its listeners', async () => {
    // Both nodes share this process: without waiting for b's confirmation, the reply to a's
    // PUBLISH is often handled before b's subscriber socket is read, and a resolves too early.
    const forgotten: string[] = [];
    b.router.onInvalidate((w) => {
      if (w.token) forgotten.push(w.token);
    });
    for (let i = 0; i < 20; i++) {
      await a.router.invalidate({ token: `t${i}` });
      expect(forgotten).toContain(`t${i}`);
    }
    expect(a.warnings.filter((w) => w.includes('did not confirm'))).toEqual([]);
  });

  it('a node that never confirms delays a token invalidation by the ack timeout, with a warning', async () => {
    const silent = await startNode('node-silent', {}, 300);
    // A bare subscriber on the broadcast channel counts as a receiver but never answers.
    const mute = a.router.redis.duplicate();
    try {
      await mute.subscribe(`${prefix}all`);
      const started = Date.now();
      await silent.router.invalidate({ token: 'never-confirmed' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(silent.warnings).toEqual(['1 node(s) did not confirm a token revocation within 300 ms; they refuse the token once they read the broadcast']);
    } finally {
      mute.disconnect();
      nodes.splice(nodes.indexOf(silent), 1);
      silent.wss.close();
      await silent.router.close();
    }
  });

  it('drops malformed messages from the channels with a log line, and keeps working', async () => {
    const pub = a.router.redis;
    const before = b.warnings.length;
    await pub.publish(`${prefix}node:node-b`, 'not json');
    await pub.publish(`${prefix}node:node-b`, JSON.stringify({ t: 'users', kind: 'im', users: 'everyone', frame: 1 }));
    await pub.publish(`${prefix}node:node-b`, JSON.stringify({ t: 'format-disk' }));
    await pub.publish(`${prefix}all`, JSON.stringify({ t: 'invalidate', what: { user: 'x' } }));
    const c = await connect(b, 'im', 'ivy', 'pc');
    await a.router.toUsers('im', ['ivy'], { op: 'still-here' });
    await eventually(() => expect(c.frames).toEqual([{ op: 'still-here' }]));
    expect(b.warnings.slice(before)).toEqual([
      'dropped a malformed cluster message',
      'dropped a malformed cluster message',
      'dropped a malformed cluster message',
      'dropped a malformed cluster broadcast',
    ]);
  });

  it('ping() answers while Redis does', async () => {
    await expect(a.router.ping()).resolves.toBeUndefined();
  });

  it('a node killed with SIGKILL counts as offline once its TTL runs out, and its entries are cleaned', async () => {
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'test/server/fixtures/redis-node.ts', REDIS_URL, prefix, 'node-k', 'kate', 'pc', '2000', '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      expect(String(line).trim()).toBe('ready');
      expect(asObject(await a.router.online('im', ['kate']))).toEqual({ kate: ['pc'] });
      child.kill('SIGKILL');
      await once(child, 'exit');
      const killed = Date.now();
      await eventually(async () => expect(asObject(await a.router.online('im', ['kate']))).toEqual({}), 5_000);
      expect(Date.now() - killed).toBeLessThan(3_000);
      // The lookup that found the dead entry deleted it.
      await eventually(async () => expect(await a.router.redis.hgetall(`${prefix}p:im:kate`)).toEqual({}));
      expect(await a.router.redis.exists(`${prefix}node:node-k:alive`)).toBe(0);
      // Frames are not sent to a dead node: nothing to publish.
      expect(await a.router.toDevice('im', 'kate', 'pc', { op: 'x' })).toBe(false);
    } finally {
      child?.kill('SIGKILL');
    }
  });

  it('a node killed with SIGKILL has its entries swept by a live node, even where nobody looks', async () => {
    const sweeper = await startNode('node-s', { nodeTtlMs: 600, heartbeatMs: 100 });
    const phone = await connect(a, 'im', 'kora', 'phone');
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['--import', 'tsx', 'test/server/fixtures/redis-node.ts', REDIS_URL, prefix, 'node-j', 'kora', 'pc', '600', '100'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      expect(String(line).trim()).toBe('ready');
      const [held] = (await a.router.redis.keys(`${prefix}held:node-j|*`));
      expect(held).toBeDefined();
      expect(await a.router.redis.smembers(held!)).toEqual([`${prefix}p:im:kora`]);
      child.kill('SIGKILL');
      await once(child, 'exit');
      // No lookup of kora: the sweep after a heartbeat deletes the dead node's entry, and only that one.
      await eventually(async () => expect(Object.keys(await a.router.redis.hgetall(`${prefix}p:im:kora`))).toEqual(['phone']), 5_000);
      expect(await a.router.redis.exists(held!)).toBe(0);
      await eventually(async () => expect(await a.router.redis.smembers(`${prefix}dead`)).toEqual([]));
    } finally {
      child?.kill('SIGKILL');
      phone.ws.close();
      await sweeper.router.close();
    }
  });

  it('an incarnation that rejoined before the sweep reached it keeps its entries', async () => {
    const n = await startNode('node-r');
    await connect(n, 'im', 'rita', 'pc');
    const keys = new RedisKeys(prefix);
    await a.router.redis.sadd(keys.dead(), n.router.incarnation);
    await sweepDead(a.router.redis, keys);
    expect(Object.keys(await a.router.redis.hgetall(`${prefix}p:im:rita`))).toEqual(['pc']);
    expect(await a.router.redis.sismember(keys.dead(), n.router.incarnation)).toBe(0);
    expect(await a.router.redis.smembers(keys.held(n.router.incarnation))).toEqual([`${prefix}p:im:rita`]);
    await n.router.close();
  });

  it('entries left by an earlier life of a node, or unreadable ones, are offline and cleaned', async () => {
    const key = `${prefix}p:im:mia`;
    await a.router.redis.hset(key, 'old', 'node-a|deadboot.1', 'junk', 'no-bar-here', 'alien', 'node-b|otherboot.7');
    const c = await connect(b, 'im', 'mia', 'pc');
    expect(asObject(await a.router.online('im', ['mia']))).toEqual({ mia: ['pc'] });
    await eventually(async () => expect(Object.keys(await a.router.redis.hgetall(key))).toEqual(['pc']));
    c.ws.close();
  });

  it('a node that expired (Redis away past its TTL) writes its entries back when it beats again', async () => {
    const n = await startNode('node-d', { nodeTtlMs: 600, heartbeatMs: 100 });
    await connect(n, 'im', 'nina', 'pc');
    // What the others see after the TTL: the node gone from the set, its entry cleaned as stale.
    // (One transaction, so the node's next beat sees both or neither.)
    await a.router.redis.multi().zrem(`${prefix}nodes`, n.router.incarnation).hdel(`${prefix}p:im:nina`, 'pc').exec();
    await eventually(async () => expect(asObject(await a.router.online('im', ['nina']))).toEqual({ nina: ['pc'] }));
    expect(n.warnings).toContain('this node had expired from Redis; restoring its presence entries');
    await n.router.close();
  });

  it('close() removes this node from presence and liveness', async () => {
    const n = await startNode('node-c');
    await connect(n, 'im', 'leo', 'pc');
    expect(asObject(await a.router.online('im', ['leo']))).toEqual({ leo: ['pc'] });
    await n.router.close();
    expect(await a.router.redis.hgetall(`${prefix}p:im:leo`)).toEqual({});
    expect(await a.router.redis.exists(`${prefix}node:node-c:alive`)).toBe(0);
    expect(await a.router.redis.zscore(`${prefix}nodes`, n.router.incarnation)).toBeNull();
    expect(await a.router.redis.exists(`${prefix}held:${n.router.incarnation}`)).toBe(0);
    expect(a.router.liveNodes()).toContain('node-a');
  });
});
