/**
 * Web Push end to end (SPEC 4): the real server encrypts and signs a push for a real
 * subscription on the fake push service (TLS, VAPID verified, aes128gcm decrypted there); the
 * decrypted payload is then delivered to the extension's service worker through CDP, as the
 * browser's push service would, and shows a notification — once, even when delivered twice.
 *
 * The extension is not signed in here, so the stream channel cannot be where the notification
 * came from: only the Web Push delivery can show it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FakePushService, startPushService } from '../fakes/push-service.ts';
import { skipBrowserSuite, warnIfNoChromium } from './support/chromium.ts';
import { useE2E } from './support/fixture.ts';
import { shownNotifications } from './support/hooks.ts';
import { sendText, traceOf } from './support/rest.ts';
import { waitFor } from './support/wait.ts';

warnIfNoChromium('test/e2e/push-webpush.test.ts');

const ALICE = { id: 'alice', type: 'singleChat' } as const;
/** Alice's view of her chat with bob: for a single chat the conversation id is the peer (SPEC 3.7). */
const BOB_CHAT = { id: 'bob', type: 'singleChat' } as const;
const DEVICE = 'chromium-webpush';

interface Certificate { name: string; type: string; vapidPublicKey?: string }

describe.skipIf(skipBrowserSuite)('pushes reach the browser through Web Push', () => {
  let service: FakePushService;
  let caDir = '';
  const e2e = useE2E({
    // The server child must trust the fake's self-signed certificate from its first request.
    beforeLaunch: async () => {
      service = await startPushService();
      caDir = mkdtempSync(join(tmpdir(), 'impc-e2e-ca-'));
      const caFile = join(caDir, 'push-ca.pem');
      writeFileSync(caFile, service.ca);
      return { env: { NODE_EXTRA_CA_CERTS: caFile } };
    },
  });
  afterAll(async () => {
    await service?.stop();
    if (caDir) rmSync(caDir, { recursive: true, force: true });
  });
  const shownIds = async () => (await shownNotifications(e2e.browser)).map((n) => n.id);

  it('encrypts a message for alice\'s subscription; the worker shows the decrypted push once', async () => {
    const certs = (await e2e.alice.request<Certificate[]>({ method: 'GET', path: '/push/certificates', idempotent: true })).data;
    const webpush = certs.find((c) => c.type === 'webpush');
    expect(webpush?.vapidPublicKey).toBeTruthy();
    service.expectVapidKey(webpush!.vapidPublicKey!);

    const subscription = service.createSubscription();
    await e2e.alice.uploadPushToken({ deviceId: DEVICE, deviceToken: JSON.stringify(subscription), notifierName: webpush!.name });

    const text = `web push from bob ${Date.now()}`;
    const id = await sendText(e2e.bob, ALICE, text);
    const received = await service.waitFor((p) => p.payload?.m === id, 20_000);
    expect(service.rejected).toEqual([]);
    expect(received.endpoint).toBe(subscription.endpoint);
    expect(received.payload).toMatchObject({ v: 1, m: id, t: 'alice', f: 'bob', conversation: BOB_CHAT, body: text });
    expect(String(received.payload?.title).toLowerCase()).toContain('bob');
    // SPEC 4: TTL 24 h and a Topic per conversation.
    expect(received.ttl).toBe('86400');
    expect(received.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    const decision = await waitFor('the trace entry', () => traceOf(e2e.alice, id));
    expect(decision.push).toBe(true);
    expect(decision.devices.map((d) => d.device_id)).toContain(DEVICE);

    await e2e.browser.deliverPush(received.text);
    const shown = await waitFor('the notification', async () => (await shownNotifications(e2e.browser)).find((n) => n.id === id));
    expect(shown.title.toLowerCase()).toContain('bob');
    expect(shown.body).toContain(text);
    expect(shown.conversation).toEqual(BOB_CHAT);

    // The same payload again (push services deliver at least once), then a new one: once the
    // new one shows, the duplicate has been handled too — and it made no second notification.
    await e2e.browser.deliverPush(received.text);
    const nextId = await sendText(e2e.bob, ALICE, `another ${Date.now()}`);
    const next = await service.waitFor((p) => p.payload?.m === nextId, 20_000);
    await e2e.browser.deliverPush(next.text);
    await waitFor('the next notification', async () => (await shownIds()).includes(nextId));
    expect((await shownIds()).filter((n) => n === id)).toHaveLength(1);
  });
});
