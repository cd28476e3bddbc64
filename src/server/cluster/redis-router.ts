/**
 * The cluster router (SPEC 8): sockets live in this process's hubs as with `LocalRouter`;
 * Redis holds who is online where (`p:{kind}:{user}` → resource → `node|conn`, judged against
 * the nodes whose heartbeat TTL has not run out) and carries frames to the node holding a
 * socket (pub/sub on `node:{id}`; cache invalidations on `all`).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { WebSocket } from 'ws';
import { closeWith, ConnectionHub, sendFrame } from '../presence/hub.ts';
import { kickLocal } from './local-router.ts';
import { closeRedis, connectRedis, pingWithin, type RouterLog } from './redis-connect.ts';
import { NodeHeartbeat } from './redis-heartbeat.ts';
import { incarnationOf, type Owner, parseOwner, RedisKeys } from './redis-keys.ts';
import { BroadcastMessage, NodeMessage, parseMessage } from './redis-messages.ts';
import { sweepDead } from './redis-sweep.ts';
import { OwnedEntries } from './redis-owned.ts';
import { execChecked, readPresence } from './redis-presence.ts';
import { defineScripts } from './redis-scripts.ts';
import type { Invalidation, Router, SocketKind } from './router.ts';
import { within } from '../within.ts';

export interface RedisRouterOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  url: string;
  nodeId: string;
  /** Prefix of every key and channel, e.g. `impc:` (deployments may share one Redis). */
  prefix: string;
  /** A node that stops heartbeating counts as offline after this long (SPEC: within 60 s). */
  nodeTtlMs?: number;
  heartbeatMs?: number;
  /** How long `ping()` waits for PONG. */
  pingTimeoutMs?: number;
  /** How long a token revocation waits for the other nodes to confirm they forgot it. */
  ackTimeoutMs?: number;
  log?: RouterLog;
}

/** Connects, subscribes and registers the node; throws a sentence naming the problem when Redis is unreachable. */
export async function createRedisRouter(opts: RedisRouterOptions): Promise<RedisRouter> {
  const nodeTtlMs = opts.nodeTtlMs ?? 30_000;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  if (!opts.nodeId) throw new Error('the node id is empty: pass --node-id NAME (or NODE_ID)');
  if (!(heartbeatMs > 0 && heartbeatMs < nodeTtlMs)) {
    throw new Error(`heartbeatMs (${heartbeatMs}) must be positive and shorter than nodeTtlMs (${nodeTtlMs}), or live nodes would expire between heartbeats`);
  }
  const commands = await connectRedis(opts.url, 'commands', opts.log);
  let subscriber: Redis;
  try {
    subscriber = await connectRedis(opts.url, 'subscriber', opts.log);
  } catch (err) {
    commands.disconnect();
    throw err;
  }
  const router = new RedisRouter(commands, subscriber, { ...opts, nodeTtlMs, heartbeatMs });
  try {
    await router.start();
  } catch (err) {
    commands.disconnect();
    subscriber.disconnect();
    throw err;
  }
  return router;
}

export class RedisRouter implements Router {
  readonly nodeId: string;
  readonly hubs: Record<SocketKind, ConnectionHub> = { im: new ConnectionHub(), stream: new ConnectionHub() };
  /** This life of the node: entries from an earlier process with the same node id are dead. */
  readonly incarnation: string;
  private readonly boot = randomBytes(6).toString('base64url');
  private readonly keys: RedisKeys;
  private readonly listeners: ((what: Invalidation) => void)[] = [];
  /** Presence entries this node stands behind (removed on detach, kick, replace, close). */
  private readonly owned: OwnedEntries;
  private closed = false;
  private readonly log: RouterLog | undefined;
  private readonly heartbeat: NodeHeartbeat;
  /** Broadcasts this node waits on: id → confirmations so far, how many to expect, and what to call then. */
  private readonly awaiting = new Map<string, { answered: number; expected?: number; done: () => void }>();
  private nextAck = 0;

