/**
 * SPEC 9: `POST /{org}/{app}/callbacks/easemob` (gateway mode) receives the upstream's callbacks:
 * checked (shape, app key, a timestamp at most 15 min old and 1 min ahead, the signature in
 * constant time), de-duplicated by callId for 24 h, stored as a job, and answered 200 at once;
 * the decision runs afterwards. `GET /{org}/{app}/callbacks/status` (app token) counts callbacks
 * sent, failed and received.
 */
import type { FastifyInstance } from 'fastify';
import { type CallbackBody, signatureMatches } from '../callbacks/body.ts';
import { CALLBACK_JOB } from '../callbacks/sender.ts';
import type { Context } from '../context.ts';
import { ApiError } from '../errors.ts';
import { EVENT_JOB } from '../gateway/events.ts';
import { ok, requireApp } from './http.ts';

export const MAX_AGE_MS = 15 * 60_000;
export const MAX_AHEAD_MS = 60_000;
export const CALL_ID_KEEP_MS = 24 * 3600_000;
const MAX_PAYLOAD_BYTES = 64 * 1024;

const str = (v: unknown, field: string, max = 256): string => {
  if (typeof v !== 'string' || v.length < 1 || v.length > max) throw new ApiError('illegal_argument', `${field} ${JSON.stringify(v)?.slice(0, 80) ?? 'undefined'}: a string of 1–${max} characters`);
  return v;
};

/** Checks the shape of a received callback (not its signature). */
export function parseCallback(raw: unknown): CallbackBody {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ApiError('illegal_argument', '(body): a JSON object, the callback of the upstream\'s callback rule');
  const b = raw as Record<string, unknown>;
  const timestamp = b.timestamp;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) throw new ApiError('illegal_argument', `timestamp ${JSON.stringify(timestamp)}: milliseconds since the epoch`);
  const payload = b.payload as { bodies?: unknown; ext?: unknown } | undefined;
  if (typeof payload !== 'object' || payload === null || !Array.isArray(payload.bodies) || payload.bodies.some((x) => typeof x !== 'object' || x === null || Array.isArray(x)))
    throw new ApiError('illegal_argument', 'payload: an object with "bodies", an array of message bodies');
  if (payload.ext !== undefined && (typeof payload.ext !== 'object' || payload.ext === null || Array.isArray(payload.ext))) throw new ApiError('illegal_argument', 'payload.ext: an object when present');
  const chatType = b.chat_type;
  if (chatType !== 'chat' && chatType !== 'groupchat' && chatType !== 'chatroom') throw new ApiError('illegal_argument', `chat_type ${JSON.stringify(chatType)}: "chat" or "groupchat"`);
  return {
    callId: str(b.callId, 'callId', 300),
    eventType: str(b.eventType, 'eventType', 64) as CallbackBody['eventType'],
    timestamp,
    chat_type: chatType === 'chat' ? 'chat' : 'groupchat',
    ...(b.group_id !== undefined && b.group_id !== null && b.group_id !== '' ? { group_id: str(b.group_id, 'group_id', 128) } : {}),
    from: str(b.from, 'from', 128).toLowerCase(),
    to: str(b.to, 'to', 128).toLowerCase(),
    msg_id: str(b.msg_id, 'msg_id', 128),
    payload: { bodies: payload.bodies as Record<string, unknown>[], ...(payload.ext ? { ext: payload.ext as Record<string, unknown> } : {}) },
    securityVersion: '1.0.0',
    security: str(b.security, 'security', 128),
    appkey: str(b.appkey, 'appkey', 256),
    host: typeof b.host === 'string' ? b.host.slice(0, 256) : '',
  };
}

export function callbackRoutes(app: FastifyInstance, ctx: Context): void {
  const gw = ctx.gateway;
  if (gw) {
    app.post('/callbacks/easemob', async (req, reply) => {
      const b = parseCallback(req.body);
      if (b.appkey !== gw.cfg.appKey) throw new ApiError('illegal_argument', `appkey "${b.appkey}" is not the app this gateway serves (${gw.cfg.appKey}): point the callback rule of ${gw.cfg.appKey} here.`);
      const now = ctx.config.now();
      if (b.timestamp < now - MAX_AGE_MS || b.timestamp > now + MAX_AHEAD_MS)
        throw new ApiError('illegal_argument', `timestamp ${b.timestamp} is ${b.timestamp < now ? `${Math.round((now - b.timestamp) / 1000)} s old` : `${Math.round((b.timestamp - now) / 1000)} s ahead`}: a callback is accepted up to 15 minutes old and 1 minute ahead (check both clocks).`);
      if (!signatureMatches(b.security, b.callId, gw.cfg.callbackSecret, b.timestamp))
        throw new ApiError('unauthorized', 'security does not match: the callback rule\'s secret must equal --callback-secret.');
      const payload = JSON.stringify(b);
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new ApiError('payload_too_large', `the callback is larger than ${MAX_PAYLOAD_BYTES / 1024} KB`);
      const fresh = await ctx.store.jobs.accept(b.callId, now + CALL_ID_KEEP_MS, { kind: EVENT_JOB, payload, due: now + gw.cfg.decideDelayMs }, now);
      if (fresh) ctx.wakeJobs?.();
      return reply.code(200).send({ result: 'ok', callId: b.callId, ...(fresh ? {} : { duplicate: true }) });
    });
  }

  app.get('/callbacks/status', async (req, reply) => {
    await requireApp(ctx, req);
    const outcomes = await ctx.store.jobs.outcomes();
    const of = (kind: string) => Object.fromEntries(outcomes.filter((o) => o.kind === kind).map((o) => [o.outcome, o.n]));
    const lastError = (kind: string) => outcomes.filter((o) => o.kind === kind && o.last_error).sort((x, y) => y.last_at - x.last_at)[0]?.last_error ?? undefined;
    const [sending, received] = await Promise.all([ctx.store.jobs.pending(CALLBACK_JOB), ctx.store.jobs.pending(EVENT_JOB)]);
    const sent = ctx.config.callback
      ? { url: new URL(ctx.config.callback.url).origin, pending: sending, ...of(CALLBACK_JOB), ...(lastError(CALLBACK_JOB) ? { lastError: lastError(CALLBACK_JOB) } : {}) }
      : undefined;
    const got = gw ? { pending: received, ...of(EVENT_JOB) } : undefined;
    return ok(ctx, req, reply, 'get', { ...(sent ? { sent } : {}), ...(got ? { received: got } : {}) });
  });
}
