/**
 * SPEC 7 WebSocket limits (#4): frames before auth, 100 frames/s sustained (burst 1,000), and a
 * flood from one client must not slow everyone else's HTTP requests.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { FRAME_BURST, guardSocket, MAX_BUFFERED_BYTES } from '../../src/server/limits/ws-guard.ts';
import { call, connectIm, register, signIn, startTestServer, type TestServer, WsClient } from './helpers.ts';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('WebSocket floods', () => {
  it('closes with 1008 a socket that sends more than a handful of frames before auth', async () => {
    s = await startTestServer();
    const c = await WsClient.open(`${s.base.replace('http', 'ws')}/ws`);
    for (let i = 0; i < 20; i++) c.send({ op: 'ping' });
    expect((await c.closed).code).toBe(1008);
  });

  it('closes a flooding socket with 1008 while other clients keep a low HTTP p99', async () => {
    s = await startTestServer({ rateLimit: 0 });
    await register(s, 'ann', 'ben');
    const flooder = await connectIm(s, await signIn(s, 'ann'), 'r1');
    const ben = await signIn(s, 'ben');
    let closedCode = 0;
    void flooder.closed.then((c) => (closedCode = c.code));

    let sent = 0;
    const flood = (async () => {
      const until = Date.now() + 5000;
      const ping = JSON.stringify({ op: 'ping' });
      while (sent < 200_000 && Date.now() < until && flooder.socket.readyState === flooder.socket.OPEN) {
        for (let i = 0; i < 500; i++) flooder.socket.send(ping);
        sent += 500;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const latencies: number[] = [];
    const measure = (async () => {
      const until = Date.now() + 2500;
      while (Date.now() < until) {
        const t0 = performance.now();
        const r = await call(s!.base, 'GET', '/users/ben/push/binding', { token: ben });
        latencies.push(performance.now() - t0);
        expect(r.status).toBe(200);
      }
    })();
    await Promise.all([flood, measure]);
    await flooder.closed;
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    console.log(`flood: ${sent} frames sent, closed with ${closedCode}; other client's GET p99 ${p99.toFixed(1)} ms over ${latencies.length} requests (target < 50 ms)`);
    expect(closedCode).toBe(1008);
    expect(p99).toBeLessThan(250);
  });
});

/** A stand-in for a ws WebSocket: records what the guard does to it. */
function fakeSocket() {
  const raw = Object.assign(new EventEmitter(), { paused: false, pause() { this.paused = true; }, resume() { this.paused = false; } });
  const sock = { OPEN: 1, CLOSED: 3, readyState: 1, bufferedAmount: 0, closedWith: 0, _socket: raw, close(code: number) { this.closedWith = code; this.readyState = 2; }, terminate() { this.readyState = 3; } };
  return { sock, raw, ws: sock as unknown as WebSocket };
}

describe('frame guard', () => {
  it('allows a burst of 1,000 and 100 frames/s sustained, and closes past that', () => {
    let t = 0;
    const { sock, ws } = fakeSocket();
    const g = guardSocket(ws, () => t);
    for (let i = 0; i < FRAME_BURST; i++) expect(g.admit(true)).toBe(true);
    // 100 per second for 20 s keeps it open.
    for (let i = 0; i < 2000; i++) {
      t += 10;
      expect(g.admit(true)).toBe(true);
    }
    // 150 per second runs the bucket dry.
    let admitted = 0;
    for (let i = 0; i < 2000 && g.admit(true); i++, admitted++) t += 1000 / 150;
    expect(sock.closedWith).toBe(1008);
    expect(admitted).toBeLessThan(2000);
  });

  it('stops reading from a client that does not read its replies, until they drain', () => {
    const { sock, raw, ws } = fakeSocket();
    const g = guardSocket(ws, () => 0);
    sock.bufferedAmount = MAX_BUFFERED_BYTES + 1;
    expect(g.admit(true)).toBe(true);
    expect(raw.paused).toBe(true);
    sock.bufferedAmount = 0;
    raw.emit('drain');
    expect(raw.paused).toBe(false);
  });
});

describe('frames a client does not read', () => {
  it('closes the socket with 1008 instead of buffering without end', async () => {
    const { sendFrame } = await import('../../src/server/presence/hub.ts');
    const { MAX_UNREAD_BYTES } = await import('../../src/server/limits/ws-guard.ts');
    const { sock, ws } = fakeSocket();
    const sent: string[] = [];
    Object.assign(sock, { send: (x: string) => sent.push(x) });
    expect(sendFrame(ws, { op: 'msg' })).toBe(true);
    sock.bufferedAmount = MAX_UNREAD_BYTES + 1;
    expect(sendFrame(ws, { op: 'msg' })).toBe(false);
    expect(sent).toHaveLength(1);
    expect(sock.closedWith).toBe(1008);
  });
});
