// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProtocolError } from '../../../src/shared/protocol.ts';
import { PopupApp } from '../../../src/popup/app.tsx';
import { actions, calls, conv, NOW, reply, resetFake, SIGNED_OUT, status } from './fake-protocol.ts';
import { errorOf, expectErrorNextTo } from './dom.ts';

vi.mock('../../../src/shared/protocol.ts', async (importActual) => {
  const real = await importActual<typeof import('../../../src/shared/protocol.ts')>();
  const fake = await import('./fake-protocol.ts');
  return { ...real, sendMessage: fake.fakeSendMessage };
});

const MIN = 60_000;
const HOUR = 60 * MIN;

function show(view = status(), clock = () => NOW) {
  reply('getStatus', () => view);
  return render(<PopupApp clock={clock} pollMs={0} tickMs={0} />);
}

beforeEach(() => resetFake());
afterEach(() => cleanup());

describe('popup states', () => {
  it('signed out: says so and offers the options page, nothing else', async () => {
    show(SIGNED_OUT);
    expect(await screen.findByText('Not signed in')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sign in on the options page' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: '30 min' })).toBeNull();
    expect(calls).toEqual([{ name: 'getStatus', data: {} }]);
  });

  it('expired session: asks to sign in again', async () => {
    show(status({ session: { expired: true } }));
    expect(await screen.findByText('Session expired')).toBeTruthy();
    expect(screen.getByText(/alice must sign in again/)).toBeTruthy();
  });

  it('signed in, not quiet, mode ALL: "notifications on" and the account', async () => {
    show();
    const title = await screen.findByTestId('status-title');
    expect(title.textContent).toContain('notifications on');
    // The panels below the status follow it a frame later (B5).
    expect((await screen.findByTestId('account')).textContent).toBe('alice @ 127.0.0.1:8080');
    expect(screen.queryByTestId('countdown')).toBeNull();
    expect((screen.getByLabelText('Every message') as HTMLInputElement).checked).toBe(true);
  });

  it('quiet in the daily window: until when, live countdown, and why', async () => {
    const view = status({
      app: { window: { start: 22 * 60, end: 7 * 60 } },
      quiet: { quiet: true, reason: 'DND_APP_WINDOW', quietUntil: NOW + 90 * MIN, nextChange: NOW + 90 * MIN },
    });
    let now = NOW;
    reply('getStatus', () => view);
    render(<PopupApp clock={() => now} pollMs={0} tickMs={20} />);
    expect((await screen.findByTestId('status-title')).textContent).toMatch(/^Quiet until /);
    expect(screen.getByTestId('countdown').textContent).toBe('1 h 30 min left');
    // The one Intl time format, in the UI language (en here).
    expect(screen.getByText('Daily quiet hours 10:00 PM–7:00 AM (Europe/Paris)')).toBeTruthy();
    now = NOW + 89 * MIN + 30_000;
    await waitFor(() => expect(screen.getByTestId('countdown').textContent).toBe('30 s left'));
  });

  it('quiet all day (window start = end): no countdown', async () => {
    show(status({ app: { window: { start: 600, end: 600 } }, quiet: { quiet: true, reason: 'DND_APP_WINDOW', quietUntil: null } }));
    expect((await screen.findByTestId('status-title')).textContent).toBe('Quiet all day');
    expect(screen.queryByTestId('countdown')).toBeNull();
  });

  it('paused: "paused until", countdown and a Resume button that resumes', async () => {
    const paused = status({ app: { durationUntil: NOW + 2 * HOUR }, quiet: { quiet: true, reason: 'DND_APP_DURATION', quietUntil: NOW + 2 * HOUR } });
    show(paused);
    expect((await screen.findByTestId('status-title')).textContent).toMatch(/^Paused until /);
    expect(screen.getByTestId('countdown').textContent).toBe('2 h left');
    expect(screen.getByText('You paused notifications.')).toBeTruthy();
    reply('resume', () => status());
    fireEvent.click(await screen.findByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(screen.getByTestId('status-title').textContent).toBe('Push notifications on'));
    expect(actions()).toEqual([{ name: 'resume', data: undefined }]);
  });

  it('mode AT and mode NONE have their own headline', async () => {
    show(status({ app: { type: 'AT' } }));
    expect((await screen.findByTestId('status-title')).textContent).toBe('Only @mentions notify you');
    cleanup();
    show(status({ app: { type: 'NONE' } }));
    expect((await screen.findByTestId('status-title')).textContent).toBe('Push notifications off');
  });

  it('signed in but no settings cached yet: claims nothing', async () => {
    show(status({ app: null }));
    expect((await screen.findByTestId('status-title')).textContent).toBe('Reading your push settings…');
    await screen.findByTestId('account');
    expect(screen.getAllByRole('radio').filter((r) => (r as HTMLInputElement).checked)).toEqual([]);
  });

  it('a queued pause looks pending, the retry is shown honestly, and unreachable is said once in words', async () => {
    show(status({
      pending: 2,
      pendingChanges: [{ kind: 'pause' }, { kind: 'conversation', conversation: { id: 'bob', type: 'singleChat' } }],
      nextRetryAt: NOW + 20_000,
      syncError: 'cannot reach http://127.0.0.1:8080: Failed to fetch',
      syncProblem: 'unreachable',
    }));
    const lines = (await screen.findAllByTestId('pending')).map((p) => p.textContent?.trim());
    expect(lines).toEqual(['Pausing… waiting for the server', 'Saving chat settings… waiting for the server']);
    expect(screen.getByTestId('sync-error').textContent).toBe('The server cannot be reached. Your changes are kept and sent as soon as it answers.');
    expect(screen.getByTestId('next-retry').textContent).toMatch(/^Next try at .+ \(in 20 s\)\. Try now$/);
    expect(document.body.textContent).not.toContain('Failed to fetch');
    reply('refresh', () => status());
    fireEvent.click(screen.getByRole('button', { name: 'Try now' }));
    await waitFor(() => expect(calls.some((c) => c.name === 'refresh')).toBe(true));
  });

  it('a pause then a resume both queued: only "Resuming…" is shown; a refused change says why', async () => {
    show(status({ pending: 2, pendingChanges: [{ kind: 'pause' }, { kind: 'resume' }], syncError: 'durationMs -1: must be ≥ 0', syncProblem: 'refused' }));
    expect((await screen.findAllByTestId('pending')).map((p) => p.textContent?.trim())).toEqual(['Resuming… waiting for the server']);
    expect(screen.getByTestId('sync-error').textContent).toBe('The server refused a change, so it was not applied: durationMs -1: must be ≥ 0');
  });

  it('current tab chat present: its id (as text), mode and mute; absent: a hint', async () => {
    show(status({ currentChat: conv('<b>team</b>', 'groupChat', { type: 'AT' }) }));
    expect((await screen.findByTestId('chat-name')).textContent).toBe('Group <b>team</b>');
    expect((screen.getByLabelText('Only @mentions', { selector: '#chat-mode-AT' }) as HTMLInputElement).checked).toBe(true);
    cleanup();
    show();
    expect(await screen.findByTestId('no-chat')).toBeTruthy();
    expect(screen.queryByTestId('chat-name')).toBeNull();
  });

  it('re-reads the cached status while open, so a background refresh shows up', async () => {
    const views = [status(), status({ app: { type: 'AT' } })];
    reply('getStatus', () => views[Math.min(calls.length - 1, 1)]);
    render(<PopupApp clock={() => NOW} pollMs={20} tickMs={0} />);
    expect((await screen.findByTestId('status-title')).textContent).toBe('Push notifications on');
    await waitFor(() => expect(screen.getByTestId('status-title').textContent).toBe('Only @mentions notify you'));
  });

  it('an action result computed without the tab keeps the chat the popup was opened on', async () => {
    show(status({ currentChat: conv('team', 'groupChat') }));
    reply('pause', () => status({ currentChat: null }));
    fireEvent.click(await screen.findByRole('button', { name: '30 min' }));
    await waitFor(() => expect(actions()).toHaveLength(1));
    expect(screen.getByTestId('chat-name').textContent).toBe('Group team');
  });

  it('the signed-out button opens the options page', async () => {
    const openOptionsPage = vi.fn(async () => undefined);
    (globalThis as { chrome?: unknown }).chrome = { runtime: { openOptionsPage } };
    try {
      show(SIGNED_OUT);
      fireEvent.click(await screen.findByRole('button', { name: 'Sign in on the options page' }));
      expect(openOptionsPage).toHaveBeenCalledTimes(1);
    } finally {
      delete (globalThis as { chrome?: unknown }).chrome;
    }
  });

  it('a failing status read is shown in the live region', async () => {
    reply('getStatus', () => {
      throw new ProtocolError('unreachable', 'background not ready');
    });
    render(<PopupApp clock={() => NOW} pollMs={0} tickMs={0} />);
    // Said once, in words, with what to do (not the raw "cannot reach http://…: Failed to fetch").
    expect((await screen.findByRole('status')).textContent).toBe('The server cannot be reached. Check your connection and the server address, then try again.');
  });
});

describe('popup controls send the right message', () => {
  it.each([
    ['30 min', 30 * MIN],
    ['1 h', HOUR],
    ['2 h', 2 * HOUR],
    ['4 h', 4 * HOUR],
    ['8 h', 8 * HOUR],
  ])('pause preset %s', async (label, ms) => {
    show();
    reply('pause', () => status({ app: { durationUntil: NOW + ms }, quiet: { quiet: true, reason: 'DND_APP_DURATION', quietUntil: NOW + ms } }));
    fireEvent.click(await screen.findByRole('button', { name: label }));
    await waitFor(() => expect(screen.getByTestId('status-title').textContent).toMatch(/^Paused until/));
    expect(actions()).toEqual([{ name: 'pause', data: { durationMs: ms } }]);
  });

  it.each([
    ['Europe/Paris', NOW, 10 * HOUR], // 22:00 in Paris → 08:00 next day
    ['America/New_York', NOW, 16 * HOUR], // 16:00 in New York → 08:00 next day
    ['Asia/Tokyo', Date.UTC(2026, 10, 28, 14, 0), 9 * HOUR], // 23:00 in Tokyo → 08:00 next day
    ['Asia/Tokyo', Date.UTC(2026, 10, 28, 15, 30), 7 * HOUR + 30 * MIN], // 00:30, not slept yet → the coming 08:00
    ['Asia/Tokyo', Date.UTC(2026, 10, 28, 19, 0), 28 * HOUR], // 04:00 counts as morning already → 08:00 the next day
    ['Europe/Paris', Date.UTC(2027, 2, 27, 12, 0), 18 * HOUR], // clocks go forward that night: 13:00 CET → 08:00 CEST is 18 h
  ])('"until tomorrow morning" in %s is the next 08:00 after the night', async (zone, now, ms) => {
    show(status({ timeZone: zone }), () => now);
    reply('pause', () => status());
    fireEvent.click(await screen.findByRole('button', { name: 'Until tomorrow morning' }));
    await waitFor(() => expect(actions()).toEqual([{ name: 'pause', data: { durationMs: ms } }]));
  });

  it('custom pause in minutes and in hours', async () => {
    show();
    reply('pause', () => status());
    fireEvent.input(await screen.findByLabelText('Custom length'), { target: { value: '90' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(actions()).toHaveLength(1));
    fireEvent.input(screen.getByLabelText('Custom length'), { target: { value: '2.5' } });
    fireEvent.change(screen.getByLabelText('Unit'), { target: { value: 'hours' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(actions()).toHaveLength(2));
    expect(actions().map((c) => c.data)).toEqual([{ durationMs: 90 * MIN }, { durationMs: 2.5 * HOUR }]);
  });

  it.each([
    ['0', 'minutes', 'Enter a length from 1 minute to 7 days.'],
    ['169', 'hours', 'Enter a length from 1 minute to 7 days.'],
    ['-5', 'minutes', 'Enter a length from 1 minute to 7 days.'],
    ['', 'minutes', 'Enter a number.'],
  ])('custom pause %s %s is refused next to the field, nothing sent', async (value, unit, message) => {
    show();
    fireEvent.input(await screen.findByLabelText('Custom length'), { target: { value } });
    fireEvent.change(screen.getByLabelText('Unit'), { target: { value: unit } });
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await expectErrorNextTo('Custom length', message);
    expect(actions()).toEqual([]);
  });

  it('7 days exactly is allowed', async () => {
    show();
    reply('pause', () => status());
    fireEvent.input(await screen.findByLabelText('Custom length'), { target: { value: '168' } });
    fireEvent.change(screen.getByLabelText('Unit'), { target: { value: 'hours' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(actions()).toEqual([{ name: 'pause', data: { durationMs: 604_800_000 } }]));
  });

  it('a ProtocolError naming durationMs shows next to the custom field; others in the live region', async () => {
    show();
    reply('pause', () => {
      throw new ProtocolError('invalid_argument', 'durationMs 5400000: must be from 0 to 604800000 ms', 'durationMs');
    });
    fireEvent.input(await screen.findByLabelText('Custom length'), { target: { value: '90' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await expectErrorNextTo('Custom length', 'durationMs 5400000: must be from 0 to 604800000 ms');

    reply('pause', () => {
      throw new ProtocolError('signed_out', 'sign in first');
    });
    fireEvent.click(screen.getByRole('button', { name: '1 h' }));
    await waitFor(() => expect(screen.getAllByRole('status').some((s) => s.textContent === 'You are not signed in. Sign in on the options page.')).toBe(true));
    expect(errorOf(screen.getByLabelText('Custom length'))).toBeNull();
  });

  it("core's SDK field name (options.duration) from the background also lands next to the custom field", async () => {
    show();
    reply('pause', () => {
      throw new ProtocolError('invalid_argument', 'options.duration 0: must be from 0 to 604800000 ms', 'options.duration');
    });
    fireEvent.input(await screen.findByLabelText('Custom length'), { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await expectErrorNextTo('Custom length', 'options.duration 0');
  });

  it('app push mode radios', async () => {
    show();
    reply('setAppRemindType', (d) => status({ app: { type: (d as { remindType: 'AT' }).remindType } }));
    fireEvent.click(await screen.findByLabelText('Only @mentions'));
    await waitFor(() => expect(screen.getByTestId('status-title').textContent).toBe('Only @mentions notify you'));
    fireEvent.click(screen.getByLabelText('Nothing'));
    await waitFor(() => expect(screen.getByTestId('status-title').textContent).toBe('Push notifications off'));
    expect(actions()).toEqual([
      { name: 'setAppRemindType', data: { remindType: 'AT' } },
      { name: 'setAppRemindType', data: { remindType: 'NONE' } },
    ]);
  });

  it('current chat: mode (incl. follow app), mute and unmute', async () => {
    const chat = conv('team', 'groupChat');
    show(status({ currentChat: chat }));
    reply('setConversation', (d) => {
      const a = d as { remindType?: string; durationMs?: number };
      if (a.durationMs !== undefined) return conv('team', 'groupChat', { durationUntil: a.durationMs ? NOW + a.durationMs : 0 });
      return conv('team', 'groupChat', a.remindType === 'DEFAULT' ? {} : { type: a.remindType as 'AT' });
    });
    fireEvent.click(await screen.findByLabelText('Only @mentions', { selector: '#chat-mode-AT' }));
    await waitFor(() => expect((screen.getByLabelText('Only @mentions', { selector: '#chat-mode-AT' }) as HTMLInputElement).checked).toBe(true));
    fireEvent.click(screen.getByLabelText('Follow app setting'));
    await waitFor(() => expect(actions()).toHaveLength(2));
    const chatPanel = screen.getByRole('region', { name: 'This chat' });
    fireEvent.click(within(chatPanel).getByRole('button', { name: '8 h' }));
    await screen.findByText(/^Muted until /);
    fireEvent.click(screen.getByRole('button', { name: 'Unmute' }));
    await waitFor(() => expect(screen.queryByText(/^Muted until /)).toBeNull());
    const conversation = { id: 'team', type: 'groupChat' };
    expect(actions()).toEqual([
      { name: 'setConversation', data: { conversation, remindType: 'AT' } },
      { name: 'setConversation', data: { conversation, remindType: 'DEFAULT' } },
      { name: 'setConversation', data: { conversation, durationMs: 8 * HOUR } },
      { name: 'setConversation', data: { conversation, durationMs: 0 } },
    ]);
  });
});
