/**
 * Live connections: IM connections (they make a device online) and push-stream connections
 * (they do not). One socket per (user, resource); a newer one replaces the older.
 */
import type { WebSocket } from 'ws';
import { closeForAbuse, MAX_UNREAD_BYTES } from '../limits/ws-guard.ts';

/** Frames held back for a socket that is still being sent its backlog (see `hold`). */
const held = new WeakMap<WebSocket, unknown[]>();

/**
 * Sends a JSON frame if the socket is open (or queues it while the socket is held); returns whether
 * it was sent. `text` gives the frame's JSON when the caller sends one frame to many sockets.
 */
export function sendFrame(socket: WebSocket, frame: unknown, text?: () => string): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  const queue = held.get(socket);
  if (queue) queue.push(frame);
  else if (unread(socket)) return false;
  else socket.send(text ? text() : JSON.stringify(frame));
  return true;
}

/**
 * One frame's JSON, made when first needed and then reused: a message to a big group goes to
 * every connected member's sockets, and serializing it once per socket cost more than sending.
 */
function frameText(frame: unknown): () => string {
  let text: string | undefined;
  return () => (text ??= JSON.stringify(frame));
}

/**
 * A client that has not read this much of what was sent to it is closed (1008) rather than
 * buffered without end; what it missed is in the store and comes again when it reconnects.
 */
function unread(socket: WebSocket): boolean {
  if (socket.bufferedAmount <= MAX_UNREAD_BYTES) return false;
  closeForAbuse(socket, 'frames are not being read');
  return true;
}

/** Sends a frame now, ahead of any held ones (the backlog of a socket being set up). */
export function sendDirect(socket: WebSocket, frame: unknown): boolean {
  if (socket.readyState !== socket.OPEN || unread(socket)) return false;
  socket.send(JSON.stringify(frame));
  return true;
}

/**
 * The server's last frame to a socket it closes (kicked, replaced): sent at once, even while the
 * socket is held for its backlog. Queued behind the backlog, it would be dropped by the close,
 * and the client would never learn why it was closed.
 */
export function closeWith(socket: WebSocket, frame: unknown, code: number, reason: string): void {
  if (frame !== undefined) sendDirect(socket, frame);
  held.delete(socket);
  socket.close(code, reason);
}

/**
 * Holds live frames for a socket that was just registered while its backlog is read and sent,
 * so a live frame never overtakes the backlog; `release` then sends them, minus `skip`.
 */
export function hold(socket: WebSocket): void {
  held.set(socket, []);
}

export function release(socket: WebSocket, skip: (frame: unknown) => boolean = () => false): void {
  const queue = held.get(socket) ?? [];
  held.delete(socket);
  for (const f of queue) if (!skip(f)) sendFrame(socket, f);
}

/**
 * A socket's start: `register` runs with live frames held, then `ready` goes out, then the backlog
 * oldest first, then the live frames that came meanwhile and are not in the backlog (`idOf`
 * names a frame's message). A live frame never overtakes the backlog; none is lost or doubled.
 */
export async function startWithBacklog(socket: WebSocket, opts: {
  register: () => Promise<void>;
  ready: unknown;
  backlog: () => Promise<readonly unknown[]>;
  idOf: (frame: unknown) => string | undefined;
}): Promise<void> {
  hold(socket);
  try {
    await opts.register();
    sendDirect(socket, opts.ready);
    const sent = new Set<string>();
    for (const frame of await opts.backlog()) {
      const id = opts.idOf(frame);
      if (id !== undefined) sent.add(id);
      sendDirect(socket, frame);
    }
    release(socket, (f) => {
      const id = opts.idOf(f);
      return id !== undefined && sent.has(id);
    });
  } catch (e) {
    // Never leave the socket holding frames (an error frame must reach the client).
    release(socket);
    throw e;
  }
}

const NO_CONNECTIONS: ReadonlyMap<string, WebSocket> = new Map();

export class ConnectionHub {
  private readonly byUser = new Map<string, Map<string, WebSocket>>();

  /** Registers a socket; returns the one it replaces (same user and resource), if any. */
  add(user: string, resource: string, socket: WebSocket): WebSocket | undefined {
    let m = this.byUser.get(user);
    if (!m) this.byUser.set(user, (m = new Map()));
    const old = m.get(resource);
    m.set(resource, socket);
    return old !== socket ? old : undefined;
  }

  /** Removes the socket only if it is still the registered one. */
  remove(user: string, resource: string, socket: WebSocket): void {
    const m = this.byUser.get(user);
    if (m?.get(resource) !== socket) return;
    m.delete(resource);
    if (m.size === 0) this.byUser.delete(user);
  }

  get(user: string, resource: string): WebSocket | undefined {
    return this.byUser.get(user)?.get(resource);
  }

  isOnline(user: string): boolean {
    return (this.byUser.get(user)?.size ?? 0) > 0;
  }

  resources(user: string): ReadonlySet<string> {
    return new Set(this.byUser.get(user)?.keys() ?? []);
  }

  /** The user's live connections by resource (no copy: for hot loops over many users). */
  connections(user: string): ReadonlyMap<string, WebSocket> {
    return this.byUser.get(user) ?? NO_CONNECTIONS;
  }

  /** Sends a frame to every connection of these users except `exceptResource`, serialized once. */
  broadcast(users: readonly string[], frame: unknown, exceptResource?: string): number {
    const text = frameText(frame);
    let n = 0;
    for (const user of users) {
      for (const [resource, socket] of this.byUser.get(user) ?? []) {
        if (resource !== exceptResource && sendFrame(socket, frame, text)) n++;
      }
    }
    return n;
  }

  /** Every socket, for shutdown. */
  all(): WebSocket[] {
    return [...this.byUser.values()].flatMap((m) => [...m.values()]);
  }
}
