/**
 * The real server as a child process (`tsx src/server/main.ts`), on a fresh data folder, so the
 * browser tests talk to exactly what `npm run server` runs. Restartable on the same folder and port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
const READY = /listening on (http:\/\/[^\s]+)/;

export interface ServerOptions {
  /** Data folder; a fresh temp folder when absent. */
  readonly dataDir?: string;
  /** 0 = any free port. */
  readonly port?: number;
  readonly extraArgs?: readonly string[];
  /** Seed the demo users, group and web chat (default true; a gateway's users live upstream). */
  readonly demo?: boolean;
  /** Extra environment (e.g. NODE_EXTRA_CA_CERTS to trust the fake push service). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the ready line; default 60 s (tsx compiles on first start). */
  readonly startTimeoutMs?: number;
}

/** A running server child; `stop()` then `start()` again keeps the same data folder and port. */
export class ServerProcess {
  readonly dataDir: string;
  url = '';
  port: number;
  /** Everything the child printed, for failure messages. */
  output: string[] = [];
  private child: ChildProcess | null = null;
  private readonly ownsDataDir: boolean;

  constructor(private readonly opts: ServerOptions = {}) {
    this.ownsDataDir = opts.dataDir === undefined;
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'impc-e2e-data-'));
    this.port = opts.port ?? 0;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts the child and resolves with its base URL once it prints the ready line. */
  async start(): Promise<string> {
    if (this.child) throw new Error('server already running');
    const args = [
      '--import', 'tsx', 'src/server/main.ts', '--port', String(this.port), '--host', '127.0.0.1', '--data', this.dataDir,
      ...(this.opts.demo === false ? [] : ['--demo']), '--allow-private-push-endpoints', ...(this.opts.extraArgs ?? []),
    ];
    // node runs the server itself (tsx only as a loader), so a kill reaches the server, not a wrapper.
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const url = await new Promise<string>((resolveUrl, reject) => {
      let buffered = '';
      const timer = setTimeout(() => fail(new Error('no "listening on" line')), this.opts.startTimeoutMs ?? 60_000);
      const fail = (e: Error) => {
        clearTimeout(timer);
        reject(new Error(`server did not start: ${e.message}\n--- server output ---\n${this.output.join('\n')}`));
      };
      child.stdout!.setEncoding('utf8');
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => this.output.push(...chunk.split('\n').filter(Boolean)));
      child.stdout!.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          this.output.push(line);
          const m = READY.exec(line);
          if (m) {
            clearTimeout(timer);
            resolveUrl(m[1]!.replace(/\/+$/, ''));
          }
        }
      });
      child.once('error', fail);
      child.once('exit', (code, signal) => {
        this.child = null;
        fail(new Error(`exited with ${code ?? signal}`));
      });
    });
    this.url = url;
    this.port = Number(new URL(url).port);
    return url;
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    await new Promise<void>((done) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      child.kill('SIGTERM');
    });
    this.child = null;
  }

  /** Stops the server and deletes the data folder if this object made it. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Starts a server and returns it once it listens. */
export async function startServer(opts: ServerOptions = {}): Promise<ServerProcess> {
  const s = new ServerProcess(opts);
  await s.start();
  return s;
}
