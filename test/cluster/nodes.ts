/**
 * Real server processes for the cluster tests: `node --import tsx src/server/main.ts` with
 * --postgres and --redis, on their own schema and key prefix, so SIGKILL hits the server itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { DATABASE_URL, REDIS_URL } from '../support/services.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface Node {
  id: string;
  child: ChildProcess;
  url: string;
  /** url + /demo/im */
  base: string;
  output(): string;
}

/** Client credentials every node of a test cluster shares (an app token works on any node). */
export const CREDENTIALS = { CLIENT_ID: `test-${randomBytes(6).toString('hex')}`, CLIENT_SECRET: randomBytes(24).toString('base64url') };

const started: ChildProcess[] = [];

/** Starts one node and resolves once it prints its ready line. */
export function startNode(id: string, iso: { schema: string; prefix: string }, env: Record<string, string> = {}, flags: string[] = []): Promise<Node> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--port', '0', '--postgres', DATABASE_URL, '--redis', REDIS_URL, '--node-id', id, '--allow-private-push-endpoints', ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...CREDENTIALS, DATABASE_SCHEMA: iso.schema, REDIS_PREFIX: iso.prefix, LOG_LEVEL: 'error', ...env },
  });
  started.push(child);
  let out = '';
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${id}: no ready line within 60 s: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ id, child, url: m[1]!, base: `${m[1]!}/demo/im`, output: () => out });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${id} exited ${code}: ${out}`));
    });
  });
}

/** Kills every node still running (afterAll). */
export function killAll(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Stops a node with SIGTERM and resolves with its exit code. */
export function stopNode(n: Node): Promise<number | null> {
  if (n.child.exitCode !== null) return Promise.resolve(n.child.exitCode);
  const exited = new Promise<number | null>((r) => n.child.once('exit', (code) => r(code)));
  n.child.kill('SIGTERM');
  return exited;
}
