// Failures: error envelopes become PushClientError; idempotent reads retry a bounded number of times.
import { describe, expect, it } from 'vitest';
import { PushClient, PushClientError } from '../../src/client/index.ts';
import { envelope, errorBody, recordingFetch, type Script } from './recording-fetch.ts';

function client(script: Script, opts: { retries?: number; timeoutMs?: number } = {}) {
  const rec = recordingFetch(script);
  const c = new PushClient({ baseUrl: 'http://127.0.0.1:9', appKey: 'demo#im', fetch: rec.fetch, retryDelayMs: 1, ...opts });
  c.setSession('tok', 'alice');
  return { c, calls: rec.calls };
}

const ok = { json: envelope({ data: { language: 'en' } }) };
const rejection = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as PushClientError);

describe('HTTP error envelopes', () => {
  it.each([
    [400, 'illegal_argument', 'ignoreInterval "24:0-1:0": hours must be 0–23'],
    [401, 'auth_bad_access_token', 'the token expired; sign in again'],
    [403, 'service_not_enabled', 'advanced push features are off for this app'],
    [404, 'service_resource_not_found', 'no such group "g9"'],
  ])('%i %s → PushClientError with status, error and error_description, not retried', async (status, error, description) => {
    const { c, calls } = client(() => errorBody(status, error, description));
    const e = await rejection(c.getSilentModeForAll());
    expect(e).toBeInstanceOf(PushClientError);
    expect(e).toMatchObject({ kind: 'http', status, error, error_description: description, message: description });
    expect(calls).toHaveLength(1);
  });

  it('a non-envelope error body still says the status and path', async () => {
    const { c } = client(() => ({ status: 502, text: '<html>bad gateway</html>' }), { retries: 0 });
    await expect(c.getPushPerformLanguage()).rejects.toMatchObject({ kind: 'http', status: 502, error: 'http_error', message: 'HTTP 502 from /demo/im/users/alice/notification/language' });
  });

  it('a 200 that is not JSON is a bad_response', async () => {
    const { c } = client(() => ({ status: 200, text: 'hello' }));
    await expect(c.getPushPerformLanguage()).rejects.toMatchObject({ kind: 'http', error: 'bad_response' });
  });
});

describe('retries', () => {
  it('an idempotent read is retried on 5xx, network errors and timeouts, then succeeds', async () => {
    const { c, calls } = client((_r, i) => [errorBody(503, 'service_unavailable', 'busy'), { networkError: 'ECONNRESET' }, ok][i] ?? ok, { retries: 2 });
    await expect(c.getPushPerformLanguage()).resolves.toEqual({ type: 0, data: { language: 'en' } });
    expect(calls).toHaveLength(3);
  });

  it('gives up after 1 + retries attempts with the last error', async () => {
    const { c, calls } = client(() => errorBody(500, 'internal_error', 'boom'), { retries: 3 });
    await expect(c.getSilentModeForAll()).rejects.toMatchObject({ kind: 'http', status: 500, error: 'internal_error' });
    expect(calls).toHaveLength(4);
  });

  it('the default is 2 retries (3 attempts)', async () => {
    const { c, calls } = client(() => ({ networkError: 'ECONNREFUSED' }));
    await expect(c.getSilentModeForAll()).rejects.toMatchObject({ kind: 'network', status: 0, error: 'network_error', message: expect.stringContaining('cannot reach http://127.0.0.1:9') });
    expect(calls).toHaveLength(3);
  });

  it('settings writes (idempotent PUTs) are retried too', async () => {
    const { c, calls } = client((_r, i) => (i === 0 ? errorBody(503, 'x', 'y') : ok));
    await c.setSilentModeForAll({ options: { paramType: 0, remindType: 'AT' } });
    expect(calls.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    expect(calls[1]!.body).toEqual(calls[0]!.body);
  });

  it('a non-idempotent POST is never retried', async () => {
    const { c, calls } = client(() => errorBody(503, 'service_unavailable', 'busy'), { retries: 3 });
    await expect(c.request({ method: 'POST', path: '/messages/users', body: { to: ['bob'], type: 'txt', body: { msg: 'hi' } }, idempotent: false })).rejects.toMatchObject({ status: 503 });
    expect(calls).toHaveLength(1);
  });

  it('signIn (a POST) is not retried on a network error', async () => {
    const rec = recordingFetch(() => ({ networkError: 'ECONNRESET' }));
    const c = new PushClient({ baseUrl: 'http://127.0.0.1:9', appKey: 'demo#im', fetch: rec.fetch, retries: 3, retryDelayMs: 1 });
    await expect(c.signIn({ username: 'alice', password: 'pw' })).rejects.toMatchObject({ kind: 'network' });
    expect(rec.calls).toHaveLength(1);
    expect(c.accessToken).toBe('');
  });
});

describe('timeouts', () => {
  it('a request that never answers fails with kind timeout after timeoutMs', async () => {
    const { c, calls } = client(() => 'hang', { timeoutMs: 20, retries: 0 });
    const e = await rejection(c.getSilentModeForAll());
    expect(e).toMatchObject({ kind: 'timeout', status: 0, error: 'timeout', message: 'no answer from http://127.0.0.1:9 within 20 ms' });
    expect(calls).toHaveLength(1);
  });

  it('a timed-out read is retried', async () => {
    const { c, calls } = client((_r, i) => (i < 2 ? 'hang' : ok), { timeoutMs: 20, retries: 2 });
    await expect(c.getPushPerformLanguage()).resolves.toEqual({ type: 0, data: { language: 'en' } });
    expect(calls).toHaveLength(3);
  });
});
