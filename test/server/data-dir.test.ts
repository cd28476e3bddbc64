/**
 * SPEC 7 secrets at rest (#6, #8): the server refuses a data folder it cannot write, creates it
 * 0700 with the database files 0600, and warns at start about wider existing permissions.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { makeConfig } from '../../src/server/config.ts';
import { permissionWarnings, prepareDataDir } from '../../src/server/store/data-dir.ts';
import { tempDir } from './helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) {
    spawnSync('chattr', ['-i', d]);
    fs.rmSync(d, { recursive: true, force: true });
  }
});
const dir = () => {
  const d = tempDir();
  made.push(d);
  return d;
};
const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

/** Runs main.ts until it prints its ready line (then SIGTERM) or exits; returns stdout, stderr and the exit code. */
function runMain(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(tsx, ['src/server/main.ts', '--port', '0', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('listening on')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => (clearTimeout(timer), done({ code, stdout, stderr })));
  });
}

describe('an unwritable data folder', () => {
  // Tests run as root, for whom permission bits do not stop writes: the immutable attribute does.
  const d0 = tempDir();
  const immutable = spawnSync('chattr', ['+i', d0]).status === 0;
  spawnSync('chattr', ['-i', d0]);
  fs.rmSync(d0, { recursive: true, force: true });

  it.skipIf(!immutable)('stops main.ts with a sentence naming the folder (chattr +i)', async () => {
    const d = dir();
    expect(spawnSync('chattr', ['+i', d]).status).toBe(0);
    const r = await runMain(['--data', d]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot start on the data folder "${d}": it is not writable (`);
    expect(r.stderr).toContain('choose another with --data');
    expect(r.stdout).not.toContain('listening');
  }, 40_000);

  it('is found by the probe even where the folder exists and opens (an injected failing write)', () => {
    const failing = { ...fs, writeFileSync: () => { throw Object.assign(new Error('read-only file system'), { code: 'EROFS' }); } } as never;
    expect(() => prepareDataDir(dir(), failing)).toThrow('it is not writable (EROFS)');
  });
});

describe('permissions', () => {
  it('creates the folder 0700 and the database files 0600', async () => {
    const d = join(dir(), 'fresh');
    const app = await buildApp(makeConfig({ dataDir: d }));
    try {
      expect(mode(d)).toBe('700');
      for (const f of ['im.sqlite', 'im.sqlite-wal', 'im.sqlite-shm']) if (fs.existsSync(join(d, f))) expect([f, mode(join(d, f))]).toEqual([f, '600']);
      expect(fs.existsSync(join(d, 'im.sqlite-wal'))).toBe(true);
      expect(fs.readdirSync(d).filter((f) => f.startsWith('.write-probe'))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('warns at start when an existing folder or database is open to others', async () => {
    const d = dir();
    fs.chmodSync(d, 0o755);
    fs.writeFileSync(join(d, 'im.sqlite'), '');
    fs.chmodSync(join(d, 'im.sqlite'), 0o644);
    expect(permissionWarnings(d)).toHaveLength(2);
    const r = await runMain(['--data', d]);
    expect(r.stderr).toContain(`Warning: the data folder "${d}" has permissions 0755`);
    expect(r.stderr).toContain('chmod 700');
    expect(r.stdout).toContain('listening on');
    // Opening narrows the database files; the folder is the owner's to change.
    expect(mode(join(d, 'im.sqlite'))).toBe('600');
  }, 40_000);
});
