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
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = expires - now();
    if (left <= 0) {
      if (socket.readyState === socket.OPEN) socket.close(TOKEN_EXPIRED_CODE, 'token expired');
      return;
    }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
