/**
 * Push registration (SPEC 5): Web Push with the server's VAPID key when the browser's push
 * service answers in time, else the `stream` certificate and the push stream WebSocket.
 */
import { t } from '../../shared/i18n.ts';
import type { Ctx } from './context.ts';
import type { PushState } from './deps.ts';
import { describe, isAuthFailure, isRetryable, toProtocolError } from './errors.ts';
import { handlePushPayload } from './incoming.ts';
import { deviceResource, getSession, isExpired, markExpired, requireClient } from './session.ts';
import { openStream } from './stream.ts';
import { updateBadge } from './badge.ts';
import { revalidate } from './settings.ts';

export const STREAM_CHECK_ALARM = 'stream-check';
/** While on the stream channel, an alarm re-opens it after the worker was stopped and woken. */
const STREAM_CHECK_EVERY_MIN = 1;
/** Token bound for the stream certificate (the server only needs a non-empty one). */
export const STREAM_TOKEN = 'stream';

interface Certificate {
  readonly name: string;
  readonly type: 'webpush' | 'stream';
  readonly vapidPublicKey?: string;
}

async function setPushState(ctx: Ctx, patch: Partial<PushState>): Promise<void> {
  const old = await ctx.db.get('push');
  await ctx.db.set('push', {
    channel: old?.channel ?? 'none',
    notifierName: old?.notifierName ?? '',
    bound: old?.bound ?? false,
    lastPushAt: old?.lastPushAt ?? 0,
    lastError: old?.lastError ?? '',
    ...patch,
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** Registers this browser for pushes; one registration at a time. */
export function registerPush(ctx: Ctx): Promise<void> {
  ctx.runtime.registering ??= doRegister(ctx).finally(() => {
    ctx.runtime.registering = undefined;
  });
  return ctx.runtime.registering;
}

async function doRegister(ctx: Ctx): Promise<void> {
  const { client } = await requireClient(ctx);
  const resource = await deviceResource(ctx);
  try {
    const certs = (await client.request<Certificate[]>({ method: 'GET', path: '/push/certificates', idempotent: true })).data ?? [];
    const webpush = certs.find((c) => c.type === 'webpush' && c.vapidPublicKey);
    let webpushError = '';
    if (webpush?.vapidPublicKey && ctx.browser.pushSubscribe) {
      // pushManager.subscribe never settles when the push service is unreachable: race it.
      const sub = await withTimeout(ctx.browser.pushSubscribe(webpush.vapidPublicKey), ctx.subscribeTimeoutMs);
      if (sub) {
        try {
          await client.uploadPushToken({ deviceId: resource, deviceToken: JSON.stringify(sub), notifierName: webpush.name });
          ctx.runtime.stream?.stop();
          ctx.runtime.stream = undefined;
          await setPushState(ctx, { channel: 'webpush', notifierName: webpush.name, bound: true, lastError: '' });
          return;
        } catch (e) {
          // The server refused this subscription (e.g. a push service it cannot reach): use the stream.
          if (isAuthFailure(e) || isRetryable(e)) throw e;
          webpushError = describe(e);
        }
      }
    }
    const stream = certs.find((c) => c.type === 'stream');
    if (!stream) {
      await setPushState(ctx, { channel: 'none', bound: false, lastError: 'the server offers no push certificate this browser can use' });
      return;
    }
    await client.uploadPushToken({ deviceId: resource, deviceToken: STREAM_TOKEN, notifierName: stream.name });
    await setPushState(ctx, { channel: 'stream', notifierName: stream.name, bound: true, lastError: webpushError });
    await ensureStream(ctx);
  } catch (e) {
    if (isAuthFailure(e)) await markExpired(ctx);
    await setPushState(ctx, { lastError: describe(e) });
    throw toProtocolError(e);
  }
}

/** Keeps the push stream open when the stream channel is bound (after a worker restart too). */
export async function ensureStream(ctx: Ctx): Promise<void> {
  const state = await ctx.db.get('push');
  const session = await getSession(ctx);
  if (!session || isExpired(session, ctx.now()) || state?.channel !== 'stream' || !state.bound) return;
  if (ctx.runtime.stream) return;
  const resource = await deviceResource(ctx);
  await ctx.browser.setAlarm(STREAM_CHECK_ALARM, ctx.now() + STREAM_CHECK_EVERY_MIN * 60_000, STREAM_CHECK_EVERY_MIN);
  ctx.runtime.stream = openStream(ctx, session, resource, {
    onPush: async (payload) => {
      await handlePushPayload(ctx, payload);
    },
    onSettingsEvent: () => void revalidate(ctx, true),
    onAuthFailure: () => {
      void markExpired(ctx).then(() => updateBadge(ctx));
    },
    onStateChange: (_connected, error) => {
      if (error) void setPushState(ctx, { lastError: error });
    },
  });
}

/** Removes this browser's push binding on the server (best effort, before sign-out). */
export async function unbindPush(ctx: Ctx): Promise<void> {
  const state = await ctx.db.get('push');
  ctx.runtime.stream?.stop();
  ctx.runtime.stream = undefined;
  await ctx.browser.setAlarm(STREAM_CHECK_ALARM, null);
  if (!state?.bound || !state.notifierName) return;
  try {
    const { client } = await requireClient(ctx);
    await client.uploadPushToken({ deviceId: await deviceResource(ctx), deviceToken: '', notifierName: state.notifierName });
  } catch {
    // Signed out anyway; the server drops a binding whose token it cannot use.
  }
  await setPushState(ctx, { bound: false });
}

/** Asks the server to send a test push to every binding of this user. */
export async function sendTestPush(ctx: Ctx): Promise<{ sent: boolean; reason: string }> {
  const { client, session } = await requireClient(ctx);
  try {
    const res = await client.request<{ sent?: unknown; devices?: unknown[] }>({
      method: 'POST',
      path: `/users/${encodeURIComponent(session.username)}/push/test`,
      body: {},
      idempotent: false,
    });
    const sent = res.data?.sent;
    const ok = sent === true || (typeof sent === 'number' && sent > 0);
    return { sent: ok, reason: ok ? '' : t('bgTestPushNotSent') };
  } catch (e) {
    if (isAuthFailure(e)) await markExpired(ctx);
    throw toProtocolError(e);
  }
}
