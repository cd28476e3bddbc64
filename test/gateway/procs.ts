/**
 * Server processes on loopback for the gateway tests (SPEC 9): `node --import tsx
 * src/server/main.ts` on its own SQLite data folder (or, under IMPC_TEST_ENGINE=cluster, its
 * own PostgreSQL schema and Redis prefix), so SIGKILL hits the server itself and a restart
 * keeps its data and port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DATABASE_URL, dropIsolation, REDIS_URL } from '../support/services.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLUSTER = process.env.IMPC_TEST_ENGINE === 'cluster';

export interface Proc {
  name: string;
  child: ChildProcess;
  port: number;
  url: string;
  /** url + /demo/im */
  base: string;
  output(): string;
}

export interface ProcSpec {
  name: string;
  port: number;
  flags: string[];
  env: Record<string, string>;
}

const started: ChildProcess[] = [];

/** Folders made by `tempDir`, removed by `killAllProcs`. */
const madeDirs: string[] = [];

/** A fresh temporary folder (not test/server/helpers.ts: it registers vitest hooks, and the bench runs outside vitest). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

/** A port free right now (for a process that must be known before it starts, or restart on the same one). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

/** A spec with its own data (folder, or schema and prefix) and client credentials. */
export async function procSpec(name: string, flags: string[], env: Record<string, string> = {}): Promise<ProcSpec> {
  const id = randomBytes(4).toString('hex');
  const store: { flags: string[]; env: Record<string, string> } = CLUSTER
    ? { flags: ['--postgres', DATABASE_URL, '--redis', REDIS_URL], env: { DATABASE_SCHEMA: `gw_${name}_${id}`, REDIS_PREFIX: `gw:${name}:${id}:` } }
    : { flags: ['--data', tempDir(`impc-gw-${name}-`)], env: {} };
  return {
    name,
    port: await freePort(),
    flags: [...store.flags, ...flags],
    env: { CLIENT_ID: `${name}-${id}`, CLIENT_SECRET: randomBytes(24).toString('base64url'), ...store.env, ...env },
  };
}

/** Starts (or restarts) a process and resolves once it prints its ready line. */
export function startProc(spec: ProcSpec, extraEnv: Record<string, string> = {}): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--port', String(spec.port), '--node-id', spec.name, '--allow-private-push-endpoints', ...spec.flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'error', ...spec.env, ...extraEnv },
  });
  started.push(child);
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${spec.name}: no ready line within 60 s: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ name: spec.name, child, port: spec.port, url: m[1]!, base: `${m[1]!}/demo/im`, output: () => out });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${spec.name} exited ${code}: ${out}`));
    });
  });
}

/** Runs a process that should refuse to start; resolves with its exit code and output. */
export function refusedStart(spec: ProcSpec): Promise<{ code: number | null; output: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--port', String(spec.port), ...spec.flags], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'error', ...spec.env },
    });
    started.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => ok({ code, output: out }));
  });
}

export function stopProc(p: Proc, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
  p.child.kill(signal);
  return exited;
}

/** Drops a spec's PostgreSQL schema and Redis keys (cluster runs; the SQLite folders are temporary). */
export async function dropProcData(spec: ProcSpec | undefined): Promise<void> {
  if (spec?.env.DATABASE_SCHEMA && spec.env.REDIS_PREFIX) await dropIsolation(spec.env.DATABASE_SCHEMA, spec.env.REDIS_PREFIX);
}

/** Kills every process still running, then removes the data and CA folders made for them. */
export async function killAllProcs(): Promise<void> {
  const exits = started.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => {
    c.once('exit', r);
    c.kill('SIGKILL');
  }));
  await Promise.all(exits);
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
