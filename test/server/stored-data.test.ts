/**
 * SPEC 7 stored data read back (#9): a bad meta row stops the start with a sentence naming table
 * and key; a bad settings field reads as its default with a warning, never a 500.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { makeConfig } from '../../src/server/config.ts';
import { call, register, send, signIn, startTestServer, type TestServer, tempDir } from './helpers.ts';

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A data folder made by a first start, then edited by `sql`. */
async function edited(sql: string, ...params: unknown[]): Promise<string> {
  const dataDir = tempDir();
  await (await buildApp(makeConfig({ dataDir }))).close();
  const db = new Database(join(dataDir, 'im.sqlite'));
  db.prepare(sql).run(...params);
  db.close();
  return dataDir;
}

describe('meta rows', () => {
  it('main refuses to start on bad certificates, naming table, key and field', async () => {
    const dataDir = await edited("UPDATE meta SET value = ? WHERE key = 'certificates'", '[{"name":5,"type":"webpush"}]');
    const root = resolve(import.meta.dirname, '../..');
    const r = spawnSync(join(root, 'node_modules/.bin/tsx'), ['src/server/main.ts', '--port', '0', '--data', dataDir], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('meta.certificates: [0].name must be a string');
    expect(r.stdout).not.toContain('listening');
  }, 60_000);

  it.each([
    ["UPDATE meta SET value = '{\"publicKey\":\"abc\",\"privateKey\":\"x\"}' WHERE key = 'vapid'", 'meta.vapid: publicKey must be a base64url P-256 public key'],
    ["UPDATE meta SET value = 'not json' WHERE key = 'vapid'", 'meta.vapid: is not valid JSON'],
    ["UPDATE meta SET value = '[{\"name\":\"webpush\",\"type\":\"fcm\"}]' WHERE key = 'certificates'", 'meta.certificates: [0].type must be "webpush" or "stream"'],
    ["UPDATE meta SET value = '{}' WHERE key = 'certificates'", 'meta.certificates: must be a list'],
    ["INSERT OR REPLACE INTO meta (key, value) VALUES ('policy', 'sometimes')", 'meta.policy: must be "allOffline" or "anyOffline"'],
    ["INSERT OR REPLACE INTO meta (key, value) VALUES ('advanced', 'maybe')", 'meta.advanced: must be "true" or "false"'],
  ])('refuses %s', async (sql, sentence) => {
    const dataDir = await edited(sql);
    await expect(buildApp(makeConfig({ dataDir }))).rejects.toThrow(sentence);
  });
});

describe('settings rows', () => {
  it('reads bad fields as their defaults with a warning, and a fan-out over them still works', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      s = await startTestServer();
      await register(s, 'ann', 'bob');
      const ann = await signIn(s, 'ann');
      const bob = await signIn(s, 'bob');
      const db = (s.server.ctx.store as unknown as { db: Database.Database }).db;
      db.prepare("INSERT INTO app_settings (username, type, window_start, window_end, duration_until, time_zone) VALUES ('ann', 'LOUD', 5000, 3, 'soon', 'Mars/Base')").run();
      db.prepare("INSERT INTO conv_settings (username, scope, conv_id, type, duration_until, updated) VALUES ('ann', 'user', 'bob', 'BOGUS', 'x', 0)").run();
      s.server.ctx.settings.invalidate({ user: 'ann', conversation: { scope: 'user', id: 'bob' } });
      const app = await call<{ data: unknown }>(s.base, 'GET', '/users/ann/notification/user/ann', { token: ann });
      expect(app.status).toBe(200);
      expect(app.json.data).toMatchObject({ type: 'ALL', ignoreInterval: '', ignoreDuration: 0, timeZone: 'UTC' });
      const conv = await call<{ data: unknown }>(s.base, 'GET', '/users/ann/notification/user/bob', { token: ann });
      expect(conv.status).toBe(200);
      expect(conv.json.data).toEqual({ ignoreDuration: 0 });
      expect((await call(s.base, 'GET', '/users/ann/notification/mute/type', { token: ann })).status).toBe(200);
      await send(s, bob, 'users', ['ann'], 'still works');
      await new Promise((r) => setImmediate(r));
      expect(warnings.join('\n')).toContain('app_settings "ann": type "LOUD" is not valid; using "ALL" instead');
      expect(warnings.join('\n')).toContain('time_zone "Mars/Base"');
      expect(warnings.join('\n')).toContain('conv_settings "ann" user/bob: type "BOGUS"');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
