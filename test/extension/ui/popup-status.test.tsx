// @vitest-environment happy-dom
/** Issue 11 in the popup: what comes next, "not tonight", the badge count, undo, one per-chat control, focus. */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PopupApp } from '../../../src/popup/app.tsx';
import type { StatusView } from '../../../src/shared/protocol.ts';
import { actions, conv, NOW, reply, resetFake, status } from './fake-protocol.ts';

vi.mock('../../../src/shared/protocol.ts', async (importActual) => {
  const real = await importActual<typeof import('../../../src/shared/protocol.ts')>();
  const fake = await import('./fake-protocol.ts');
  return { ...real, sendMessage: fake.fakeSendMessage };
});

const MIN = 60_000;
const HOUR = 60 * MIN;
// NOW is 2026-11-28 21:00 UTC = 22:00 in Paris.
const WINDOW = { start: 23 * 60, end: 7 * 60 };

function show(view: StatusView) {
  reply('getStatus', () => view);
  return render(<PopupApp clock={() => NOW} pollMs={0} tickMs={0} />);
}

beforeEach(() => resetFake());
afterEach(() => cleanup());

describe('status: what comes next', () => {
  it('says when quiet hours start while they are not on', async () => {
    show(status({ app: { window: WINDOW } }));
    expect((await screen.findByTestId('upcoming')).textContent).toBe('Quiet hours 11:00 PM–7:00 AM start in 1 h');
  });

  it('hides "Not tonight" when the server does not return windowSkipUntil', async () => {
    show(status({ app: { window: WINDOW }, windowSkipUntil: null }));
    await screen.findByTestId('upcoming');
    expect(screen.queryByRole('button', { name: 'Not tonight' })).toBeNull();
  });

  it('"Not tonight" skips until tonight\'s window ends, and can be taken back', async () => {
    show(status({ app: { window: WINDOW }, windowSkipUntil: 0 }));
    const end = Date.UTC(2026, 10, 29, 6, 0); // 07:00 Paris tomorrow
    reply('skipWindow', () => status({ app: { window: WINDOW }, windowSkipUntil: end }));
    fireEvent.click(await screen.findByRole('button', { name: 'Not tonight' }));
    await waitFor(() => expect(screen.getByTestId('upcoming').textContent).toMatch(/^Quiet hours skipped until tomorrow \d{1,2}:00 AM$/));
    reply('skipWindow', () => status({ app: { window: WINDOW }, windowSkipUntil: 0 }));
    fireEvent.click(screen.getByRole('button', { name: "Keep tonight's quiet hours" }));
    await waitFor(() => expect(screen.getByTestId('upcoming').textContent).toMatch(/start in 1 h$/));
    expect(actions()).toEqual([{ name: 'skipWindow', data: { until: end } }, { name: 'skipWindow', data: { until: 0 } }]);
  });

  it('explains the number on the badge', async () => {
    show(status({ offlineCount: 1, badge: { text: '1', title: '' } }));
    expect((await screen.findByTestId('offline-count')).textContent).toBe('1 offline message. The number on the icon counts messages that arrived while none of your devices was online.');
    cleanup();
    show(status({ offlineCount: 4 }));
    expect((await screen.findByTestId('offline-count')).textContent).toMatch(/^4 offline messages\./);
  });

  it('a pause ending in more than a day shows its date; a paused headline counts down to the pause end', async () => {
    const until = NOW + 6 * 24 * HOUR;
    show(status({ app: { durationUntil: until }, quiet: { quiet: true, reason: 'DND_APP_DURATION', quietUntil: until } }));
    expect((await screen.findByTestId('status-title')).textContent).toMatch(/^Paused until [A-Z][a-z]{2}, [A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2} [AP]M$/);
  });

  it('offers to undo a change made from the keyboard, a menu or a notification', async () => {
    show(status({ quickAction: { at: NOW - MIN, text: 'Notifications paused for 1 hour' } }));
    expect((await screen.findByTestId('quick-action')).textContent).toContain('Notifications paused for 1 hour');
    reply('undoQuickAction', () => status());
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(screen.queryByTestId('quick-action')).toBeNull());
    expect(actions()).toEqual([{ name: 'undoQuickAction', data: undefined }]);
  });
});