  constructor(
    /** The command connection (exposed for tests and diagnostics). */
    readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly opts: RedisRouterOptions & { nodeTtlMs: number; heartbeatMs: number },
  ) {
    this.nodeId = opts.nodeId;
    this.incarnation = incarnationOf(opts.nodeId, this.boot);
    this.keys = new RedisKeys(opts.prefix);
    this.log = opts.log;
    this.owned = new OwnedEntries(redis, this.keys, { nodeId: this.nodeId, boot: this.boot }, opts.log);
    this.heartbeat = new NodeHeartbeat(redis, this.keys, { nodeId: this.nodeId, incarnation: this.incarnation, boot: this.boot }, { ttlMs: opts.nodeTtlMs, everyMs: opts.heartbeatMs }, {
      rejoined: () => this.owned.restore(),
      afterBeat: async () => {
        await this.owned.retry();
        await sweepDead(redis, this.keys, opts.log);
      },
    }, opts.log);
  }

  /** Subscribes, registers the node with a first heartbeat, then beats every `heartbeatMs`. */
  async start(): Promise<void> {
    defineScripts(this.redis);
    this.subscriber.on('message', (channel: string, raw: string) => this.onMessage(channel, raw));
    await this.subscriber.subscribe(this.keys.nodeChannel(this.nodeId), this.keys.broadcast());
    await this.heartbeat.start();
  }

  /** Node ids with a live heartbeat, as of the last one (this node included). */
  liveNodes(): string[] {
    const ids = new Set([this.nodeId]);
    for (const inc of this.heartbeat.incarnations()) ids.add(inc.slice(0, inc.lastIndexOf('|')));
    return [...ids];
  }

  async attach(kind: SocketKind, user: string, resource: string, socket: WebSocket, replacedFrame?: unknown): Promise<void> {
    const old = this.hubs[kind].add(user, resource, socket);
    if (old) closeWith(old, replacedFrame, 4002, 'replaced');
    const value = this.owned.add(kind, user, resource, socket);
    const prev = await this.redis.impcSwap(this.keys.presence(kind, user), this.keys.held(this.incarnation), resource, value);
    const prevOwner = prev === null ? undefined : parseOwner(prev);
    // Another node held the device: it closes its socket. A dead node is not listening, which is fine.
    if (prevOwner && prevOwner.nodeId !== this.nodeId) {
      await this.publish(prevOwner.nodeId, { t: 'replace', kind, user, resource, conn: prevOwner.connId, frame: replacedFrame });
    }
  }

  async detach(kind: SocketKind, user: string, resource: string, socket: WebSocket): Promise<void> {
    this.hubs[kind].remove(user, resource, socket);
    const conn = this.owned.connOf(socket);
    if (conn !== undefined) await this.owned.forget(kind, user, resource, conn);
  }

  async online(kind: SocketKind, users: readonly string[]): Promise<Map<string, ReadonlySet<string>>> {
    const out = new Map<string, ReadonlySet<string>>();
    for (const [user, resources] of await this.lookup(kind, users)) out.set(user, new Set(resources.keys()));
    return out;
  }

  async toUsers(kind: SocketKind, users: readonly string[], frame: unknown, exceptResource?: string): Promise<void> {
    this.hubs[kind].broadcast(users, frame, exceptResource);
    const byNode = new Map<string, string[]>();
    for (const [user, resources] of await this.lookup(kind, users)) {
      const nodes = new Set<string>();
      for (const [resource, o] of resources) if (resource !== exceptResource && o.nodeId !== this.nodeId) nodes.add(o.nodeId);
      for (const n of nodes) {
        const list = byNode.get(n);
        if (list) list.push(user);
        else byNode.set(n, [user]);
      }
    }
    if (byNode.size === 0) return;
    // One message per node however many users it holds: a 10,000-member group is a few publishes.
    const p = this.redis.pipeline();
    for (const [n, list] of byNode) p.publish(this.keys.nodeChannel(n), JSON.stringify({ t: 'users', kind, users: list, frame, except: exceptResource } satisfies NodeMessage));
    await execChecked(p);
  }

