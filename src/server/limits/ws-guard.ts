/**
 * WebSocket flood limits (SPEC 7, #4): a handful of frames before `auth`, 100 frames/s sustained
 * over 10 s (a bucket of 1,000 refilled at 100/s), and no reading from a client that does not read
 * its replies. Breaking a limit closes the socket with 1008 and stops reading from it at once, so
 * the frames still on the wire cost nothing.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Frames a socket may send before it is signed in (the auth frame included). */
export const MAX_FRAMES_BEFORE_AUTH = 5;
/** Sustained frames per second, and the burst (10 s of them). */
export const FRAMES_PER_SECOND = 100;
export const FRAME_BURST = 1000;
/** Replies queued for a client past which its socket is not read until they drain. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Bytes sent but not read by a client past which it is closed (its messages wait in the store). */
export const MAX_UNREAD_BYTES = 8 * 1024 * 1024;
/** Time a closed abuser gets for the close handshake before the connection is dropped. */
const CLOSE_GRACE_MS = 1000;

/** The TCP socket under a ws WebSocket (ws keeps it in `_socket`). */
function rawSocket(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}

/** Closes with 1008 and stops reading: nothing more from this client is parsed. */
export function closeForAbuse(socket: WebSocket, reason: string): void {
  if (socket.readyState === socket.CLOSED) return;
  if (socket.readyState === socket.OPEN) socket.close(1008, reason);
  rawSocket(socket)?.pause();
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
}

export interface FrameGuard {
  /** Counts one received frame; false when the socket was closed for it (drop the frame). */
  admit(signedIn: boolean): boolean;
}

/** Guards one socket; `now` is a monotonic clock in ms (a rate is real time, not the app's clock). */
export function guardSocket(socket: WebSocket, now: () => number = () => performance.now()): FrameGuard {
  return new SocketGuard(socket, now);
}

/** A class rather than closures: under tsx each named closure costs a `__name` call per socket (B7). */
class SocketGuard implements FrameGuard {
  private beforeAuth = 0;
  private tokens = FRAME_BURST;
  private at: number;
  private closing = false;
  private paused = false;

  constructor(private readonly socket: WebSocket, private readonly now: () => number) {
    this.at = now();
  }

  admit(signedIn: boolean): boolean {
    if (this.closing) return false;
    if (!signedIn && ++this.beforeAuth > MAX_FRAMES_BEFORE_AUTH)
      return this.close(`more than ${MAX_FRAMES_BEFORE_AUTH} frames before auth`);
    const t = this.now();
    this.tokens = Math.min(FRAME_BURST, this.tokens + (Math.max(0, t - this.at) * FRAMES_PER_SECOND) / 1000);
    this.at = t;
    if (this.tokens < 1) return this.close(`more than ${FRAMES_PER_SECOND} frames per second`);
    this.tokens -= 1;
    // Replies are piling up unread: stop reading this client until its socket drains.
    const raw = rawSocket(this.socket);
    if (!this.paused && raw && this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.paused = true;
      raw.pause();
      raw.once('drain', () => {
        this.paused = false;
        if (!this.closing) raw.resume();
      });
    }
    return true;
  }

  private close(reason: string): false {
    this.closing = true;
    closeForAbuse(this.socket, reason);
    return false;
  }
}
