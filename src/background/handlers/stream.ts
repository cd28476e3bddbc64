/**
 * The push stream (SPEC 4): a WebSocket for browsers without a reachable push service.
 * Authenticates, shows and acks pushes, refreshes settings on multi-device events, pings every
 * 20 s (which also keeps the MV3 worker alive) and reconnects with exponential backoff.
 */
import type { StreamClientFrame } from '../../core/index.ts';
import type { Ctx, StreamHandle } from './context.ts';
import type { SocketLike, StoredSession } from './deps.ts';

export const PING_MS = 20_000;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

export interface StreamCallbacks {
  onPush(payload: unknown): Promise<void>;
  onSettingsEvent(): void;
  onAuthFailure(): void;
  onStateChange(connected: boolean, error: string): void;
}

/** The stream URL: ws(s)://host/{org}/{app}/push/stream. */
export function streamUrl(serverUrl: string, appKey: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const [org, app] = appKey.split('#') as [string, string];
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(org)}/${encodeURIComponent(app)}/push/stream`;
  return url.toString();
}

/** Opens and keeps one push stream connection until stopped. */
export function openStream(ctx: Ctx, session: StoredSession, deviceId: string, cb: StreamCallbacks): StreamHandle {
  let socket: SocketLike | undefined;
  let connected = false;
  let stopped = false;
  let backoff = FIRST_BACKOFF_MS;
  let ping: ReturnType<typeof setInterval> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const send = (frame: StreamClientFrame) => {
    try {
      socket?.send(JSON.stringify(frame));
    } catch {
      // A send on a closing socket: the close handler reconnects.
    }
  };

  const connect = () => {
    if (stopped) return;
    let s: SocketLike;
    try {
      s = ctx.browser.openSocket(streamUrl(session.serverUrl, session.appKey));
    } catch (e) {
      cb.onStateChange(false, e instanceof Error ? e.message : String(e));
      scheduleReconnect();
      return;
    }
    socket = s;
    s.onopen = () => send({ op: 'auth', token: session.token, device_id: deviceId });
    s.onmessage = (ev) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(String(ev.data)) as Record<string, unknown>;
      } catch {
        return;
      }
      if (frame.op === 'ready') {
        connected = true;
        backoff = FIRST_BACKOFF_MS;
        cb.onStateChange(true, '');
        clearInterval(ping);
        ping = setInterval(() => send({ op: 'ping' }), PING_MS);
      } else if (frame.op === 'push') {
        const payload = frame.push as { m?: unknown } | undefined;
        void cb.onPush(payload).finally(() => {
          if (typeof payload?.m === 'string') send({ op: 'ack', m: payload.m });
        });
      } else if (frame.op === 'event') {
        cb.onSettingsEvent();
      } else if (frame.op === 'error') {
        const code = String(frame.error ?? '');
        if (code === 'auth_bad_access_token' || code === 'unauthorized') {
          stopped = true;
          cb.onAuthFailure();
        }
        cb.onStateChange(false, String(frame.error_description ?? frame.error ?? 'stream error'));
      }
    };
    s.onerror = () => undefined;
    s.onclose = () => {
      if (socket !== s) return;
      connected = false;
      clearInterval(ping);
      socket = undefined;
      if (!stopped) {
        cb.onStateChange(false, '');
        scheduleReconnect();
      }
    };
  };

  const scheduleReconnect = () => {
    if (stopped) return;
    clearTimeout(retry);
    retry = setTimeout(connect, backoff);
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
  };

  connect();
  return {
    get connected() {
      return connected;
    },
    stop() {
      stopped = true;
      connected = false;
      clearInterval(ping);
      clearTimeout(retry);
      const s = socket;
      socket = undefined;
      try {
        s?.close();
      } catch {
        // Already closed.
      }
    },
  };
}
