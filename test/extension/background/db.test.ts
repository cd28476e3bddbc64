/** The IndexedDB store: schema from scratch, bounded memory of seen ids, account wipe. */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openExtensionDb } from '../../../src/background/platform/db.ts';
import { resetBrowser } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

beforeEach(resetBrowser);

describe('extension db', () => {
  it('forgets the oldest seen message ids beyond 500', async () => {
    const db = await openExtensionDb();
    for (let i = 0; i < 510; i++) expect(await db.markSeen(`m${i}`, 1_000 + i)).toBe(true);
    expect(await db.markSeen('m509', 5_000)).toBe(false);
    expect(await db.markSeen('m10', 5_000)).toBe(false);
    // m0..m9 were the oldest and are forgotten.
    expect(await db.markSeen('m0', 5_000)).toBe(true);
    db.close();
  });

  it('keeps the outbox order across re-opening and clears account data on sign-out', async () => {
    const db = await openExtensionDb();
    await db.outboxAdd({ kind: 'language', language: 'en' }, 1);
    await db.outboxAdd({ kind: 'language', language: 'fr' }, 2);
    await db.set('language', 'fr');
    db.close();
    const again = await openExtensionDb();
    expect((await again.outboxAll()).map((e) => (e.op as { language: string }).language)).toEqual(['en', 'fr']);
    await again.clearAccountData();
    expect(await again.outboxAll()).toEqual([]);
    expect(await again.get('language')).toBeUndefined();
    again.close();
  });

  it('reads several values in one go, leaving out the missing ones', async () => {
    const db = await openExtensionDb();
    await db.set('language', 'fr');
    await db.set('offlineCount', 4);
    expect(await db.getMany(['language', 'offlineCount', 'lastSyncedAt'])).toEqual({ language: 'fr', offlineCount: 4 });
    db.close();
  });
});
