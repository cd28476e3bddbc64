/** SPEC 8: /health while the process is up; /ready names each check, and answers 503 while the node drains. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { call, register, signIn, startTestServer, type TestServer, WsClient } from './helpers.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

it('answers /health and /ready with the node and each check', async () => {
  const health = await call(s.url, 'GET', '/health');
  expect(health.status).toBe(200);
  const ready = await call<{ ready: boolean; node: string; checks: Record<string, string> }>(s.url, 'GET', '/ready');
  expect(ready.status).toBe(200);
  expect(ready.json.ready).toBe(true);
  expect(ready.json.node).toBe(s.server.ctx.config.nodeId);
  expect(ready.json.checks[s.server.ctx.store.engine]).toBe('ok');
  if (s.nodes.length > 1) expect(ready.json.checks.redis).toBe('ok');
});

it('while draining: sockets closed with 1012, /ready 503 naming why, then the port closes', async () => {
  const t = await startTestServer();
  try {
    await register(t, 'dora');
    // On the node that drains (in cluster runs `t.base` alternates between nodes).
    const ws = await WsClient.open(`${t.url.replace('http', 'ws')}/demo/im/ws`);
    ws.send({ op: 'auth', token: await signIn(t, 'dora'), resource: 'phone' });
    await ws.next((f) => f.op === 'ready');
    const draining = t.server.drain(1500);
    expect((await ws.closed).code).toBe(1012);
    const r = await call<{ ready: boolean; checks: Record<string, string> }>(t.url, 'GET', '/ready');
    expect(r.status).toBe(503);
    expect(r.json.checks.node).toMatch(/draining/);
    expect((await call(t.url, 'GET', '/health')).status).toBe(200);
    await draining;
    await expect(fetch(`${t.url}/health`)).rejects.toThrow();
  } finally {
    await t.close();
  }
});
