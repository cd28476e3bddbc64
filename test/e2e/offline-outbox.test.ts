/**
 * The offline outbox (SPEC 5): changes made while the server is down wait in IndexedDB, survive a
 * service-worker restart, and reach the server in order once it is back on the same data folder.
 */
import { describe, expect, it } from 'vitest';
import { skipBrowserSuite, warnIfNoChromium } from './support/chromium.ts';
import { openPopup, signInFromOptions, useE2E } from './support/fixture.ts';
import { workerStatus } from './support/hooks.ts';
import { msg } from './support/messages.ts';
import { waitFor } from './support/wait.ts';

warnIfNoChromium('test/e2e/offline-outbox.test.ts');

interface AppWire { type: string; ignoreDuration: number }

describe.skipIf(skipBrowserSuite)('changes made while the server is down', () => {
  const e2e = useE2E();

  it('are kept through a worker restart and arrive when the server is back', async () => {
    const options = await signInFromOptions(e2e, 'alice');
    await options.close();
    const popup = await openPopup(e2e);
    await popup.locator('#app-mode-ALL:checked').waitFor();

    const port = e2e.server.port;
    await e2e.server.stop();

    // With the server gone, a freshly opened popup still renders the cached status at once.
    const cached = await openPopup(e2e);
    await cached.locator('#app-mode-ALL:checked').waitFor({ timeout: 5_000 });
    expect(await cached.getByTestId('account').textContent()).toContain('alice');
    await cached.close();

    // Two changes, in order: NONE then AT. Only AT may be left at the end.
    // The radios are controlled: the choice shows once the background has taken it.
    await popup.locator('#app-mode-NONE').click();
    await popup.getByText(msg('popupPendingMode'), { exact: true }).waitFor({ timeout: 20_000 });
    await popup.locator('#app-mode-NONE:checked').waitFor();
    await popup.locator('#app-mode-AT:enabled').click();
    await popup.locator('#app-mode-AT:checked').waitFor({ timeout: 20_000 });
    const madeAt = Date.now();
    await popup.getByRole('button', { name: msg('popupPause30m'), exact: true }).click();
    // Each queued change says what it does until the server confirms it.
    await popup.getByText(msg('popupPendingPause'), { exact: true }).waitFor({ timeout: 20_000 });
    await waitFor('three changes in the outbox', async () => (await workerStatus(e2e.browser)).pending === 3, { timeoutMs: 20_000 });

    // A real worker restart: memory is gone, the outbox is in IndexedDB.
    await e2e.browser.evaluate(() => { (self as unknown as { __e2eMark?: number }).__e2eMark = 1; });
    await e2e.browser.stopWorkers();
    const afterRestart = await waitFor('the restarted worker to report its outbox', async () => {
      const s = await workerStatus(e2e.browser);
      return s.pending === 3 ? s : undefined;
    });
    expect(afterRestart.app?.type).toBe('AT');
    // It is a new worker: what the old one held in memory is gone.
    expect(await e2e.browser.evaluate(() => (self as unknown as { __e2eMark?: number }).__e2eMark)).toBeUndefined();

    await e2e.server.start();
    expect(e2e.server.port).toBe(port);

    const stored = await waitFor(
      'the changes on the server',
      async () => {
        const s = (await e2e.alice.getSilentModeForAll()).data as AppWire;
        return s.type === 'AT' && s.ignoreDuration > 0 ? s : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    // The pause counts from when it was made, not from when it was sent.
    expect(stored.ignoreDuration).toBeLessThanOrEqual(madeAt + 30 * 60_000 + 1000);
    expect(stored.ignoreDuration).toBeGreaterThan(madeAt + 30 * 60_000 - 60_000);
    await waitFor('the outbox empty', async () => (await workerStatus(e2e.browser)).pending === 0, { timeoutMs: 20_000 });
    await popup.getByTestId('pending').first().waitFor({ state: 'detached', timeout: 10_000 });
    await popup.close();
  });
});
