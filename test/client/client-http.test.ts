// The real fetch path, end to end: PushClient against a node:http server on 127.0.0.1 that answers
// with Easemob envelopes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PushClient, PushClientError } from '../../src/client/index.ts';

interface Seen { method: string; url: string; auth: string | undefined; type: string | undefined; body: unknown }

let server: Server;
let base = '';
const seen: Seen[] = [];
let failNext = 0;
let settings: Record<string, unknown> = { type: 'ALL', ignoreInterval: '', ignoreDuration: 0, timeZone: 'UTC' };

const ok = (res: ServerResponse, extra: Record<string, unknown>) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ path: '/x', uri: `${base}/x`, timestamp: Date.now(), organization: 'demo', application: 'im', action: 'x', duration: 0, applicationName: 'im', ...extra }));
};
const fail = (res: ServerResponse, status: number, error: string, description: string) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error, exception: 'x', timestamp: Date.now(), duration: 0, error_description: description }));
};

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
  seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, type: req.headers['content-type'], body });
  const url = new URL(req.url!, base);
  if (url.pathname === '/demo/im/stall-body') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":'); // never finishes
    return;
  }
  if (url.pathname === '/demo/im/cut-body') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"data":');
    setTimeout(() => res.destroy(), 5); // connection lost half-way through the body
    return;
  }
  if (failNext > 0) {
    failNext--;
    return fail(res, 503, 'service_unavailable', 'try again');
  }
  if (req.method === 'POST' && url.pathname === '/demo/im/token') {
    if (body?.password !== 'alice') return fail(res, 400, 'invalid_grant', 'invalid username or password');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: 'real-token', expires_in: 3600, user: { uuid: 'u1', type: 'user', username: 'alice' } }));
    return;
  }
  if (req.headers.authorization !== 'Bearer real-token') return fail(res, 401, 'unauthorized', 'no valid token');
  if (url.pathname === '/demo/im/users/alice/notification/user/alice') {
    if (req.method === 'PUT') settings = { ...settings, ...body };
    return ok(res, { action: req.method!.toLowerCase(), data: settings });
  }
  if (url.pathname === '/demo/im/users/alice/notification/mute/type')
    return ok(res, { data: [{ group: 'g1', value: 'NONE' }], cursor: url.searchParams.get('cursor') ? '' : 'next' });
  return fail(res, 404, 'service_resource_not_found', `no route ${url.pathname}`);
}

beforeAll(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
  failNext = 0;
});

const newClient = (opts: { timeoutMs?: number; retries?: number } = {}) =>
  new PushClient({ baseUrl: base, appKey: 'demo#im', retryDelayMs: 5, ...opts });

describe('PushClient over real HTTP', () => {
  it('signs in, writes and reads settings, pages conversations', async () => {
    const c = newClient();
    await expect(c.signIn({ username: 'alice', password: 'alice' })).resolves.toMatchObject({ type: 0, data: { access_token: 'real-token' } });
    const set = await c.setSilentModeForAll({ options: { paramType: 2, startTime: { hours: 8, minutes: 0 }, endTime: { hours: 12, minutes: 0 }, timeZone: 'Europe/Paris' } });
    expect(set).toEqual({ type: 0, data: { type: 'ALL', ignoreInterval: '8:0-12:0', ignoreDuration: 0, timeZone: 'Europe/Paris' } });
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', url: '/demo/im/users/alice/notification/user/alice', auth: 'Bearer real-token', type: 'application/json', body: { ignoreInterval: '8:0-12:0', timeZone: 'Europe/Paris' } });
    await expect(c.getSilentModeForAll()).resolves.toMatchObject({ data: { ignoreInterval: '8:0-12:0' } });
    const page1 = await c.getSilentModeRemindTypeConversations({ pageSize: 1 });
    expect(page1).toEqual({ type: 0, data: { conversations: [{ group: 'g1', value: 'NONE' }], cursor: 'next' } });
    const page2 = await c.getSilentModeRemindTypeConversations({ pageSize: 1, cursor: 'next' });
    expect(page2.data).toMatchObject({ cursor: '' });
    expect(seen.at(-1)!.url).toBe('/demo/im/users/alice/notification/mute/type?limit=1&cursor=next');
  });

  it('turns error envelopes into PushClientError', async () => {
    const c = newClient();
    await expect(c.signIn({ username: 'alice', password: 'wrong' })).rejects.toMatchObject({ kind: 'http', status: 400, error: 'invalid_grant', error_description: 'invalid username or password' });
    c.setSession('stale', 'alice');
    await expect(c.getSilentModeForAll()).rejects.toMatchObject({ kind: 'http', status: 401, error: 'unauthorized' });
  });

  it('retries a read after a 503, but not a POST', async () => {
    const c = newClient();
    c.setSession('real-token', 'alice');
    failNext = 1;
    await expect(c.getSilentModeForAll()).resolves.toMatchObject({ type: 0 });
    expect(seen).toHaveLength(2);
    seen.length = 0;
    failNext = 1;
    await expect(c.signIn({ username: 'alice', password: 'alice' })).rejects.toMatchObject({ status: 503 });
    expect(seen).toHaveLength(1);
  });

  it('times out when the body never finishes, as a timeout', async () => {
    const c = newClient({ timeoutMs: 50, retries: 1 });
    c.setSession('real-token', 'alice');
    const e = await c.request({ method: 'GET', path: '/stall-body', idempotent: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PushClientError);
    expect(e).toMatchObject({ kind: 'timeout', error: 'timeout' });
    expect(seen).toHaveLength(2); // retried once, as a read
  });

  it('a body cut off half-way is a network error, retried as a read', async () => {
    const c = newClient({ retries: 1 });
    c.setSession('real-token', 'alice');
    await expect(c.request({ method: 'GET', path: '/cut-body', idempotent: true })).rejects.toMatchObject({ kind: 'network', error: 'network_error' });
    expect(seen).toHaveLength(2);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const c = new PushClient({ baseUrl: `http://127.0.0.1:${port}`, appKey: 'demo#im', retries: 1, retryDelayMs: 1 });
    c.setSession('t', 'alice');
    await expect(c.getSilentModeForAll()).rejects.toMatchObject({ kind: 'network', status: 0, error: 'network_error' });
  });
});
