/** WebSocket ping every interval; a socket that misses two pongs in a row is terminated (offline). */
import type { WebSocket } from 'ws';

/** Starts the heartbeat; returns a stop function. */
export function startHeartbeat(socket: WebSocket, intervalMs: number): () => void {
  let missed = 0;
  let waiting = false;
  socket.on('pong', () => {
    waiting = false;
    missed = 0;
  });
  const timer = setInterval(() => {
    if (waiting) missed++;
    if (missed >= 2) {
      clearInterval(timer);
      socket.terminate();
      return;
    }
    waiting = true;
    try {
      socket.ping();
    } catch {
      // A socket closing under us; the close handler cleans up.
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
