/**
 * SPEC 9.1: callbacks queued with each message and posted by the jobs worker. No 2xx within the
 * timeout → one retry after `--callback-retry-ms` with the very same body, then counted failed.
 * Logs name the callId, event and outcome; never the secret, the signature or the message text.
 */
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { CallbackConfig } from '../config.ts';
import type { JobHandler } from '../jobs/worker.ts';
import type { ImMessage, NewJob } from '../store/ports.ts';
import { type CallbackBody, callbackBodies } from './body.ts';

export const CALLBACK_JOB = 'callback';

/** The callback jobs of one message (queued in the message's own transaction). */
export function callbackJobs(cfg: CallbackConfig, appKey: string, message: ImMessage, offline: readonly string[], now: number): NewJob[] {
  return callbackBodies({ appKey, secret: cfg.secret, host: hostname() }, message, offline).map((b) => ({ kind: CALLBACK_JOB, payload: JSON.stringify(b), due: now }));
}

/** Posts one queued callback. */
export function callbackHandler(cfg: CallbackConfig, now: () => number, log?: FastifyBaseLogger): JobHandler {
  return async (job) => {
    const { callId, eventType } = JSON.parse(job.payload) as Pick<CallbackBody, 'callId' | 'eventType'>;
    let error: string;
    try {
      const res = await fetch(cfg.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: job.payload, redirect: 'manual', signal: AbortSignal.timeout(cfg.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        log?.info({ callId, eventType, status: res.status, attempt: job.attempts + 1 }, 'callback sent');
        return { outcome: job.attempts === 0 ? 'sent' : 'sent on retry' };
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? `no answer within ${cfg.timeoutMs} ms` : err.cause?.code ?? err.message;
    }
    if (job.attempts === 0) {
      log?.warn({ callId, eventType, error, retryInMs: cfg.retryMs }, 'callback not accepted; retrying once');
      return { retryAt: now() + cfg.retryMs, error };
    }
    log?.warn({ callId, eventType, error }, 'callback failed after its retry');
    return { outcome: 'failed', error };
  };
}
