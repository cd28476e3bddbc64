/** The embedded router: every socket lives in this process, so presence is the local hubs. */
import type { WebSocket } from 'ws';
import { closeWith, ConnectionHub, sendFrame } from '../presence/hub.ts';
import type { Invalidation, Router, SocketKind } from './router.ts';

export class LocalRouter implements Router {
  readonly hubs: Record<SocketKind, ConnectionHub> = { im: new ConnectionHub(), stream: new ConnectionHub() };
  private readonly listeners: ((what: Invalidation) => void)[] = [];

  constructor(readonly nodeId: string) {}

  async attach(kind: SocketKind, user: string, resource: string, socket: WebSocket, replacedFrame?: unknown): Promise<void> {
    const old = this.hubs[kind].add(user, resource, socket);
    if (old) closeWith(old, replacedFrame, 4002, 'replaced');
  }

  async detach(kind: SocketKind, user: string, resource: string, socket: WebSocket): Promise<void> {
    this.hubs[kind].remove(user, resource, socket);
  }

  async online(kind: SocketKind, users: readonly string[]): Promise<Map<string, ReadonlySet<string>>> {
    return this.onlineNow(kind, users);
  }

  /** Synchronous form, for the embedded fast path. */
  onlineNow(kind: SocketKind, users: readonly string[]): Map<string, ReadonlySet<string>> {
    const hub = this.hubs[kind];
    const out = new Map<string, ReadonlySet<string>>();
    for (const u of users) {
      const c = hub.connections(u);
      if (c.size) out.set(u, new Set(c.keys()));
    }
    return out;
  }

  async toUsers(kind: SocketKind, users: readonly string[], frame: unknown, exceptResource?: string): Promise<void> {
    this.hubs[kind].broadcast(users, frame, exceptResource);
  }

  async toDevice(kind: SocketKind, user: string, resource: string, frame: unknown): Promise<boolean> {
    const s = this.hubs[kind].get(user, resource);
    return s !== undefined && sendFrame(s, frame);
  }

  async kick(user: string, resource: string, reason: string): Promise<boolean> {
    return kickLocal(this.hubs.im, user, resource, reason);
  }

  async invalidate(what: Invalidation): Promise<void> {
    for (const fn of this.listeners) fn(what);
  }

  onInvalidate(fn: (what: Invalidation) => void): void {
    this.listeners.push(fn);
  }

  localSockets(): WebSocket[] {
    return [...this.hubs.im.all(), ...this.hubs.stream.all()];
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

/** Kicks a socket held by this process: `{op:"kicked"}`, forgotten at once (offline now), closed. */
export function kickLocal(hub: ConnectionHub, user: string, resource: string, reason: string): boolean {
  const socket = hub.get(user, resource);
  if (!socket) return false;
  hub.remove(user, resource, socket);
  closeWith(socket, { op: 'kicked', reason }, 4001, 'kicked');
  return true;
}
