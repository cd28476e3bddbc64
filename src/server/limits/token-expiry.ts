/**
 * A socket lives no longer than the token it signed in with (#11): at expiry it is closed with
 * 4001 "token expired", so the client signs in again and reconnects (SPEC 3.7 close codes:
 * 4000 no auth frame in time, 4001 bad or expired token, 4003 user token needed, 1008 limits,
 * 1012 node restarting).
 */
import type { WebSocket } from 'ws';

export const TOKEN_EXPIRED_CODE = 4001;
/** setTimeout's longest delay; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Closes `socket` when `expires` (ms since the epoch, by `now`) passes; returns a cancel function. */
export function closeAtExpiry(socket: WebSocket, expires: number, now: () => number): () => void {
  const armed: Armed = { socket, expires, now, timer: undefined };
  arm(armed);
  return () => clearTimeout(armed.timer);
}

interface Armed {
  readonly socket: WebSocket;
  readonly expires: number;
  readonly now: () => number;
  timer: NodeJS.Timeout | undefined;
}

// A module function re-armed with its state, not a closure per socket: under tsx each named
// closure costs a `__name` call, and B7 opens thousands of sockets a second.
function arm(a: Armed): void {
  const left = a.expires - a.now();
  if (left <= 0) {
    if (a.socket.readyState === a.socket.OPEN) a.socket.close(TOKEN_EXPIRED_CODE, 'token expired');
    return;
  }
  a.timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS), a);
  a.timer.unref();
}
