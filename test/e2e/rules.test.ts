/**
 * SPEC 1.7 end to end, through the stream channel: a priority person's message arrives during
 * quiet hours while others' do not; a keyword in a group set to "mentions only" arrives; and a
 * summary notification appears when a short pause ends, worded in English and, in a second
 * browser running in Chinese, in Chinese — and a click on it opens recent activity.
 */
import { describe, expect, it } from 'vitest';
import { PushClient } from '../../src/client/index.ts';
import { ExtensionBrowser } from './support/browser.ts';
import { hasChromium, warnIfNoChromium } from './support/chromium.ts';
import { demoGroupId } from './support/demo-chat.ts';
import { BROWSER_ZONE, openPopup, signInFromOptions, useE2E } from './support/fixture.ts';
import { clickNotification, shownNotifications, workerStatus } from './support/hooks.ts';
import { msg } from './support/messages.ts';
import { sendText, traceOf, userClient } from './support/rest.ts';
import { waitFor } from './support/wait.ts';

warnIfNoChromium('test/e2e/rules.test.ts');

const ALICE = { id: 'alice', type: 'singleChat' } as const;
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Waits until `b` has the stream channel bound and connected. */
function streamReady(b: ExtensionBrowser) {
  return waitFor('the stream channel bound and connected', async () => {
    const s = await workerStatus(b);
    return s.push.channel === 'stream' && s.push.bound && s.push.streamConnected ? s.push : undefined;
  }, { timeoutMs: 20_000 });
}