  async toDevice(kind: SocketKind, user: string, resource: string, frame: unknown): Promise<boolean> {
    const s = this.hubs[kind].get(user, resource);
    if (s) return sendFrame(s, frame);
    const o = (await this.lookup(kind, [user])).get(user)?.get(resource);
    if (!o || o.nodeId === this.nodeId) return false;
    await this.publish(o.nodeId, { t: 'device', kind, user, resource, frame });
    return true;
  }

  async kick(user: string, resource: string, reason: string): Promise<boolean> {
    if (this.hubs.im.get(user, resource)) {
      await this.kickHere(user, resource, reason);
      return true;
    }
    const o = (await this.lookup('im', [user])).get(user)?.get(resource);
    if (!o || o.nodeId === this.nodeId) return false;
    // The entry goes now, not when the other node gets to it: the device is offline from here on.
    const p = this.redis.pipeline();
    p.publish(this.keys.nodeChannel(o.nodeId), JSON.stringify({ t: 'kick', user, resource, reason } satisfies NodeMessage));
    p.impcCompareDel(this.keys.presence('im', user), resource, o.value);
    await execChecked(p);
    return true;
  }

  async invalidate(what: Invalidation): Promise<void> {
    // This node runs its listeners now (its caches are fresh when this resolves) and skips its own
    // broadcast; the other nodes are told even if a listener here throws.
    try {
      for (const fn of this.listeners) fn(what);
    } finally {
      // A revoked token must be refused by the very next request on any node, and pub/sub alone
      // does not say when the others have read the message: wait for each to confirm. The other
      // invalidations name caches only the embedded (one-node) engine keeps, so they do not wait.
      if (what.token === undefined) await this.redis.publish(this.keys.broadcast(), JSON.stringify({ t: 'invalidate', from: this.incarnation, what } satisfies BroadcastMessage));
      else await this.broadcastAndWait(what);
    }
  }

  /**
   * Publishes and resolves once every other subscriber has confirmed, or after `ackTimeoutMs`
   * (a node that silent is hung or gone: its heartbeat lapses and its sockets move on).
   */
  private async broadcastAndWait(what: Invalidation): Promise<void> {
    const id = `${this.incarnation}#${++this.nextAck}`;
    let done!: () => void;
    const confirmed = new Promise<void>((resolve) => (done = resolve));
    // Registered before publishing: a fast node may answer before PUBLISH returns its count.
    const entry: { answered: number; expected?: number; done: () => void } = { answered: 0, done };
    this.awaiting.set(id, entry);
    try {
      // PUBLISH counts every subscriber reached, this node's own (which does not answer) included.
      const reached = await this.redis.publish(this.keys.broadcast(), JSON.stringify({ t: 'invalidate', from: this.incarnation, what, ack: id } satisfies BroadcastMessage));
      entry.expected = reached - 1;
      if (entry.answered >= entry.expected) return;
      const ms = this.opts.ackTimeoutMs ?? 2_000;
      const inTime = await within(confirmed, ms);
      const missing = entry.expected - entry.answered;
      if (!inTime) this.log?.warn({ node: this.nodeId, missing }, `${missing} node(s) did not confirm a token revocation within ${ms} ms; they refuse the token once they read the broadcast`);
    } finally {
      this.awaiting.delete(id);
    }
  }

  onInvalidate(fn: (what: Invalidation) => void): void {
    this.listeners.push(fn);
  }

  localSockets(): WebSocket[] {
    return [...this.hubs.im.all(), ...this.hubs.stream.all()];
  }

  async ping(): Promise<void> {
    if (this.subscriber.status !== 'ready') throw new Error(`the Redis subscriber connection is ${this.subscriber.status}: frames from other nodes cannot arrive`);
    await pingWithin(this.redis, this.opts.pingTimeoutMs ?? 2_000);
  }

