/**
 * Gateway mode (SPEC 9.2) as the options page shows it: "connected through a gateway to
 * ORG#APP" and how copying settings to the user's own app goes. Nothing to set up: the user
 * signs in to the gateway's address with their usual account, so this only asks.
 */
import { PushClientError } from '../../client/index.ts';
import type { GatewayView, MirrorErrorView } from '../../shared/protocol.ts';
import type { Ctx } from './context.ts';
import { isAuthFailure, toProtocolError } from './errors.ts';
import { markExpired, requireClient } from './session.ts';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

export const NOT_A_GATEWAY: GatewayView = { gateway: false, upstreamAppKey: '', mirror: null };

/** The mirroring part of `/users/{me}/gateway/status`, checked field by field; null when unreadable. */
function readMirror(v: unknown): GatewayView['mirror'] {
  const m = isRec(v) && isRec(v.mirror) ? v.mirror : undefined;
  if (!m || typeof m.enabled !== 'boolean') return null;
  const pending = typeof m.pending === 'number' && Number.isFinite(m.pending) && m.pending > 0 ? Math.floor(m.pending) : 0;
  const e = isRec(m.lastError) ? m.lastError : undefined;
  const lastError: MirrorErrorView | undefined =
    e && typeof e.at === 'number' && typeof e.error === 'string' && (e.what === 'app' || e.what === 'language' || e.what === 'conversation')
      ? { at: e.at, what: e.what, error: e.error }
      : undefined;
  return { enabled: m.enabled, pending, ...(lastError ? { lastError } : {}) };
}

/** Asks the server whether it is a gateway and, if so, for this user's mirroring state. */
export async function gatewayStatus(ctx: Ctx): Promise<GatewayView> {
  const { client, session } = await requireClient(ctx);
  try {
    let info: unknown;
    try {
      info = (await client.request({ method: 'GET', path: '/gateway', idempotent: true })).data;
    } catch (e) {
      // A server from before gateway mode has no such endpoint: it is not a gateway.
      if (e instanceof PushClientError && e.status === 404) return NOT_A_GATEWAY;
      throw e;
    }
    if (!isRec(info) || info.gateway !== true) return NOT_A_GATEWAY;
    const upstreamAppKey = typeof info.upstreamAppKey === 'string' && info.upstreamAppKey ? info.upstreamAppKey : session.appKey;
    let mirror: GatewayView['mirror'] = null;
    try {
      const st = (await client.request({ method: 'GET', path: `/users/${encodeURIComponent(session.username)}/gateway/status`, idempotent: true })).data;
      mirror = readMirror(st);
    } catch (e) {
      // The gateway line is worth showing even when the mirroring state cannot be read now.
      if (isAuthFailure(e)) throw e;
    }
    return { gateway: true, upstreamAppKey, mirror };
  } catch (e) {
    if (isAuthFailure(e)) await markExpired(ctx);
    throw toProtocolError(e);
  }
}
