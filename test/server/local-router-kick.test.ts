/**
 * The embedded router closes a replaced or kicked socket with a frame saying why, even while the
 * socket is held for its backlog (a held frame would be dropped by the close). Real sockets on 127.0.0.1.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { LocalRouter } from '../../src/server/cluster/local-router.ts';
import { hold, sendFrame } from '../../src/server/presence/hub.ts';

let wss: WebSocketServer;
let url = '';
beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => wss.close(() => r())));

/** A real connection: the client end's frames and close code, and the server end a route would hold. */
async function connect(): Promise<{ server: WebSocket; frames: unknown[]; closed: Promise<number> }> {
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const ws = new WebSocket(url);
  const frames: unknown[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d))));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  await once(ws, 'open');
  const [server] = await accepted;
  return { server, frames, closed };
}

it('a socket held for its backlog, replaced then another kicked, still gets the frame saying why', async () => {
  const router = new LocalRouter('n1');
  const replaced = { op: 'kicked', reason: 'another connection signed in with the same resource' };
  const first = await connect();
  await router.attach('im', 'ann', 'tab', first.server);
  hold(first.server);
  sendFrame(first.server, { op: 'msg', n: 1 }); // a live frame waiting behind the backlog: in the store, sent again later
  const second = await connect();
  await router.attach('im', 'ann', 'tab', second.server, replaced);
  expect(await first.closed).toBe(4002);
  expect(first.frames).toEqual([replaced]);
  hold(second.server);
  expect(await router.kick('ann', 'tab', 'kicked by an administrator')).toBe(true);
  expect(await second.closed).toBe(4001);
  expect(second.frames).toEqual([{ op: 'kicked', reason: 'kicked by an administrator' }]);
});
