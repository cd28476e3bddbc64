/**
 * Names in Redis for cluster mode, all under one prefix (SPEC 8), and the presence entry value
 * `${nodeId}|${connId}` that says which socket holds a device. `connId` is `${boot}.${n}`: the
 * boot id tells a node's entries from those its previous life (same node id) left behind.
 */
import type { SocketKind } from './router.ts';

export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** Hash of resource → owner value, one per (kind, user). */
  presence(kind: SocketKind, user: string): string {
    return `${this.prefix}p:${kind}:${user}`;
  }

  /** Set with PX by the node's heartbeat; gone within the TTL once the node stops. */
  alive(nodeId: string): string {
    return `${this.prefix}node:${nodeId}:alive`;
  }

  /** Sorted set of node incarnations (`nodeId|boot`) scored by the Redis time their TTL ends. */
  nodes(): string {
    return `${this.prefix}nodes`;
  }

  /** Where frames for sockets held by a node are published. */
  nodeChannel(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }

  /**
   * Set of the presence hashes an incarnation (`nodeId|boot`) wrote to. Presence hashes have no
   * TTL (a live socket has no deadline), so when the incarnation dies this says where its entries
   * are, and a live node sweeps them (redis-sweep.ts) even for users nobody looks up again.
   */
  held(incarnation: string): string {
    return `${this.prefix}held:${incarnation}`;
  }

  /** Set of incarnations found expired whose entries are still to be swept. */
  dead(): string {
    return `${this.prefix}dead`;
  }

  /** Every node listens here (cache invalidation). */
  broadcast(): string {
    return `${this.prefix}all`;
  }
}

/** A parsed presence entry: which node (and which life of it) holds the socket. */
export interface Owner {
  /** The raw value, for compare-and-delete. */
  value: string;
  nodeId: string;
  connId: string;
  /** `nodeId|boot`: alive while it is in the nodes set with a future score. */
  incarnation: string;
}

/** A node's life: `${nodeId}|${boot}` (the boot id is new at every start). */
export function incarnationOf(nodeId: string, boot: string): string {
  return `${nodeId}|${boot}`;
}

export function ownerValue(nodeId: string, connId: string): string {
  return `${nodeId}|${connId}`;
}

/** Parses `${nodeId}|${boot}.${n}`; undefined for anything else (treated as stale). */
export function parseOwner(value: string): Owner | undefined {
  const bar = value.lastIndexOf('|');
  if (bar <= 0) return undefined;
  const nodeId = value.slice(0, bar);
  const connId = value.slice(bar + 1);
  const dot = connId.indexOf('.');
  if (dot <= 0 || dot === connId.length - 1) return undefined;
  return { value, nodeId, connId, incarnation: incarnationOf(nodeId, connId.slice(0, dot)) };
}
