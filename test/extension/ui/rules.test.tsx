// @vitest-environment happy-dom
/**
 * SPEC 1.7 in the pages: the schedule editor and its week strip, priority people, keywords, the
 * summary switch, the popup naming the rule in force, and recent activity in words (en, zh_CN).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OptionsApp } from '../../../src/options/app.tsx';
import { PopupApp } from '../../../src/popup/app.tsx';
import { catalogue, type Messages } from '../../../src/shared/i18n.ts';
import { ProtocolError, type StatusView } from '../../../src/shared/protocol.ts';
import { summaryNotification } from '../../../src/shared/summary-text.ts';
import { activitySentence, checkSentence } from '../../../src/ui/activity-text.ts';
import { WeekStrip } from '../../../src/ui/week-strip.tsx';
import { weekSpans } from '../../../src/ui/week-spans.ts';
import { actions, conv, NOW, PUSH, reply, resetFake, status } from './fake-protocol.ts';
import { expectErrorNextTo } from './dom.ts';

vi.mock('../../../src/shared/protocol.ts', async (importActual) => {
  const real = await importActual<typeof import('../../../src/shared/protocol.ts')>();
  const fake = await import('./fake-protocol.ts');
  return { ...real, sendMessage: fake.fakeSendMessage };
});

const zhMessages = JSON.parse(readFileSync(join(import.meta.dirname, '../../../assets/_locales/zh_CN/messages.json'), 'utf8')) as Messages;
const zh = { t: catalogue(zhMessages), locale: 'zh-CN' };

const WEEKNIGHTS = { days: ['mon', 'tue', 'wed', 'thu'] as const, interval: { start: 1320, end: 420 } };
const WEEKENDS = { days: ['sat', 'sun'] as const, interval: { start: 0, end: 0 } };

function defaults(view: StatusView): void {
  reply('getStatus', () => view);
  reply('getChatPatterns', () => ({ patterns: ['http://127.0.0.1:8080/#/chat/{type}/{id}'] }));
  reply('getLanguage', () => ({ language: '', languages: [] }));
  reply('getPushStatus', () => PUSH);
  reply('listConversations', () => ({ items: [conv('g1', 'groupChat'), { ...conv('bob', 'singleChat'), name: 'Bob B.' }], stale: false }));
  reply('getRecentSenders', () => ({ senders: [{ username: 'bob', name: 'Bob B.' }, { username: 'carol' }] }));
}

async function showOptions(view: StatusView = status()) {
  defaults(view);
  const r = render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
  await screen.findByRole('heading', { name: 'Weekly schedule' });
  return r;
}

const region = (name: string) => screen.getByRole('region', { name });

beforeEach(() => {
  resetFake();
  location.hash = '';
});
afterEach(() => cleanup());

describe('week strip', () => {
  it('draws each entry on the day it starts and carries one past midnight into the next day', () => {
    const days = weekSpans([WEEKNIGHTS, WEEKENDS]);
    expect(days[0]).toEqual([{ from: 1320, to: 1440, entryIndex: 0, carried: false }]);
    expect(days[1]).toEqual([{ from: 0, to: 420, entryIndex: 0, carried: true }, { from: 1320, to: 1440, entryIndex: 0, carried: false }]);
    expect(days[4]).toEqual([{ from: 0, to: 420, entryIndex: 0, carried: true }]);
    // All day (0:0-0:0) fills the day and carries nothing.
    expect(days[5]).toEqual([{ from: 0, to: 1440, entryIndex: 1, carried: false }]);
    expect(days[6]).toEqual([{ from: 0, to: 1440, entryIndex: 1, carried: false }]);
    // A start = end at another hour runs 24 hours: to the same time the next day.
    expect(weekSpans([{ days: ['sun'], interval: { start: 600, end: 600 } }])[0]).toEqual([{ from: 0, to: 600, entryIndex: 0, carried: true }]);
  });

  it('renders seven rows, Monday first, with the quiet spans placed on a 24 h bar and said in words', () => {
    render(<WeekStrip entries={[WEEKNIGHTS]} />);
    const rows = within(screen.getByTestId('week-strip')).getAllByRole('listitem');
    expect(rows).toHaveLength(7);
    expect(rows[0]!.textContent).toContain('Monday: 10:00 PM–24:00');
    expect(rows[1]!.textContent).toContain('Tuesday: 12:00 AM–7:00 AM, 10:00 PM–24:00');
    expect(rows[5]!.textContent).toContain('Saturday: no quiet hours');
    const span = rows[0]!.querySelector('.week-span') as HTMLElement;
    expect(span.style.left).toBe(`${(1320 / 1440) * 100}%`);
    expect(rows[4]!.querySelector('.week-span-carried')).not.toBeNull();
  });
});

describe('schedule editor', () => {
  it('adds the weeknights and weekends presets and saves them in wire form', async () => {
    await showOptions();
    const card = region('Weekly schedule');
    fireEvent.click(within(card).getByRole('button', { name: /Add weeknights/ }));
    fireEvent.click(within(card).getByRole('button', { name: /Add weekends/ }));
    expect(within(card).getAllByTestId('schedule-entry-text').map((e) => e.textContent)).toEqual(['weeknights (ends the next day)', 'weekends (ends the next day)']);
    reply('setPushRules', () => status({ app: { quietSchedule: [WEEKNIGHTS, WEEKENDS] as never } }));
    fireEvent.click(within(card).getByRole('button', { name: 'Save' }));
    await within(card).findByText('Saved.');
    expect(actions()).toEqual([{ name: 'setPushRules', data: { quietSchedule: [{ days: ['mon', 'tue', 'wed', 'thu'], interval: '22:0-7:0' }, { days: ['sat', 'sun'], interval: '0:0-0:0' }] } }]);
  });

  it('shows the stored schedule, describes an edited entry, and refuses an entry without days next to it', async () => {
    await showOptions(status({ app: { quietSchedule: [WEEKNIGHTS] as never } }));
    const card = region('Weekly schedule');
    fireEvent.input(within(card).getByLabelText('Ends'), { target: { value: '06:30' } });
    expect(within(card).getByTestId('schedule-entry-text').textContent).toBe('Mon–Thu 10:00 PM–6:30 AM (ends the next day)');
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday']) fireEvent.click(within(card).getByLabelText(day));
    fireEvent.click(within(card).getByRole('button', { name: 'Save' }));
    await expectErrorNextTo('Starts', 'Choose at least one day.');
    expect(actions()).toEqual([]);
  });

  it('a refusal from the background naming an entry lands next to that entry', async () => {
    await showOptions(status({ app: { quietSchedule: [WEEKNIGHTS] as never } }));
    reply('setPushRules', () => {
      throw new ProtocolError('invalid_argument', 'quietSchedule[0].interval "25:0-7:0": hours 0–23', 'quietSchedule[0].interval');
    });
    fireEvent.click(within(region('Weekly schedule')).getByRole('button', { name: 'Save' }));
    await expectErrorNextTo('Starts', 'hours 0–23');
  });
});

describe('priority people, keywords, summary', () => {
  it('adds a person typed or suggested from recent senders, removes one; a bad name is refused next to the field', async () => {
    await showOptions(status({ app: { prioritySenders: ['dave'] } }));
    const card = region('Priority people');
    fireEvent.input(within(card).getByLabelText('Username'), { target: { value: 'no spaces' } });
    fireEvent.click(within(card).getByRole('button', { name: 'Add person' }));
    await expectErrorNextTo('Username', 'Enter a username');
    expect(actions()).toEqual([]);
    reply('setPushRules', (d) => status({ app: { prioritySenders: (d as { prioritySenders: string[] }).prioritySenders } }));
    fireEvent.click(await within(card).findByRole('button', { name: '+ Bob B. (bob)' }));
    await waitFor(() => expect(within(card).queryByRole('button', { name: '+ Bob B. (bob)' })).toBeNull());
    fireEvent.click(within(card).getByRole('button', { name: 'Remove dave' }));
    await waitFor(() => expect(actions()).toHaveLength(2));
    expect(actions()).toEqual([
      { name: 'setPushRules', data: { prioritySenders: ['dave', 'bob'] } },
      { name: 'setPushRules', data: { prioritySenders: ['bob'] } },
    ]);
  });

  it('keywords: 1–40 characters, no duplicates, at most 20', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `w${i}`);
    await showOptions(status({ app: { keywords: ['release'] } }));
    const card = region('Keywords');
    const add = (v: string) => {
      fireEvent.input(within(card).getByLabelText('Word or phrase'), { target: { value: v } });
      fireEvent.click(within(card).getByRole('button', { name: 'Add keyword' }));
    };
    add('x'.repeat(41));
    await expectErrorNextTo('Word or phrase', 'Enter 1 to 40 characters.');
    add('RELEASE');
    await expectErrorNextTo('Word or phrase', 'Already in the list.');
    reply('setPushRules', (d) => status({ app: { keywords: (d as { keywords: string[] }).keywords } }));
    add('  发布 ');
    await within(card).findByText('发布');
    expect(actions()).toEqual([{ name: 'setPushRules', data: { keywords: ['release', '发布'] } }]);
    cleanup();
    resetFake();
    await showOptions(status({ app: { keywords: twenty } }));
    fireEvent.input(within(region('Keywords')).getByLabelText('Word or phrase'), { target: { value: 'one more' } });
    fireEvent.click(within(region('Keywords')).getByRole('button', { name: 'Add keyword' }));
    await expectErrorNextTo('Word or phrase', 'At most 20 keywords.');
  });

  it('the summary switch saves at once', async () => {
    await showOptions();
    reply('setPushRules', () => status({ app: { summary: true } }));
    fireEvent.click(screen.getByRole('switch', { name: /Tell me what I missed/ }));
    await waitFor(() => expect((screen.getByRole('switch', { name: /Tell me what I missed/ }) as HTMLInputElement).checked).toBe(true));
    expect(actions()).toEqual([{ name: 'setPushRules', data: { summary: true } }]);
  });
});

describe('popup: the rule in force', () => {
  it('names the schedule entry: "Quiet until … — weeknights"', async () => {
    const until = Date.UTC(2026, 10, 30, 6, 0); // Monday 07:00 in Paris
    reply('getStatus', () => status({
      app: { quietSchedule: [WEEKNIGHTS] as never },
      quiet: { quiet: true, reason: 'DND_APP_WINDOW', rule: { kind: 'schedule', entryIndex: 0 }, quietUntil: until, nextChange: until },
      badge: { text: 'zZ', title: '' },
    }));
    render(<PopupApp clock={() => NOW} pollMs={0} tickMs={0} />);
    expect((await screen.findByTestId('status-title')).textContent).toMatch(/^Quiet until Mon, Nov 30, \d{1,2}:00 AM — weeknights$/);
    expect(screen.getByText('Weekly schedule: weeknights (Europe/Paris)')).toBeTruthy();
  });

  it('an entry that is not a preset is described with its days and hours', async () => {
    const entry = { days: ['fri', 'sat'] as const, interval: { start: 23 * 60, end: 8 * 60 } };
    const until = Date.UTC(2026, 10, 29, 7, 0);
    reply('getStatus', () => status({
      app: { quietSchedule: [entry] as never },
      quiet: { quiet: true, reason: 'DND_APP_WINDOW', rule: { kind: 'schedule', entryIndex: 0 }, quietUntil: until, nextChange: until },
    }));
    render(<PopupApp clock={() => NOW} pollMs={0} tickMs={0} />);
    expect((await screen.findByTestId('status-title')).textContent).toMatch(/^Quiet until tomorrow \d{1,2}:00 AM — Fri, Sat 11:00 PM–8:00 AM$/);
  });
});

describe('popup: quiet that goes on under another rule', () => {
  it('says which rule takes over when daily hours run into a schedule entry', async () => {
    // NOW is Saturday 22:00 in Paris: daily 22:00–23:00, then every day 23:00–07:00.
    const every = { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, interval: { start: 23 * 60, end: 7 * 60 } };
    const until = Date.UTC(2026, 10, 29, 6, 0);
    reply('getStatus', () => status({
      app: { window: { start: 22 * 60, end: 23 * 60 }, quietSchedule: [every] as never },
      quiet: { quiet: true, reason: 'DND_APP_WINDOW', rule: { kind: 'window' }, quietUntil: until, nextChange: until },
    }));
    render(<PopupApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await screen.findByTestId('status-title');
    expect(screen.getByText(/^Daily quiet hours 10:00 PM–11:00 PM \(Europe\/Paris\) Then every day 11:00 PM–7:00 AM until tomorrow \d{1,2}:00 AM\.$/)).toBeTruthy();
  });
});

describe('activity in words', () => {
  const items = [
    { push: false, reason: 'DND_APP_WINDOW' as const },
    { push: true, reason: 'PUSH' as const, mention: 'AT' as const },
    { push: true, reason: 'PUSH' as const, via: 'PRIORITY_SENDER' as const },
    { push: true, reason: 'PUSH' as const, mention: 'KEYWORD' as const },
    { push: false, reason: 'REMIND_AT_NOT_MENTIONED' as const },
    { push: false, reason: 'ONLINE' as const },
    { push: true, reason: 'SUMMARY' as const, summary: { count: 12, mentions: 0, conversations: 3 } },
    { push: false, reason: 'DND_APP_DURATION' as const, mention: 'AT' as const },
  ];

  it('in English', () => {
    expect(items.map((i) => activitySentence(i))).toEqual([
      'Held: quiet hours',
      'Pushed: mentions you',
      'Pushed through quiet hours: priority person',
      'Pushed: matches your keyword',
      'Held: mentions only, and it does not mention you',
      'Not pushed: you were online',
      'Summary: 12 messages in 3 chats',
      'Held: paused (mentions you)',
    ]);
    expect(checkSentence({ push: false, reason: 'DND_APP_WINDOW', quietUntil: 1 })).toBe('No: quiet hours.');
    expect(checkSentence({ push: true, reason: 'PUSH', via: 'PRIORITY_SENDER' })).toBe('Yes, even through quiet hours: priority person.');
  });

  it('in Chinese', () => {
    expect(items.map((i) => activitySentence(i, zh.t, zh.locale))).toEqual([
      '已拦截：免打扰时段',
      '已推送：提到了你',
      '免打扰期间仍推送：重要联系人',
      '已推送：命中你的关键词',
      '已拦截：仅@我，但消息没有提到你',
      '未推送：你当时在线',
      '摘要：3 个聊天中有 12 条消息',
      '已拦截：已暂停（提到了你）',
    ]);
  });

  it('the view lists the trace with chat names and answers "Would this notify me?" with quietUntil', async () => {
    location.hash = '#activity';
    defaults(status());
    reply('getActivity', () => ({
      items: [
        { id: 'm2', ts: NOW - 60_000, push: true, reason: 'PUSH', via: 'PRIORITY_SENDER', from: 'bob', conversation: { id: 'g1', type: 'groupChat' }, chatName: 'Design team' },
        { id: 'm1', ts: NOW - 120_000, push: false, reason: 'DND_APP_WINDOW', from: 'carol', conversation: { id: 'g1', type: 'groupChat' }, chatName: 'Design team' },
      ],
    }));
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await screen.findByRole('heading', { name: 'Recent activity' });
    const sentences = await screen.findAllByTestId('activity-sentence');
    expect(sentences.map((s) => s.textContent)).toEqual(['Pushed through quiet hours: priority person', 'Held: quiet hours']);
    expect(screen.getByTestId('activity-list').textContent).toContain('from bob in Design team');
    const until = Date.UTC(2026, 10, 29, 6, 0);
    reply('checkPush', () => ({ push: false, reason: 'DND_APP_WINDOW', quietUntil: until }));
    await waitFor(() => expect((screen.getByLabelText('Chat') as HTMLSelectElement).options.length).toBe(2));
    fireEvent.change(screen.getByLabelText('Chat'), { target: { value: 'groupChat/g1' } });
    fireEvent.input(screen.getByLabelText('Sender (username)'), { target: { value: 'carol' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect((await screen.findByTestId('check-answer')).textContent).toMatch(/^No: quiet hours\. Quiet until tomorrow \d{1,2}:00 AM\.$/);
    expect(actions()).toEqual([{ name: 'checkPush', data: { conversation: { id: 'g1', type: 'groupChat' }, from: 'carol', mentioned: false } }]);
  });
});

describe('summary notification wording', () => {
  const s = {
    m: 's1', count: 12, mentions: 2, since: 1, badge: 12, ts: 2,
    conversations: [{ id: 'g1', type: 'groupChat' as const, count: 8, mentions: 2 }, { id: 'bob', type: 'singleChat' as const, count: 3, mentions: 0 }, { id: 'carol', type: 'singleChat' as const, count: 1, mentions: 0 }],
  };
  const names = (c: { id: string }) => (c.id === 'g1' ? 'Design team' : undefined);

  it('in English, with plurals', () => {
    expect(summaryNotification(s, names)).toEqual({ title: 'While you were quiet', body: '12 messages in 3 chats, 2 mention you\nDesign team: 8 · bob: 3 · carol: 1' });
    const one = { ...s, count: 1, mentions: 1, conversations: [{ id: 'bob', type: 'singleChat' as const, count: 1, mentions: 1 }] };
    expect(summaryNotification(one, () => undefined).body).toBe('1 message in 1 chat, 1 mentions you\nbob: 1');
  });

  it('in Chinese', () => {
    expect(summaryNotification(s, names, zh)).toEqual({ title: '免打扰期间', body: '3 个聊天中有 12 条消息，其中 2 条提到你\nDesign team：8 · bob：3 · carol：1' });
  });
});