  /** Leaves the cluster: this node's presence entries and liveness go, then both connections close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.heartbeat.stop();
    try {
      const p = this.redis.pipeline();
      this.owned.dropAll(p);
      p.impcLeave(this.keys.alive(this.nodeId), this.keys.nodes(), this.keys.held(this.incarnation), this.incarnation, this.boot);
      await execChecked(p);
    } catch (err) {
      this.log?.warn({ err, node: this.nodeId }, 'could not remove this node from Redis on close; its entries expire with its TTL');
    }
    await Promise.all([closeRedis(this.redis), closeRedis(this.subscriber)]);
  }

  /** Live presence of `users` (one round trip); entries found stale are deleted in the background. */
  private async lookup(kind: SocketKind, users: readonly string[]): Promise<Map<string, Map<string, Owner>>> {
    if (users.length === 0) return new Map();
    const self = { incarnation: this.incarnation, holds: (k: SocketKind, u: string, r: string, c: string) => this.owned.holds(k, u, r, c) };
    const { live, stale } = await readPresence(this.redis, this.keys, kind, users, self);
    if (stale.length) void this.owned.drop(stale);
    return live;
  }

  private async kickHere(user: string, resource: string, reason: string): Promise<void> {
    const socket = this.hubs.im.get(user, resource);
    const conn = socket && this.owned.connOf(socket);
    if (!kickLocal(this.hubs.im, user, resource, reason) || conn === undefined) return;
    await this.owned.forget('im', user, resource, conn);
  }

  private async publish(nodeId: string, msg: NodeMessage): Promise<void> {
    await this.redis.publish(this.keys.nodeChannel(nodeId), JSON.stringify(msg));
  }

  private onMessage(channel: string, raw: string): void {
    if (this.closed) return;
    try {
      if (channel === this.keys.broadcast()) {
        const r = parseMessage(BroadcastMessage, raw);
        if (!r.ok) return this.log?.warn({ channel, error: r.error }, 'dropped a malformed cluster broadcast');
        const { from, what, ack } = r.value;
        if (from === this.incarnation) return;
        try {
          for (const fn of this.listeners) fn(what as Invalidation);
        } finally {
          if (ack !== undefined) void this.publish(from.slice(0, from.lastIndexOf('|')), { t: 'acked', id: ack }).catch((err: unknown) => this.log?.warn({ err }, 'could not confirm a cluster broadcast'));
        }
        return;
      }
      const r = parseMessage(NodeMessage, raw);
      if (!r.ok) return this.log?.warn({ channel, error: r.error }, 'dropped a malformed cluster message');
      this.handle(r.value);
    } catch (err) {
      this.log?.error({ err, channel }, 'handling a cluster message failed');
    }
  }

  private handle(msg: NodeMessage): void {
    switch (msg.t) {
      case 'users':
        this.hubs[msg.kind].broadcast(msg.users, msg.frame, msg.except);
        return;
      case 'device': {
        const s = this.hubs[msg.kind].get(msg.user, msg.resource);
        if (s) sendFrame(s, msg.frame);
        return;
      }
      case 'kick':
        void this.kickHere(msg.user, msg.resource, msg.reason);
        return;
      case 'acked': {
        const entry = this.awaiting.get(msg.id);
        if (!entry) return;
        entry.answered++;
        if (entry.expected !== undefined && entry.answered >= entry.expected) entry.done();
        return;
      }
      case 'replace': {
        // Only the socket that was registered when the newer one attached: a later reconnect here stays.
        const hub = this.hubs[msg.kind];
        const s = hub.get(msg.user, msg.resource);
        if (!s || this.owned.connOf(s) !== msg.conn) return;
        hub.remove(msg.user, msg.resource, s);
        // The entry in Redis is the new owner's now: forget ours without deleting anything.
        this.owned.release(msg.kind, msg.user, msg.resource, msg.conn);
        closeWith(s, msg.frame, 4002, 'replaced');
        return;
      }
    }
  }
}
