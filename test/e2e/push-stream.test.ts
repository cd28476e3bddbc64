/**
 * Pushes through the stream channel (SPEC 4), end to end: Chromium cannot reach its push service
 * here, so the extension binds the `stream` certificate; messages bob sends reach alice's
 * browser as notifications — once, only while she is offline, and only outside do-not-disturb
 * unless the message forces it.
 */
import { describe, expect, it } from 'vitest';
import { skipBrowserSuite, warnIfNoChromium } from './support/chromium.ts';
import { openChatPage } from './support/demo-chat.ts';
import { signInFromOptions, useE2E, waitForBadge } from './support/fixture.ts';
import { clickContextMenu, shownNotifications, workerStatus } from './support/hooks.ts';
import { msg } from './support/messages.ts';
import { sendText, traceOf } from './support/rest.ts';
import { waitFor } from './support/wait.ts';

warnIfNoChromium('test/e2e/push-stream.test.ts');

const ALICE = { id: 'alice', type: 'singleChat' } as const;
const BOB_CHAT = { id: 'bob', type: 'singleChat' } as const;

describe.skipIf(skipBrowserSuite)('pushes reach the browser through the stream', () => {
  const e2e = useE2E();
  const shownIds = async () => (await shownNotifications(e2e.browser)).map((n) => n.id);
  /** The device id the extension bound itself (read back from the server, never chosen by the test). */
  let extensionDevice = '';
  /** Waits until the server has decided about `messageId` and returns its trace entry. */
  const decided = (messageId: string) => waitFor(`the push decision for ${messageId}`, () => traceOf(e2e.alice, messageId));

  it('signs in, falls back to the stream channel and uploads its own binding', async () => {
    const options = await signInFromOptions(e2e, 'alice');
    await options.close();
    const push = await waitFor(
      'the stream channel bound and connected',
      async () => {
        const s = await workerStatus(e2e.browser);
        return s.push.channel === 'stream' && s.push.bound && s.push.streamConnected ? s.push : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(push.lastError).toBe('');
    // What the extension uploaded itself: one stream binding under a device id it chose.
    const certs = (await e2e.alice.request<{ name: string; type: string }[]>({ method: 'GET', path: '/push/certificates', idempotent: true })).data;
    const bindings = (await e2e.alice.request<{ device_id: string; notifier_name: string }[]>({ method: 'GET', path: '/users/alice/push/binding', idempotent: true })).data;
    expect(bindings).toHaveLength(1);
    expect(bindings[0]!.notifier_name).toBe(certs.find((c) => c.type === 'stream')?.name);
    expect(bindings[0]!.device_id).toMatch(/\S/);
    extensionDevice = bindings[0]!.device_id;
  });

  it('"Send test push" on the options page makes a notification arrive', async () => {
    const before = new Set(await shownIds());
    const options = await e2e.browser.openPage('options.html');
    await options.getByRole('button', { name: msg('optionsSendTestPush'), exact: true }).click();
    await options.getByText(msg('optionsTestPushSent'), { exact: true }).waitFor({ timeout: 10_000 });
    await waitFor('the test notification', async () => (await shownIds()).some((id) => !before.has(id)));
    await options.close();
  });

  it('shows a message from bob once, with sender, text and conversation, while alice is offline; the extension acks it on its own binding', async () => {
    const text = `hello from bob ${Date.now()}`;
    const id = await sendText(e2e.bob, ALICE, text);
    const shown = await waitFor('the notification', async () => (await shownNotifications(e2e.browser)).find((n) => n.id === id));
    expect(shown.title.toLowerCase()).toContain('bob');
    expect(shown.body).toContain(text);
    expect(shown.conversation).toEqual(BOB_CHAT);
    expect((await decided(id)).reason).toBe('PUSH');
    // It went to the binding the extension uploaded, and the extension acknowledged it on its stream.
    await waitFor('the extension to acknowledge the push', async () => {
      const d = (await decided(id)).devices;
      return d.length === 1 && d[0]!.device_id === extensionDevice && d[0]!.result === 'delivered' ? true : undefined;
    });

    // A later push arriving proves the stream moved on; the first one is still recorded once.
    const next = await sendText(e2e.bob, ALICE, `second ${Date.now()}`);
    await waitFor('the second notification', async () => (await shownIds()).includes(next));
    expect((await shownIds()).filter((n) => n === id)).toHaveLength(1);

    // The badge shows the offline-message count the last push carried: the server's own count.
    const counts = await e2e.alice.request<Record<string, number>>({ method: 'GET', path: '/users/alice/offline_msg_count', idempotent: true });
    const count = counts.data.alice ?? 0;
    expect(count).toBeGreaterThanOrEqual(2);
    await waitForBadge(e2e, `the offline count ${count}`, (b) => b.text === String(count));
  });

  it('a push the browser delivers to the worker (CDP deliverPushMessage) shows once and updates the badge', async () => {
    const payload = {
      v: 1, m: `cdp-${Date.now()}`, t: 'alice', f: 'carol', conversation: { id: 'carol', type: 'singleChat' },
      title: 'Carol', body: 'delivered by the push service', badge: 42, ts: Date.now(),
    };
    await e2e.browser.deliverPush(JSON.stringify(payload));
    await e2e.browser.deliverPush(JSON.stringify(payload));
    const shown = await waitFor('the CDP-delivered notification', async () => (await shownNotifications(e2e.browser)).find((n) => n.id === payload.m));
    expect(shown).toMatchObject({ title: 'Carol', conversation: payload.conversation });
    expect(shown.body).toContain(payload.body);
    await waitForBadge(e2e, 'the pushed count 42', (b) => b.text === '42');
    expect((await shownIds()).filter((n) => n === payload.m)).toHaveLength(1);
  });

  it('makes no notification while alice\'s chat page holds an IM connection', async () => {
    const chat = await openChatPage(e2e, 'alice');
    const whileOnline = await sendText(e2e.bob, ALICE, `while online ${Date.now()}`);
    const decision = await decided(whileOnline);
    expect(decision).toMatchObject({ push: false, reason: 'ONLINE' });
    await chat.close();

    // Offline again: the next message notifies; the one sent while online never did.
    const afterwards = await waitFor('a message sent after the chat page closed to push', async () => {
      const id = await sendText(e2e.bob, ALICE, `after closing ${Date.now()}`);
      return (await decided(id)).push ? id : undefined;
    }, { intervalMs: 300 });
    await waitFor('the notification after closing', async () => (await shownIds()).includes(afterwards));
    expect(await shownIds()).not.toContain(whileOnline);
  });

  it('honours do-not-disturb: nothing while paused (trace says why), but a forced message notifies', async () => {
    await clickContextMenu(e2e.browser, 'pause-1h', '', -1);
    await waitFor('the pause on the server', async () => ((await e2e.alice.getSilentModeForAll()).data as { ignoreDuration: number }).ignoreDuration > 0);

    const quiet = await sendText(e2e.bob, ALICE, `during the pause ${Date.now()}`);
    expect(await decided(quiet)).toMatchObject({ push: false, reason: 'DND_APP_DURATION' });

    const forcedText = `urgent ${Date.now()}`;
    const forced = await sendText(e2e.bob, ALICE, forcedText, { ext: { em_force_notification: true } });
    const shown = await waitFor('the forced notification', async () => (await shownNotifications(e2e.browser)).find((n) => n.id === forced));
    expect(shown.body).toContain(forcedText);
    expect((await decided(forced)).reason).toBe('PUSH');
    expect(await shownIds()).not.toContain(quiet);

    await clickContextMenu(e2e.browser, 'resume', '', -1);
    await waitFor('the pause cleared', async () => ((await e2e.alice.getSilentModeForAll()).data as { ignoreDuration: number }).ignoreDuration === 0);
  });
});