describe('pause presets', () => {
  it('"until next week" pauses to Monday 08:00 in the browser zone', async () => {
    // Saturday 22:00 Paris → Monday 08:00 Paris = 34 h.
    show(status());
    reply('pause', () => status());
    fireEvent.click(await screen.findByRole('button', { name: 'Until next week' }));
    await waitFor(() => expect(actions()).toEqual([{ name: 'pause', data: { durationMs: 34 * HOUR } }]));
  });

  it('"pick a date and time" pauses until the picked moment, at most 7 days ahead', async () => {
    show(status());
    fireEvent.click(await screen.findByRole('button', { name: 'Pick a date and time…' }));
    const picker = screen.getByLabelText('Pause until') as HTMLInputElement;
    fireEvent.input(picker, { target: { value: '2027-01-20T08:00' } });
    fireEvent.click(within(picker.closest('form')!).getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(picker.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(picker.getAttribute('aria-describedby')!)?.textContent).toBe('Choose a moment from 1 minute to 7 days from now.');
    const at = new Date(NOW + 2 * HOUR);
    const p = (n: number) => String(n).padStart(2, '0');
    fireEvent.input(picker, { target: { value: `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}T${p(at.getHours())}:${p(at.getMinutes())}` } });
    reply('pause', () => status());
    fireEvent.click(within(picker.closest('form')!).getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(actions()).toEqual([{ name: 'pause', data: { durationMs: 2 * HOUR } }]));
  });

  it('keeps focus on the preset after it was pressed, and moves it to the headline after Resume', async () => {
    show(status());
    const oneHour = await screen.findByRole('button', { name: '1 h' });
    oneHour.focus();
    let resolve!: (v: StatusView) => void;
    const paused = status({ app: { durationUntil: NOW + HOUR }, quiet: { quiet: true, reason: 'DND_APP_DURATION', quietUntil: NOW + HOUR } });
    reply('pause', () => new Promise<StatusView>((r) => (resolve = r)));
    fireEvent.click(oneHour);
    // Busy, but not disabled: a disabled button would drop the focus to the page.
    expect((oneHour as HTMLButtonElement).disabled).toBe(false);
    expect(document.activeElement).toBe(oneHour);
    resolve(paused);
    await waitFor(() => expect(screen.getByTestId('status-title').textContent).toMatch(/^Paused until/));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: '1 h' }));
    reply('resume', () => status());
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('status-title')));
  });
});

describe('this chat', () => {
  it('shows the name, offers no "Only @mentions" for a direct chat, and mutes until turned back on', async () => {
    show(status({ currentChat: { ...conv('bob', 'singleChat'), name: 'Bob Li' } }));
    expect((await screen.findByTestId('chat-name')).textContent).toBe('Direct chat Bob Li');
    const panel = screen.getByRole('region', { name: 'This chat' });
    expect(within(panel).getAllByRole('radio').map((r) => (r as HTMLInputElement).value)).toEqual(['DEFAULT', 'ALL', 'NONE']);
    expect(within(panel).getAllByRole('button').map((b) => b.textContent)).toEqual(['1 h', '8 h', '2 days', '7 days', 'Until I turn it back on']);
    reply('setConversation', () => ({ ...conv('bob', 'singleChat', { type: 'NONE' }), name: 'Bob Li', pending: true }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Until I turn it back on' }));
    await within(panel).findByText('Muted until you turn it back on');
    expect(within(panel).getByTestId('chat-pending').textContent).toBe('Saving… waiting for the server');
    reply('setConversation', () => ({ ...conv('bob', 'singleChat'), name: 'Bob Li' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Unmute' }));
    await waitFor(() => expect(within(panel).queryByText('Muted until you turn it back on')).toBeNull());
    const conversation = { id: 'bob', type: 'singleChat' };
    expect(actions()).toEqual([
      { name: 'setConversation', data: { conversation, remindType: 'NONE' } },
      { name: 'setConversation', data: { conversation, remindType: 'DEFAULT', durationMs: 0 } },
    ]);
  });

  it('a group keeps "Only @mentions"', async () => {
    show(status({ currentChat: { ...conv('g1', 'groupChat'), name: 'Team' } }));
    const panel = await screen.findByRole('region', { name: 'This chat' });
    expect(within(panel).getAllByRole('radio').map((r) => (r as HTMLInputElement).value)).toEqual(['DEFAULT', 'ALL', 'AT', 'NONE']);
  });
});

describe('not tonight, refused', () => {
  it('says why when the background refuses it', async () => {
    show(status({ app: { window: WINDOW }, windowSkipUntil: 0 }));
    const { ProtocolError } = await import('../../../src/shared/protocol.ts');
    reply('skipWindow', () => {
      throw new ProtocolError('invalid_argument', 'this server cannot skip quiet hours once; update the server', 'until');
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Not tonight' }));
    await waitFor(() => expect(screen.getAllByRole('status').some((s) => s.textContent === 'this server cannot skip quiet hours once; update the server')).toBe(true));
  });
});
