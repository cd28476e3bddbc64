import type { SqliteStore } from '../../src/server/store/sqlite.ts';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { makeConfig, parseCommandLine } from '../../src/server/config.ts';
import { guardedLookup } from '../../src/server/push/ssrf.ts';
import { SCHEMA_VERSION } from '../../src/server/store/migrations.ts';
import { tempDir } from './helpers.ts';

describe('command line (SPEC 6)', () => {
  it('has the documented defaults', () => {
    const r = parseCommandLine([], {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: './data', appKey: 'demo#im', defaultTimeZone: 'UTC', pushPolicy: 'allOffline', openRegistration: false, allowPrivatePushEndpoints: false, demo: false });
  });

  it('reads flags and environment variables; flags win', () => {
    const r = parseCommandLine(['--port', '0', '--demo', '--push-policy=anyOffline', '--default-time-zone', 'europe/paris'], { PORT: '9000', HOST: '0.0.0.0', APP_KEY: 'acme#chat', OPEN_REGISTRATION: 'true' });
    expect(r.ok && r.config).toMatchObject({ port: 0, host: '0.0.0.0', appKey: 'acme#chat', demo: true, pushPolicy: 'anyOffline', defaultTimeZone: 'Europe/Paris', openRegistration: true });
  });

  it.each([
    [['--port', 'abc'], '--port'],
    [['--port', '70000'], '0 to 65535'],
    [['--app-key', 'nohash'], 'org#app'],
    [['--default-time-zone', 'Moon/Base'], 'IANA'],
    [['--push-policy', 'never'], 'allOffline or anyOffline'],
    [['--client-id', 'abc'], 'both'],
    [['--colour'], 'Unknown argument'],
    [['--demo=maybe'], 'true or false'],
    [['--postgres', 'mysql://x'], 'postgres://'],
    [['--redis', 'redis://127.0.0.1:6379'], '--redis needs --postgres'],
    [['--postgres', 'postgres://127.0.0.1/x', '--redis', 'http://x'], 'redis://'],
    [['--node-id', 'a b'], '--node-id'],
  ])('refuses %j with a sentence naming %s', (argv, text) => {
    const r = parseCommandLine(argv, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join(' ')).toContain(text);
  });

  it('cluster flags and their environment variables', () => {
    const r = parseCommandLine(['--postgres', 'postgres://u:secret@127.0.0.1/impc', '--redis', 'redis://127.0.0.1:6379', '--node-id', 'n1'], { DATABASE_SCHEMA: 'impc', REDIS_PREFIX: 'x:', DELIVERY_LEASE_MS: '5000', PRESENCE_TTL_MS: '3000' });
    expect(r.ok && r.config).toMatchObject({ postgres: 'postgres://u:secret@127.0.0.1/impc', redis: 'redis://127.0.0.1:6379', nodeId: 'n1', postgresSchema: 'impc', redisPrefix: 'x:', presenceTtlMs: 3000, push: { leaseMs: 5000 } });
    const bad = parseCommandLine(['--postgres', 'mysql://u:secret@h/db'], {});
    // The password never appears in the sentence.
    expect(!bad.ok && bad.errors.join(' ')).not.toContain('secret');
  });

  it('main names PostgreSQL when it cannot be reached, and exits 1', () => {
    const root = resolve(import.meta.dirname, '../..');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--port', '0', '--postgres', 'postgres://postgres:pw@127.0.0.1:1/test'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test: connection refused/);
  });

  it('main prints what to fix and exits 2 on a bad flag', () => {
    const root = resolve(import.meta.dirname, '../..');
    const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['src/server/main.ts', '--port', 'abc'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--port (PORT) is "abc"');
  });
});

describe('data folder', () => {
  it('migrates to the newest schema, and keeps VAPID keys, client credentials and the demo group across restarts', async () => {
    const dataDir = tempDir();
    const first = await buildApp(makeConfig({ dataDir, demo: true }));
    const keep = { vapid: first.ctx.vapid, creds: first.ctx.credentials, group: first.demoGroupId };
    expect(keep.creds.generated).toBe(true);
    expect((first.ctx.store as SqliteStore).db.prepare('SELECT version FROM schema_version').pluck().get()).toBe(SCHEMA_VERSION);
    await first.close();
    const second = await buildApp(makeConfig({ dataDir, demo: true }));
    expect(second.ctx.vapid).toEqual(keep.vapid);
    expect(second.ctx.credentials).toEqual({ ...keep.creds, generated: false });
    expect(second.demoGroupId).toBe(keep.group);
    expect((await second.ctx.groups.members(keep.group!)).sort()).toEqual(['alice', 'bob', 'carol']);
    expect((await second.ctx.users.get('alice'))?.nickname).toBe('Alice');
    await second.close();
  });
});

describe('SSRF guard at connection time', () => {
  it('refuses a name that resolves to loopback unless private endpoints are allowed', async () => {
    const look = (allow: boolean) =>
      new Promise<string>((r) => guardedLookup(allow)('localhost', {}, (err, address) => r(err ? `error: ${err.message}` : String(address))));
    expect(await look(false)).toMatch(/^error: .*non-public/);
    expect(await look(true)).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});

describe('housekeeping', () => {
  it('drops devices unseen for 30 days with their pending messages, keeping bound ones', async () => {
    const { DEVICE_IDLE_MS } = await import('../../src/server/store/housekeeping.ts');
    const s = await buildApp(makeConfig({ dataDir: tempDir(), demo: true }));
    try {
      const ctx = s.ctx.store as SqliteStore;
      const long = Date.now() - DEVICE_IDLE_MS - 1000;
      ctx.bindings.seen('bob', 'web-old', long);
      ctx.bindings.seen('bob', 'phone', long);
      ctx.bindings.put('bob', 'phone', 'stream', 'stream', long);
      ctx.messages.insert({ id: 'm1', from: 'alice', to: 'bob', conversation: { id: 'alice', type: 'singleChat' }, type: 'txt', body: { msg: 'x' }, ts: long }, ['bob']);
      expect(ctx.messages.backlog('bob', 'web-old')).toHaveLength(1);
      const removed = ctx.housekeep(Date.now());
      expect(removed).toMatchObject({ devices: 1, device_inbox: 1 });
      expect(ctx.bindings.isKnown('bob', 'web-old')).toBe(false);
      expect(ctx.messages.backlog('bob', 'phone')).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});
