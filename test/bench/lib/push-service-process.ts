/** Starts push-service-child.ts in a child process and talks to it (see there for what it checks). */
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PushStats {
  accepted: number;
  verified: number;
  rejected: number;
  reasons: string[];
  /** Endpoints that received at least one push, and pushes beyond the first per endpoint. */
  distinct: number;
  duplicates: number;
  firstAt: number;
  lastAt: number;
  /** CPU time of the push service process since the last reset. */
  cpuMs: number;
}

export interface Subscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushServiceProcess {
  origin: string;
  ca: string;
  pid: number;
  subscribe(n: number): Promise<Subscription[]>;
  config(c: { vapidKey?: string; verifyEvery?: number }): Promise<void>;
  /** Resolves when `n` pushes have been accepted since the last reset: the wall time then (Date.now() there) and the counts. */
  expect(n: number, timeoutMs: number): Promise<{ at: number; stats: PushStats }>;
  stats(): Promise<PushStats>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'push-service-child.ts');

export async function startPushServiceProcess(): Promise<PushServiceProcess> {
  const child: ChildProcess = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting: { type: string; id?: number; resolve: (m: Record<string, unknown>) => void }[] = [];
  child.on('message', (m: Record<string, unknown>) => {
    const i = waiting.findIndex((w) => w.type === m.type && (w.id === undefined || w.id === m.id));
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(m);
  });
  const next = (type: string, id?: number, timeoutMs = 30_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`push service process: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      waiting.push({ type, ...(id !== undefined ? { id } : {}), resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`push service process exited (${code})`))));
  exited.catch(() => undefined);
  const ready = await Promise.race([next('ready'), exited]);
  let ids = 0;
  const ask = async (msg: Record<string, unknown>, type: string, id?: number, timeoutMs?: number) => {
    const p = next(type, id, timeoutMs);
    child.send(msg);
    return Promise.race([p, exited]);
  };
  return {
    origin: ready.origin as string,
    ca: ready.ca as string,
    pid: ready.pid as number,
    subscribe: async (n) => (await ask({ type: 'subscribe', n }, 'subs')).subs as Subscription[],
    config: async (c) => void (await ask({ type: 'config', ...c }, 'ok')),
    expect: async (n, timeoutMs) => {
      const id = ++ids;
      const m = await ask({ type: 'expect', n, id }, 'reached', id, timeoutMs);
      return { at: m.at as number, stats: m.stats as PushStats };
    },
    stats: async () => (await ask({ type: 'stats' }, 'stats')).stats as PushStats,
    reset: async () => void (await ask({ type: 'reset' }, 'ok')),
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}
