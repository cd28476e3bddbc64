/**
 * Gateway mode in the background (SPEC 9.2): a normal server and an older one (404) are not
 * gateways; a gateway's answers are read field by field. The gateway's two GETs are played by
 * wrapping the real server's fetch (the real pair of processes runs in test/e2e/gateway.test.ts).
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../src/background/handlers/api.ts';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import { makeCtx, type RealServer, type RequestLog, resetBrowser, startServer, stopCtx } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let srv: RealServer;
let ctx: Ctx | undefined;
let log: RequestLog;

const envelope = (data: unknown, status = 200) =>
  new Response(JSON.stringify(status === 200 ? { action: 'get', data } : data), { status, headers: { 'content-type': 'application/json' } });

/** The real server, except for the paths `routes` answers. */
function playing(routes: Record<string, () => Response>): (real: typeof fetch) => typeof fetch {
  return (real) => async (input, init) => {
    const path = new URL(String(input)).pathname;
    const own = routes[path];
    if (own) {
      await real(input, init); // still logged
      return own();
    }
    return real(input, init);
  };
}

async function signedIn(wrapFetch?: (real: typeof fetch) => typeof fetch): Promise<Ctx> {
  ctx = await makeCtx({ log, ...(wrapFetch ? { wrapFetch } : {}) });
  await api.signIn(ctx, { serverUrl: srv.url, appKey: 'demo#im', username: 'alice', password: 'alice' });
  return ctx;
}

beforeEach(async () => {
  resetBrowser();
  log = [];
  srv = await startServer();
});
afterEach(async () => {
  if (ctx) stopCtx(ctx);
  ctx = undefined;
  await srv?.cleanup();
});

describe('getGatewayStatus', () => {
  it('a normal server says it is not a gateway; the mirroring state is not asked', async () => {
    const c = await signedIn();
    expect(await api.getGatewayStatus(c)).toEqual({ gateway: false, upstreamAppKey: '', mirror: null });
    expect(log).toContain('GET /demo/im/gateway');
    expect(log.some((l) => l.includes('/gateway/status'))).toBe(false);
  });

  it('an older server without the endpoint (404) is not a gateway either', async () => {
    const c = await signedIn(playing({ '/demo/im/gateway': () => envelope({ error: 'service_resource_not_found', error_description: 'no such route' }, 404) }));
    expect(await api.getGatewayStatus(c)).toEqual({ gateway: false, upstreamAppKey: '', mirror: null });
  });

  it('a gateway: the upstream app and this user\'s mirroring state, with the last error', async () => {
    const lastError = { at: 1_700_000_000_000, what: 'conversation', error: 'the upstream refused the conversation settings (HTTP 400: x)' };
    const c = await signedIn(playing({
      '/demo/im/gateway': () => envelope({ gateway: true, upstreamAppKey: 'acme#chat', mirrorSettings: true }),
      '/demo/im/users/alice/gateway/status': () => envelope({ upstream: 'acme#chat', mirror: { enabled: true, pending: 3, lastError } }),
    }));
    expect(await api.getGatewayStatus(c)).toEqual({ gateway: true, upstreamAppKey: 'acme#chat', mirror: { enabled: true, pending: 3, lastError } });
    expect(log).toContain('GET /demo/im/users/alice/gateway/status');
  });

  it('unreadable fields are dropped, and a failing status still names the gateway', async () => {
    const c = await signedIn(playing({
      '/demo/im/gateway': () => envelope({ gateway: true, upstreamAppKey: 'acme#chat', mirrorSettings: false }),
      '/demo/im/users/alice/gateway/status': () => envelope({ upstream: 'acme#chat', mirror: { enabled: false, pending: -4, lastError: { at: 'then', what: 'app', error: 'x' } } }),
    }));
    expect(await api.getGatewayStatus(c)).toEqual({ gateway: true, upstreamAppKey: 'acme#chat', mirror: { enabled: false, pending: 0 } });
    stopCtx(c);
    ctx = undefined;
    const d = await signedIn(playing({
      '/demo/im/gateway': () => envelope({ gateway: true, upstreamAppKey: 'acme#chat', mirrorSettings: true }),
      '/demo/im/users/alice/gateway/status': () => envelope({ error: 'server_error', error_description: 'boom' }, 500),
    }));
    expect(await api.getGatewayStatus(d)).toEqual({ gateway: true, upstreamAppKey: 'acme#chat', mirror: null });
  });

  it('a refused token asks for the password again; signed out it is not asked at all', async () => {
    const c = await signedIn(playing({ '/demo/im/gateway': () => envelope({ error: 'auth_bad_access_token', error_description: 'expired' }, 401) }));
    await expect(api.getGatewayStatus(c)).rejects.toMatchObject({ code: 'session_expired' });
    expect((await api.getStatus(c, { tabUrl: '' })).session.expired).toBe(true);
    await api.signOut(c);
    await expect(api.getGatewayStatus(c)).rejects.toMatchObject({ code: 'signed_out' });
  });
});
