/**
 * Durability: the real server process (tsx src/server/main.ts) is killed with SIGKILL in the
 * middle of a burst; after a restart on the same data folder every message it answered 200 for
 * reaches the recipient.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { call, tempDir, WsClient } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts the server child and resolves with its base URL once it prints the ready line. */
function startChild(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  // node itself runs the server (tsx only as a loader): SIGKILL must hit the server process,
  // not a wrapper that would leave the real server running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--port', '0', '--data', dataDir, '--demo'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolveStart, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ child, url: m[1]! });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function token(base: string, user: string): Promise<string> {
  const r = await call<{ access_token: string }>(base, 'POST', '/token', { body: { grant_type: 'password', username: user, password: user } });
  return r.json.access_token;
}

it('loses no acknowledged message when killed with SIGKILL mid-burst', async () => {
  const dataDir = tempDir('impc-crash-');
  const first = await startChild(dataDir);
  const base = `${first.url}/demo/im`;
  const alice = await token(base, 'alice');
  const acked: string[] = [];
  let killed = false;
  // Four concurrent senders keep requests in flight when the kill lands.
  const sender = async (n: number) => {
    for (let i = 0; !killed && i < 500; i++) {
      try {
        const r = await call<{ data: { bob: string } }>(base, 'POST', '/messages/users', { token: alice, body: { to: ['bob'], type: 'txt', body: { msg: `m${n}-${i}` } } });
        if (r.status === 200) acked.push(r.json.data.bob);
      } catch {
        return; // connection reset by the kill
      }
    }
  };
  const burst = Promise.all([0, 1, 2, 3].map(sender));
  while (acked.length < 150) await new Promise((r) => setTimeout(r, 5));
  const exited = new Promise((r) => first.child.once('exit', r));
  first.child.kill('SIGKILL');
  killed = true;
  await exited;
  await burst;
  expect(acked.length).toBeGreaterThanOrEqual(150);

  const second = await startChild(dataDir);
  const base2 = `${second.url}/demo/im`;
  const bob = await token(base2, 'bob');
  const ws = await WsClient.open(`${base2.replace('http', 'ws')}/ws`);
  ws.send({ op: 'auth', token: bob, resource: 'phone' });
  await ws.next((f) => f.op === 'ready');
  const received = new Set<string>();
  const wanted = new Set(acked);
  while ([...wanted].some((id) => !received.has(id))) {
    const f = await ws.next((x) => x.op === 'msg', 10_000);
    received.add((f.msg as { id: string }).id);
  }
  expect([...wanted].filter((id) => !received.has(id))).toEqual([]);
  await ws.close();
  const stopped = new Promise((r) => second.child.once('exit', r));
  second.child.kill('SIGTERM');
  expect(await stopped).toBe(0);
}, 120_000);