describe.skipIf(!hasChromium)('schedule, priority people, keywords and the summary in the browser', () => {
  const e2e = useE2E();
  let carol: PushClient;
  /** alice on her phone: settings changed with a resource are announced to the extension's stream. */
  let phone: PushClient;
  let group: { id: string; type: 'groupChat' };
  const decided = (messageId: string) => waitFor(`the push decision for ${messageId}`, () => traceOf(e2e.alice, messageId));
  const shownIds = async (b = e2e.browser) => (await shownNotifications(b)).map((n) => n.id);

  it('signs in and binds the stream', async () => {
    const options = await signInFromOptions(e2e, 'alice');
    await options.close();
    await streamReady(e2e.browser);
    carol = await userClient(e2e.other.url, 'carol');
    phone = new PushClient({ baseUrl: e2e.server.url, appKey: 'demo#im', retries: 0, resource: 'phone' });
    await phone.signIn({ username: 'alice', password: 'alice' });
    group = { id: await demoGroupId(e2e), type: 'groupChat' };
  });

  it('during the weekly schedule a priority person gets through and someone else is held', async () => {
    await phone.setPushRules({ quietSchedule: [{ days: [...EVERY_DAY], interval: '0:0-0:0' }], prioritySenders: ['bob'] });
    // The settings event reaches the extension over the stream; the popup names the rule in force.
    await waitFor('the extension to see the schedule in force', async () => (await workerStatus(e2e.browser)).quiet.rule?.kind === 'schedule');
    const popup = await openPopup(e2e);
    await waitFor('the popup to name the schedule entry', async () => ((await popup.getByTestId('status-title').textContent()) ?? '').includes(msg('commonRuleEveryDay')));
    await popup.close();

    const heldId = await sendText(carol, ALICE, `carol while quiet ${Date.now()}`);
    const throughId = await sendText(e2e.bob, ALICE, `bob while quiet ${Date.now()}`);
    const shown = await waitFor('the priority person\'s notification', async () => (await shownNotifications(e2e.browser)).find((n) => n.id === throughId));
    expect(shown.body).toContain('bob while quiet');
    expect(await decided(throughId)).toMatchObject({ push: true, reason: 'PUSH', via: 'PRIORITY_SENDER' });
    expect(await decided(heldId)).toMatchObject({ push: false, reason: 'DND_APP_WINDOW' });
    expect(await shownIds()).not.toContain(heldId);
  });

  it('a keyword in a group set to "mentions only" arrives; a message without it does not', async () => {
    await phone.setPushRules({ quietSchedule: [], prioritySenders: [], keywords: ['deploy'] });
    await phone.setSilentModeForConversation({ conversationId: group.id, type: 'groupChat', options: { paramType: 0, remindType: 'AT' } });
    const plainId = await sendText(carol, group, `lunch anyone? ${Date.now()}`);
    const keywordId = await sendText(carol, group, `The Deploy is done ${Date.now()}`);
    const shown = await waitFor('the keyword notification', async () => (await shownNotifications(e2e.browser)).find((n) => n.id === keywordId));
    expect(shown.conversation).toEqual(group);
    expect(await decided(keywordId)).toMatchObject({ push: true, mention: 'KEYWORD' });
    expect(await decided(plainId)).toMatchObject({ push: false, reason: 'REMIND_AT_NOT_MENTIONED' });
    expect(await shownIds()).not.toContain(plainId);
    await phone.clearRemindTypeForConversation({ conversationId: group.id, type: 'groupChat' });
    await phone.setPushRules({ keywords: [] });
  });

  /** Pauses alice for ~3 s with the summary on, has bob and carol write, and returns the summary shown in `b`. */
  async function summaryAfterPause(browsers: readonly ExtensionBrowser[]) {
    const before = await Promise.all(browsers.map(async (b) => new Set(await shownIds(b))));
    await phone.setPushRules({ summary: true });
    await phone.setSilentModeForAll({ options: { paramType: 1, duration: 3_000 } });
    const held = [await sendText(e2e.bob, ALICE, `held 1 ${Date.now()}`), await sendText(carol, group, `held 2 ${Date.now()}`)];
    for (const id of held) expect(await decided(id)).toMatchObject({ push: false, reason: 'DND_APP_DURATION' });
    return Promise.all(browsers.map((b, i) => waitFor('the summary notification', async () =>
      (await shownNotifications(b)).find((n) => n.kind === 'summary' && !before[i]!.has(n.id)), { timeoutMs: 20_000 })));
  }

  it('a summary appears when a short pause ends, in English, and a click opens recent activity', async () => {
    const [summary] = await summaryAfterPause([e2e.browser]);
    expect(summary!.title).toBe(msg('commonSummaryTitle'));
    // Two held messages in two chats; the direct one counts as mentioning alice (SPEC 1.7).
    const counts = msg('commonSummaryBodyMentions', [msg('commonSummaryMessages_other', ['2']), msg('commonSummaryChats_other', ['2']), msg('commonSummaryMentions_one', ['1'])]);
    expect(summary!.body.split('\n')[0]).toBe(counts);
    expect(counts).toBe('2 messages in 2 chats, 1 mentions you');
    // Shown once, though the stream may bring it again.
    expect((await shownIds()).filter((id) => id === summary!.id)).toHaveLength(1);

    await clickNotification(e2e.browser, summary!.id);
    const page = await waitFor('the recent-activity tab', async () => e2e.browser.context.pages().find((p) => p.url().endsWith('/options.html#activity')));
    await page.getByRole('heading', { name: msg('optionsActivityTitle') }).waitFor();
    await page.getByTestId('activity-sentence').filter({ hasText: msg('optionsActivitySummary', ['']).trim() }).first().waitFor({ timeout: 10_000 });
    await page.getByTestId('activity-sentence').filter({ hasText: msg('optionsActivityHeld', [msg('optionsWhyPaused')]) }).first().waitFor();
    await page.close();
  });

  it('and in Chinese, in a browser running in zh-CN', async () => {
    const zh = await ExtensionBrowser.launch({ lang: 'zh-CN', timeZone: BROWSER_ZONE });
    try {
      const options = await signInFromOptions({ browser: zh, server: e2e.server }, 'alice', 'zh_CN');
      await options.close();
      await streamReady(zh);
      const [summary] = await summaryAfterPause([zh]);
      expect(summary!.title).toBe(msg('commonSummaryTitle', [], 'zh_CN'));
      expect(summary!.body.split('\n')[0]).toBe('2 个聊天中有 2 条消息，其中 1 条提到你');
    } finally {
      await zh.close();
    }
  });
});
