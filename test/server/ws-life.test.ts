/**
 * SPEC 3.7 and 7: the life of a client socket (routes/ws-session.ts), on the IM connection — the
 * push stream runs the same code. The auth deadline, frames before and during auth, a second auth,
 * refused tokens, frames that pile up behind a slow answer, a frame whose handling fails, a close
 * while the token is checked, and a broken WebSocket frame. Slow answers are made by holding the
 * server's own token lookup or ack until the test lets them go, so no wall-clock race decides.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectIm, eventually, register, signIn, startTestServer, type TestServer, WsClient } from './helpers.ts';

const AUTH_TIMEOUT_MS = 300;
let s: TestServer;
let token: string;

beforeAll(async () => {
  s = await startTestServer({ authTimeoutMs: AUTH_TIMEOUT_MS });
  await register(s, 'lea');
  token = await signIn(s, 'lea');
});
afterAll(async () => {
  await s.close();
});
afterEach(() => vi.restoreAllMocks());

const open = () => WsClient.open(`${s.base.replace('http', 'ws')}/ws`);
const auth = (resource = 'desk', t = token) => ({ op: 'auth', token: t, resource });

/** Holds every node's `obj[method]` until `release()`; `entered` resolves when the first call arrives. */
function hold<T extends object>(objs: T[], method: keyof T & string) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const reached = new Promise<void>((r) => (entered = r));
  for (const obj of objs) {
    const original = (obj[method] as (...a: unknown[]) => Promise<unknown>).bind(obj);
    vi.spyOn(obj, method as never).mockImplementation((async (...a: unknown[]) => {
      entered();
      await gate;
      return original(...a);
    }) as never);
  }
  return { reached, release };
}

/** Server-side sockets still open, over every node. */
const serverSockets = () => s.nodes.reduce((n, node) => n + (node.app as unknown as { websocketServer: { clients: Set<unknown> } }).websocketServer.clients.size, 0);

describe('the auth deadline', () => {
  it('a socket that sends no auth frame in time is closed with 4000 "no auth frame"', async () => {
    const c = await open();
    expect(await c.closed).toEqual({ code: 4000, reason: 'no auth frame' });
  });

  it('a socket signed in before the deadline stays open past it', async () => {
    const c = await connectIm(s, token, 'past-deadline');
    await new Promise((r) => setTimeout(r, AUTH_TIMEOUT_MS * 2));
    c.send({ op: 'ping' });
    expect(await c.next((f) => f.op === 'pong')).toEqual({ op: 'pong' });
    expect(c.socket.readyState).toBe(c.socket.OPEN);
    await c.close();
  });
});

describe('frames around auth', () => {
  it('a frame before auth is answered "unauthorized", naming the auth frame to send', async () => {
    const c = await open();
    c.send({ op: 'ack', id: 'm1' });
    expect(await c.next()).toEqual({ op: 'error', error: 'unauthorized', error_description: 'send {"op":"auth","token","resource"} first' });
    c.send({ op: 'ping' });
    expect(await c.next()).toEqual({ op: 'pong' });
    await c.close();
  });

  it('a second auth is refused as "already signed in", and the session goes on', async () => {
    const c = await connectIm(s, token, 'twice');
    c.send(auth('twice'));
    expect(await c.next((f) => f.op === 'error')).toEqual({
      op: 'error', error: 'illegal_argument', error_description: 'frame.op "auth": the IM connection is already signed in',
    });
    c.send({ op: 'ping' });
    expect(await c.next((f) => f.op === 'pong')).toEqual({ op: 'pong' });
    await c.close();
  });

  it('an unknown token gets auth_bad_access_token, then close 4001 "bad token"', async () => {
    const c = await open();
    c.send(auth('desk', 'not-a-token'));
    expect(await c.next()).toEqual({ op: 'error', error: 'auth_bad_access_token', error_description: 'Unknown access token: sign in again to get a new one.' });
    expect(await c.closed).toEqual({ code: 4001, reason: 'bad token' });
  });

  it('an app token gets forbidden, then close 4003 "user token needed"', async () => {
    const c = await open();
    c.send(auth('desk', s.appToken));
    expect(await c.next()).toEqual({ op: 'error', error: 'forbidden', error_description: 'the IM connection needs a user token' });
    expect(await c.closed).toEqual({ code: 4003, reason: 'user token needed' });
  });

  it('frames sent while the token is being checked are not "before auth": six pings after it all get answers', async () => {
    const held = hold(s.nodes.map((n) => n.ctx.auth), 'tokenOwner');
    const c = await open();
    c.send(auth('during'));
    await held.reached;
    for (let i = 0; i < 6; i++) c.send({ op: 'ping' });
    await new Promise((r) => setTimeout(r, 50)); // the pings are read by the server before the lookup answers
    held.release();
    await c.next((f) => f.op === 'ready');
    for (let i = 0; i < 6; i++) await c.next((f) => f.op === 'pong');
    expect(c.socket.readyState).toBe(c.socket.OPEN);
    await c.close();
  });

  it('a failure inside the token lookup is an internal_error frame, not a refused token: the socket stays and a later auth works', async () => {
    const failure = new Error('store unreachable');
    const lookups = s.nodes.map((n) => vi.spyOn(n.ctx.auth, 'tokenOwner').mockRejectedValueOnce(failure));
    const logs = s.nodes.map((n) => vi.spyOn(n.app.log, 'error'));
    const c = await open();
    c.send(auth('flaky'));
    expect(await c.next()).toEqual({ op: 'error', error: 'internal_error', error_description: 'the server could not handle this frame' });
    expect(lookups.some((l) => l.mock.calls.length > 0)).toBe(true);
    expect(logs.flatMap((l) => l.mock.calls)).toEqual([[{ err: failure }, 'the IM connection: frame handling failed']]);
    vi.restoreAllMocks();
    c.send(auth('flaky'));
    expect(await c.next()).toMatchObject({ op: 'ready', resource: 'flaky' });
    await c.close();
  });

  it('a socket closed while its token is checked leaves no presence behind', async () => {
    const before = serverSockets();
    const held = hold(s.nodes.map((n) => n.ctx.auth), 'tokenOwner');
    const c = await open();
    c.send(auth('gone'));
    await held.reached;
    await c.close();
    await eventually(() => serverSockets() === before || undefined, 5000, 'the server saw the close');
    held.release();
    // The sign-in finishes after the close: whatever it registered is taken down again.
    await eventually(async () => ((await s.server.ctx.router.online('im', ['lea'])).get('lea')?.has('gone') ? undefined : true), 5000, 'no presence for "gone"');
    // Stays so: not a presence that is removed and then registered again.
    await new Promise((r) => setTimeout(r, 100));
    expect((await s.server.ctx.router.online('im', ['lea'])).get('lea')?.has('gone') ?? false).toBe(false);
  });
});

