/**
 * Presence and routing (SPEC 8): where every device's socket is, cluster-wide, and how a frame
 * reaches it. The embedded server uses `LocalRouter` (sockets in this process only); cluster
 * mode uses the Redis router (presence with per-node TTL, frames published to the node that
 * holds the socket). Routes and the push pipeline see only this interface.
 */
import type { WebSocket } from 'ws';

/** IM connections make a device online; push streams do not. */
export type SocketKind = 'im' | 'stream';

/**
 * Settings or bindings that changed, or a token (by its sha256 hash) taken out of the store
 * before its expiry: every node drops its cached copy.
 */
export type Invalidation = { user?: string; conversation?: { scope: 'user' | 'chatgroup'; id: string }; bindingsOf?: string; token?: string; meta?: true };

export interface Router {
  /** This node's name (logs, presence, trace). */
  readonly nodeId: string;
  /**
   * Registers a socket that just authenticated. A socket of the same (kind, user, resource)
   * anywhere in the cluster is replaced: it gets `replacedFrame` (when given) and is closed.
   */
  attach(kind: SocketKind, user: string, resource: string, socket: WebSocket, replacedFrame?: unknown): Promise<void>;
  /** Forgets a socket that closed (only if it is still the registered one). */
  detach(kind: SocketKind, user: string, resource: string, socket: WebSocket): Promise<void>;
  /** The resources of each user with a live socket of `kind`, cluster-wide, in one round trip. */
  online(kind: SocketKind, users: readonly string[]): Promise<Map<string, ReadonlySet<string>>>;
  /** Sends a frame to every socket of `kind` of each user (except one resource, for the sender's own). */
  toUsers(kind: SocketKind, users: readonly string[], frame: unknown, exceptResource?: string): Promise<void>;
  /** Sends a frame to one device's socket; false when the cluster has no such socket. */
  toDevice(kind: SocketKind, user: string, resource: string, frame: unknown): Promise<boolean>;
  /** Closes a device's IM socket with `{op:"kicked"}`; false when it was not connected. */
  kick(user: string, resource: string, reason: string): Promise<boolean>;
  /** Tells every node (this one included) to drop cached rows. */
  invalidate(what: Invalidation): Promise<void>;
  /** Called on every node for each invalidation (set by the app). */
  onInvalidate(fn: (what: Invalidation) => void): void;
  /** Sockets held by this node (for draining and shutdown). */
  localSockets(): WebSocket[];
  /** A cheap round trip, for /ready; throws when the backing service does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
