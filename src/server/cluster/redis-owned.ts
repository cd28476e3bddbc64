/**
 * The presence entries this node wrote and still stands behind, one per socket it holds. An
 * entry's value names the socket (`node|boot.n`), so Redis deletes it only while it still
 * names that socket: a replaced socket closing late never erases its successor.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { WebSocket } from 'ws';
import type { RouterLog } from './redis-connect.ts';
import { incarnationOf, ownerValue, type RedisKeys } from './redis-keys.ts';
import { dropEntries, execChecked, type StaleEntry } from './redis-presence.ts';
import type { SocketKind } from './router.ts';

interface Entry {
  kind: SocketKind;
  user: string;
  resource: string;
  conn: string;
}

const keyOf = (kind: SocketKind, user: string, resource: string) => JSON.stringify([kind, user, resource]);

export class OwnedEntries {
  private readonly entries = new Map<string, Entry>();
  private readonly conns = new WeakMap<WebSocket, string>();
  /** Deletions that failed (Redis away): retried after each heartbeat. */
  private pending: StaleEntry[] = [];
  private counter = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly node: { nodeId: string; boot: string },
    private readonly log?: RouterLog,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Takes the device's entry for a new socket; returns the value to write in Redis. */
  add(kind: SocketKind, user: string, resource: string, socket: WebSocket): string {
    const conn = `${this.node.boot}.${(++this.counter).toString(36)}`;
    this.conns.set(socket, conn);
    this.entries.set(keyOf(kind, user, resource), { kind, user, resource, conn });
    return ownerValue(this.node.nodeId, conn);
  }

  connOf(socket: WebSocket): string | undefined {
    return this.conns.get(socket);
  }

  /** Whether `conn` is still this node's socket for the device (an entry of ours naming another is stale). */
  holds(kind: SocketKind, user: string, resource: string, conn: string): boolean {
    return this.entries.get(keyOf(kind, user, resource))?.conn === conn;
  }

  /** Stops standing behind the entry without touching Redis: another node owns the device now. */
  release(kind: SocketKind, user: string, resource: string, conn: string): void {
    if (this.holds(kind, user, resource, conn)) this.entries.delete(keyOf(kind, user, resource));
  }

  /** Forgets the socket's entry and deletes it in Redis if it still names that socket. */
  async forget(kind: SocketKind, user: string, resource: string, conn: string): Promise<void> {
    if (!this.holds(kind, user, resource, conn)) return;
    this.entries.delete(keyOf(kind, user, resource));
    await this.drop([{ key: this.keys.presence(kind, user), field: resource, value: ownerValue(this.node.nodeId, conn) }]);
  }

  /** Compare-and-deletes entries; on failure keeps them for `retry()` (never throws). */
  async drop(entries: StaleEntry[]): Promise<void> {
    try {
      await dropEntries(this.redis, entries);
    } catch (err) {
      this.pending.push(...entries);
      this.log?.warn({ err, node: this.node.nodeId, entries: entries.length }, 'could not delete presence entries; retrying at the next heartbeat');
    }
  }

  async retry(): Promise<void> {
    if (this.pending.length === 0) return;
    const again = this.pending;
    this.pending = [];
    await this.drop(again);
  }

  /**
   * This node had expired (Redis away longer than the TTL), so other nodes may have deleted its
   * entries as stale: writes back those missing, never over a newer owner.
   */
  async restore(): Promise<void> {
    if (this.entries.size === 0) return;
    const p = this.redis.pipeline();
    const held = this.keys.held(incarnationOf(this.node.nodeId, this.node.boot));
    for (const e of this.entries.values()) {
      p.hsetnx(this.keys.presence(e.kind, e.user), e.resource, ownerValue(this.node.nodeId, e.conn));
      p.sadd(held, this.keys.presence(e.kind, e.user));
    }
    await execChecked(p);
  }

  /** Queues the deletion of every entry on `p` (leaving the cluster) and forgets them all. */
  dropAll(p: ChainableCommander): void {
    for (const e of this.entries.values()) p.impcCompareDel(this.keys.presence(e.kind, e.user), e.resource, ownerValue(this.node.nodeId, e.conn));
    this.entries.clear();
  }
}