describe('cleanup', () => {
  it('a cleanup that fails on close is logged, and the server goes on', async () => {
    const failure = new Error('presence store unreachable');
    const detach = s.nodes.map((n) => vi.spyOn(n.ctx.router, 'detach').mockRejectedValueOnce(failure));
    const logs = s.nodes.map((n) => vi.spyOn(n.app.log, 'error'));
    const c = await connectIm(s, token, 'cleanup');
    await c.close();
    await eventually(() => (logs.some((l) => l.mock.calls.length > 0) ? true : undefined), 5000, 'the failure logged');
    expect(detach.some((d) => d.mock.calls.length > 0)).toBe(true);
    expect(logs.flatMap((l) => l.mock.calls)).toEqual([[{ err: failure }, 'the IM connection: cleanup failed']]);
    vi.restoreAllMocks();
    const again = await connectIm(s, token, 'cleanup');
    await again.close();
  });
});

describe('cleanup of a socket closed while it is still being set up', () => {
  it('runs once the setup ends, and a failure there is logged as a cleanup failure, with no frame sent', async () => {
    const backlog = hold(s.nodes.map((n) => n.ctx.messages), 'backlog');
    const failure = new Error('presence store unreachable');
    const detach = s.nodes.map((n) => vi.spyOn(n.ctx.router, 'detach').mockRejectedValueOnce(failure));
    const logs = s.nodes.map((n) => vi.spyOn(n.app.log, 'error'));
    // ready goes out before the backlog is read: the client closes while the server still reads it.
    const c = await connectIm(s, token, 'setup');
    await backlog.reached;
    await c.close();
    await eventually(() => (serverSockets() === 0 ? true : undefined), 5000, 'the server side closed');
    backlog.release();
    await eventually(() => (logs.some((l) => l.mock.calls.length > 0) ? true : undefined), 5000, 'the failure logged');
    expect(detach.some((d) => d.mock.calls.length > 0)).toBe(true);
    expect(logs.flatMap((l) => l.mock.calls)).toEqual([[{ err: failure }, 'the IM connection: cleanup failed']]);
    vi.restoreAllMocks();
  });
});

describe('frames waiting for an answer', () => {
  it('256 frames may wait behind a slow answer; each is answered once it comes, and the count goes back down', async () => {
    const c = await connectIm(s, token, 'queue');
    // ready goes out before the backlog is read, and the auth frame counts as waiting until then:
    // a pong says the sign-in is over, so the 256 below are all that wait.
    c.send({ op: 'ping' });
    await c.next((f) => f.op === 'pong');
    const held = hold(s.nodes.map((n) => n.ctx.messages), 'ack');
    c.send({ op: 'ack', id: 'no-such-message' });
    for (let i = 0; i < 255; i++) c.send({ op: 'ping' });
    await held.reached;
    await new Promise((r) => setTimeout(r, 50));
    held.release();
    await c.next((f) => f.op === 'error');
    for (let i = 0; i < 255; i++) await c.next((f) => f.op === 'pong');
    // Answered frames no longer count: another full queue's worth is fine.
    for (let i = 0; i < 256; i++) c.send({ op: 'ping' });
    for (let i = 0; i < 256; i++) await c.next((f) => f.op === 'pong');
    expect(c.socket.readyState).toBe(c.socket.OPEN);
    await c.close();
  }, 20_000); // ~770 round trips, through two nodes in the cluster run: slow on a loaded 2-core machine

  it('the 257th frame waiting closes the socket with 1008', async () => {
    const c = await connectIm(s, token, 'flood');
    const held = hold(s.nodes.map((n) => n.ctx.messages), 'ack');
    c.send({ op: 'ack', id: 'no-such-message' });
    for (let i = 0; i < 256; i++) c.send({ op: 'ping' });
    expect(await c.closed).toEqual({ code: 1008, reason: 'too many frames waiting for an answer' });
    held.release();
  });
});

describe('a broken WebSocket frame', () => {
  it('text that is not UTF-8 closes that socket with 1007; the server goes on', async () => {
    const c = await connectIm(s, token, 'bytes');
    c.socket.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
    expect((await c.closed).code).toBe(1007);
    const again = await connectIm(s, token, 'bytes');
    again.send({ op: 'ping' });
    expect(await again.next((f) => f.op === 'pong')).toEqual({ op: 'pong' });
    await again.close();
  });
});
