/**
 * Gateway mode (SPEC 9.2, issue 13) in the real browser: two server processes on loopback. A is a
 * normal server (the user's "existing app", demo users) posting its message callbacks to B; B is
 * a push gateway with A as its upstream. The extension signs in to B with alice's usual account,
 * with no special mode; bob sends through A's REST; the extension shows the notification B
 * decided, through the push stream. The options page names the gateway and the mirroring state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushClient } from '../../src/client/index.ts';
import { freePort } from '../gateway/procs.ts';
import { ExtensionBrowser } from './support/browser.ts';
import { hasChromium, warnIfNoChromium } from './support/chromium.ts';
import { BROWSER_ZONE, signInFromOptions } from './support/fixture.ts';
import { shownNotifications, workerStatus } from './support/hooks.ts';
import { msg, msgPrefix } from './support/messages.ts';
import { APP_KEY, CLIENT_ID, CLIENT_SECRET, sendText, userClient } from './support/rest.ts';
import { ServerProcess } from './support/server.ts';
import { waitFor } from './support/wait.ts';

warnIfNoChromium('test/e2e/gateway.test.ts');

const SECRET = 'e2e-callback-secret';
const ALICE = { id: 'alice', type: 'singleChat' } as const;

describe.skipIf(!hasChromium)('the extension through a push gateway', () => {
  let upstream: ServerProcess;
  let gateway: ServerProcess;
  let browser: ExtensionBrowser;
  let bob: PushClient;

  beforeAll(async () => {
    // B's port is fixed first: A's callback URL names it.
    const gatewayPort = await freePort();
    const servers = (async () => {
      upstream = new ServerProcess({
        extraArgs: [
          '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET,
          '--callback-url', `http://127.0.0.1:${gatewayPort}/demo/im/callbacks/easemob`, '--callback-secret', SECRET, '--callback-retry-ms', '2000',
        ],
      });
      // The gateway checks its upstream (and the client credentials) at start: A must listen first.
      const upstreamUrl = await upstream.start();
      gateway = new ServerProcess({
        port: gatewayPort,
        demo: false,
        extraArgs: [
          '--upstream', upstreamUrl, '--upstream-app-key', APP_KEY, '--upstream-client-id', CLIENT_ID, '--upstream-client-secret', CLIENT_SECRET,
          '--callback-secret', SECRET, '--mirror-settings',
        ],
      });
      await gateway.start();
    })();
    const [started, launched] = await Promise.allSettled([servers, ExtensionBrowser.launch({ timeZone: BROWSER_ZONE })]);
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    bob = await userClient(upstream.url, 'bob');
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.dispose();
    await upstream?.dispose();
  });

  it('signs in at the gateway with the usual account; the options page names the gateway and the mirroring', async () => {
    const options = await signInFromOptions({ browser, server: gateway }, 'alice');
    const line = options.getByTestId('gateway-line');
    await line.waitFor({ timeout: 10_000 });
    expect(await line.textContent()).toBe(msg('optionsGatewayConnected', [APP_KEY]));
    // "Settings are copied to your app", possibly with the first writes still waiting.
    expect(await options.getByTestId('gateway-mirror').textContent()).toContain(msgPrefix('optionsGatewayMirrorOn'));
    await options.close();
  });

  it('falls back to the stream channel at the gateway', async () => {
    const push = await waitFor(
      'the stream channel bound and connected',
      async () => {
        const s = await workerStatus(browser);
        return s.push.channel === 'stream' && s.push.bound && s.push.streamConnected ? s.push : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(push.lastError).toBe('');
  });

  it('a message bob sends through the upstream becomes a notification, decided by the gateway', async () => {
    const text = `through the gateway ${Date.now()}`;
    const id = await sendText(bob, ALICE, text);
    const shown = await waitFor(
      'the notification through the gateway',
      async () => (await shownNotifications(browser)).find((n) => n.body.includes(text)),
      { timeoutMs: 20_000 },
    );
    expect(shown.id).toBe(id);
    expect(shown.title.toLowerCase()).toContain('bob');
    expect(shown.conversation).toEqual({ id: 'bob', type: 'singleChat' });
  });
});
