// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProtocolError, type StatusView } from '../../../src/shared/protocol.ts';
import { OptionsApp } from '../../../src/options/app.tsx';
import { actions, calls, conv, NOW, PUSH, reply, resetFake, SIGNED_OUT, status } from './fake-protocol.ts';
import { errorOf, expectErrorNextTo } from './dom.ts';

vi.mock('../../../src/shared/protocol.ts', async (importActual) => {
  const real = await importActual<typeof import('../../../src/shared/protocol.ts')>();
  const fake = await import('./fake-protocol.ts');
  return { ...real, sendMessage: fake.fakeSendMessage };
});

const HOUR = 3_600_000;

/** Default replies for the reads every section makes on its own. */
function defaults(view: StatusView): void {
  reply('getStatus', () => view);
  reply('getChatPatterns', () => ({ patterns: ['http://127.0.0.1:8080/#/chat/{type}/{id}'] }));
  reply('getLanguage', () => ({ language: '' }));
  reply('getPushStatus', () => PUSH);
  reply('listConversations', () => ({ items: [], stale: false }));
  reply('getRecentSenders', () => ({ senders: [] }));
  reply('getGatewayStatus', () => ({ gateway: false, upstreamAppKey: '', mirror: null }));
}

async function show(view: StatusView = status()) {
  defaults(view);
  const r = render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
  await screen.findByRole('heading', { name: 'Account' });
  return r;
}

const region = (name: string) => screen.getByRole('region', { name });
const input = (label: string | RegExp) => screen.getByLabelText(label) as HTMLInputElement;
const type = (label: string | RegExp, value: string) => fireEvent.input(input(label), { target: { value } });

beforeEach(() => resetFake());
afterEach(() => {
  cleanup();
  delete (globalThis as { chrome?: unknown }).chrome;
});

describe('account', () => {
  it('signs in with the form values (defaults: local server, demo#im) and shows who is signed in', async () => {
    await show(SIGNED_OUT);
    expect(input('Server URL').value).toBe('http://127.0.0.1:8080');
    expect(input('App key').value).toBe('demo#im');
    type('Username', 'alice');
    type('Password', 'alice');
    reply('signIn', () => status());
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByTestId('signed-in-as')).textContent).toBe('Signed in as alice on http://127.0.0.1:8080 (demo#im)');
    expect(actions()).toEqual([{ name: 'signIn', data: { serverUrl: 'http://127.0.0.1:8080', appKey: 'demo#im', username: 'alice', password: 'alice' } }]);
  });

  it('asks for host permission for another server before signing in', async () => {
    const request = vi.fn(async () => true);
    (globalThis as { chrome?: unknown }).chrome = { permissions: { request, contains: vi.fn() } };
    await show(SIGNED_OUT);
    type('Server URL', 'https://chat.example.com:8443/');
    type('Username', 'bob');
    type('Password', 'pw');
    reply('signIn', () => status({ session: { username: 'bob', serverUrl: 'https://chat.example.com:8443' } }));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByTestId('signed-in-as');
    expect(request).toHaveBeenCalledWith({ origins: ['https://chat.example.com/*'] });
    expect(actions()).toEqual([{ name: 'signIn', data: { serverUrl: 'https://chat.example.com:8443', appKey: 'demo#im', username: 'bob', password: 'pw' } }]);
  });

  it('a refused host permission is shown next to the server URL and nothing is sent', async () => {
    (globalThis as { chrome?: unknown }).chrome = { permissions: { request: async () => false, contains: async () => false } };
    await show(SIGNED_OUT);
    type('Server URL', 'https://chat.example.com');
    type('Username', 'bob');
    type('Password', 'pw');
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await expectErrorNextTo('Server URL', 'https://chat.example.com/*');
    expect(actions()).toEqual([]);
  });

  it.each([
    ['Server URL', 'ftp://x', 'Enter an http:// or https:// address'],
    ['App key', 'demo', 'org#app'],
    ['Username', 'al ice', '1–64 characters'],
    ['Password', '', 'Enter your password.'],
  ])('bad %s (%j) is refused next to the field before sending', async (label, value, message) => {
    await show(SIGNED_OUT);
    type('Username', 'alice');
    type('Password', 'pw');
    type(label, value);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await expectErrorNextTo(label, message);
    expect(actions()).toEqual([]);
  });

  it('a ProtocolError naming a field from the background lands next to that field', async () => {
    await show(SIGNED_OUT);
    type('Username', 'alice');
    type('Password', 'wrong');
    reply('signIn', () => {
      throw new ProtocolError('invalid_argument', 'wrong username or password', 'password');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await expectErrorNextTo('Password', 'wrong username or password');
    // Kept for the retry, and focused: the field at fault.
    expect(input('Password').value).toBe('wrong');
    expect(document.activeElement).toBe(input('Password'));
  });

  it('starts from the last account used here (never a password) after sign-out', async () => {
    await show(status({ ...SIGNED_OUT, lastAccount: { serverUrl: 'https://chat.example.com', appKey: 'acme#chat', username: 'alice' } }));
    expect(input('Server URL').value).toBe('https://chat.example.com');
    expect(input('App key').value).toBe('acme#chat');
    expect(input('Username').value).toBe('alice');
    expect(input('Password').value).toBe('');
  });

  it('an unreachable server is marked on the server address, once, and the password is kept', async () => {
    await show(SIGNED_OUT);
    type('Username', 'alice');
    type('Password', 'secret');
    reply('signIn', () => {
      throw new ProtocolError('unreachable', 'cannot reach http://127.0.0.1:8080: Failed to fetch');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await expectErrorNextTo('Server URL', 'Cannot reach 127.0.0.1:8080. Check the address and that the server is running.');
    expect(input('Password').value).toBe('secret');
    expect(document.activeElement).toBe(input('Server URL'));
    expect(document.body.textContent).not.toContain('Failed to fetch');
  });

  it('no stale panels after sign-in: push delivery is read again for the new session', async () => {
    await show(SIGNED_OUT);
    type('Username', 'alice');
    type('Password', 'alice');
    reply('signIn', () => status({ push: { channel: 'none', bound: false, streamConnected: false, lastPushAt: 0, lastError: '' } }));
    reply('getPushStatus', () => ({ channel: 'stream', bound: true, streamConnected: true, lastPushAt: 0, lastError: '' }));
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByTestId('push-status').textContent).toContain('Push stream'));
    // Read after the sign-in, not kept from before it (the default pattern follows the server).
    const signedInAt = calls.findIndex((c) => c.name === 'signIn');
    expect(calls.findLastIndex((c) => c.name === 'getPushStatus')).toBeGreaterThan(signedInAt);
    expect(calls.findLastIndex((c) => c.name === 'getChatPatterns')).toBeGreaterThan(signedInAt);
  });

  it('signs out', async () => {
    await show();
    reply('signOut', () => SIGNED_OUT);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByRole('button', { name: 'Sign in' });
    expect(actions()).toEqual([{ name: 'signOut', data: undefined }]);
    expect(screen.queryByRole('region', { name: 'Daily quiet hours' })).toBeNull();
  });
});

describe('gateway (SPEC 9.2)', () => {
  it('names the app a gateway connects to, and that settings are copied there with how many wait', async () => {
    defaults(status());
    reply('getGatewayStatus', () => ({ gateway: true, upstreamAppKey: 'acme#chat', mirror: { enabled: true, pending: 2 } }));
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await screen.findByRole('heading', { name: 'Account' });
    const account = region('Account');
    expect((await within(account).findByTestId('gateway-line')).textContent).toBe('Connected through a gateway to acme#chat');
    expect(within(account).getByTestId('gateway-mirror').textContent).toBe('Settings are copied to your app (2 waiting)');
    expect(within(account).queryByTestId('gateway-mirror-error')).toBeNull();
  });

  it('says in words what the last copy that failed was about', async () => {
    defaults(status());
    reply('getGatewayStatus', () => ({
      gateway: true, upstreamAppKey: 'acme#chat',
      mirror: { enabled: true, pending: 0, lastError: { at: NOW - 60_000, what: 'app', error: 'the upstream refused the app settings (HTTP 400: bad)' } },
    }));
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    expect((await screen.findByTestId('gateway-mirror')).textContent).toBe('Settings are copied to your app');
    expect(screen.getByTestId('gateway-mirror-error').textContent).toMatch(/^Copying your push mode and quiet hours to your app failed \(.+\): the upstream refused the app settings \(HTTP 400: bad\)$/);
  });

  it('a gateway that does not copy settings says they stay here', async () => {
    defaults(status());
    reply('getGatewayStatus', () => ({ gateway: true, upstreamAppKey: 'acme#chat', mirror: { enabled: false, pending: 0 } }));
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    expect((await screen.findByTestId('gateway-mirror')).textContent).toMatch(/^Settings stay here/);
  });

  it('shows nothing for a normal server, or when the background cannot ask', async () => {
    await show();
    await waitFor(() => expect(calls.some((c) => c.name === 'getGatewayStatus')).toBe(true));
    expect(screen.queryByTestId('gateway')).toBeNull();
    cleanup();
    defaults(status());
    reply('getGatewayStatus', () => {
      throw new ProtocolError('unreachable', 'cannot reach');
    });
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await screen.findByTestId('signed-in-as');
    await waitFor(() => expect(calls.filter((c) => c.name === 'getGatewayStatus')).toHaveLength(2));
    expect(screen.queryByTestId('gateway')).toBeNull();
    expect(screen.queryByText(/cannot reach/)).toBeNull();
  });

  it('is not asked while signed out', async () => {
    await show(SIGNED_OUT);
    expect(calls.some((c) => c.name === 'getGatewayStatus')).toBe(false);
  });
});

describe('push mode, quiet hours, pause', () => {
  it('app push mode radios', async () => {
    await show();
    reply('setAppRemindType', () => status({ app: { type: 'NONE' } }));
    fireEvent.click(within(region('Push mode for all chats')).getByLabelText('Nothing'));
    await waitFor(() => expect((within(region('Push mode for all chats')).getByLabelText('Nothing') as HTMLInputElement).checked).toBe(true));
    expect(actions()).toEqual([{ name: 'setAppRemindType', data: { remindType: 'NONE' } }]);
  });

  it('shows the stored window in the time pickers with the time zone, saves a new one', async () => {
    await show(status({ app: { window: { start: 22 * 60, end: 7 * 60 } } }));
    expect(input('From').value).toBe('22:00');
    expect(input('To').value).toBe('07:00');
    expect(screen.getByTestId('time-zone').textContent).toBe('Time zone: Europe/Paris');
    reply('setQuietHours', () => status({ app: { window: { start: 23 * 60 + 30, end: 6 * 60 } } }));
    type('From', '23:30');
    type('To', '06:00');
    fireEvent.click(within(region('Daily quiet hours')).getByRole('button', { name: 'Save' }));
    await within(region('Daily quiet hours')).findByText('Saved.');
    expect(actions()).toEqual([{ name: 'setQuietHours', data: { window: { start: { hours: 23, minutes: 30 }, end: { hours: 6, minutes: 0 } } } }]);
  });

  it('the off switch saves window null', async () => {
    await show(status({ app: { window: { start: 22 * 60, end: 7 * 60 } } }));
    reply('setQuietHours', () => status());
    const toggle = input('Quiet hours on');
    expect(toggle.checked).toBe(true);
    fireEvent.click(toggle);
    await waitFor(() => expect(input('From').disabled).toBe(true));
    fireEvent.click(within(region('Daily quiet hours')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(actions()).toEqual([{ name: 'setQuietHours', data: { window: null } }]));
  });

  it('an empty or impossible time is refused next to its picker, nothing sent', async () => {
    await show(status({ app: { window: { start: 22 * 60, end: 7 * 60 } } }));
    type('To', '');
    fireEvent.click(within(region('Daily quiet hours')).getByRole('button', { name: 'Save' }));
    await expectErrorNextTo('To', 'Pick a time.');
    type('To', '07:00');
    type('From', '24:10');
    fireEvent.click(within(region('Daily quiet hours')).getByRole('button', { name: 'Save' }));
    // A time input never yields an impossible time (the browser empties it), so it reads as empty.
    await expectErrorNextTo('From', 'Pick a time.');
    expect(actions()).toEqual([]);
  });

  it('a background error on window.start shows next to the start picker', async () => {
    await show();
    reply('setQuietHours', () => {
      throw new ProtocolError('invalid_argument', 'window.start.hours 25: hours must be an integer from 0 to 23', 'window.start.hours');
    });
    fireEvent.click(input('Quiet hours on'));
    fireEvent.click(within(region('Daily quiet hours')).getByRole('button', { name: 'Save' }));
    await expectErrorNextTo('From', 'window.start.hours 25');
    expect(errorOf(input('To'))).toBeNull();
  });

  it('pauses for N hours and resumes', async () => {
    await show();
    reply('pause', (d) => status({ app: { durationUntil: NOW + (d as { durationMs: number }).durationMs } }));
    type('Pause all pushes for', '3');
    fireEvent.change(within(region('Do not disturb')).getByLabelText('Unit'), { target: { value: 'hours' } });
    fireEvent.click(within(region('Do not disturb')).getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(screen.getByTestId('dnd-state').textContent).toMatch(/^Paused until /));
    reply('resume', () => status());
    fireEvent.click(within(region('Do not disturb')).getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(screen.getByTestId('dnd-state').textContent).toBe('Not paused.'));
    expect(actions()).toEqual([{ name: 'pause', data: { durationMs: 3 * HOUR } }, { name: 'resume', data: undefined }]);
  });

  it('a pause longer than 7 days is refused next to the field', async () => {
    await show();
    type('Pause all pushes for', '10081');
    fireEvent.click(within(region('Do not disturb')).getByRole('button', { name: 'Pause' }));
    await expectErrorNextTo('Pause all pushes for', 'Enter a length from 1 minute to 7 days.');
    expect(actions()).toEqual([]);
  });
});

describe('conversations', () => {
  const MIN = 60_000;
  const known = [
    conv('g1', 'groupChat', { type: 'AT' }),
    { ...conv('g2', 'groupChat', { durationUntil: NOW + 90 * MIN }), name: 'Design team' },
    { ...conv('bob', 'singleChat', { type: 'NONE' }), name: 'Bob Li' },
    { ...conv('r9', 'chatRoom'), name: 'Lobby' },
    { ...conv('carol', 'singleChat'), name: 'Carol' },
  ];
  const list = () => ({ items: known, stale: false });
  const rowOf = (name: string) => screen.getAllByTestId('conversation-row').find((r) => r.textContent?.includes(name))!;

  it('one list of every muted chat: a timed mute without a mode is listed with time left, name, mode and "follows app setting"', async () => {
    defaults(status());
    reply('listConversations', list);
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(3));
    // Sorted by the name shown; groups by their name, people by their nickname, else the id.
    expect(screen.getAllByTestId('conversation-row').map((r) => r.querySelector('.conv-id')?.textContent)).toEqual(['Bob Li', 'Design team', 'g1']);
    const design = rowOf('Design team');
    expect(within(design).getByTestId('conv-mode').textContent).toBe('Follows app setting');
    expect(within(design).getByTestId('conv-muted').textContent).toMatch(/^Muted until .+ \(1 h 30 min left\)$/);
    expect(within(rowOf('Bob Li')).getByTestId('conv-mode').textContent).toBe('Nothing');
    expect(screen.queryByText('Lobby', { selector: '.conv-id' })).toBeNull();
    expect(calls.filter((c) => c.name === 'listConversations')).toEqual([{ name: 'listConversations', data: undefined }]);

    // Undo the timed mute: the row leaves the list and becomes a choice of the add form.
    reply('setConversation', () => ({ ...conv('g2', 'groupChat'), name: 'Design team' }));
    fireEvent.click(within(design).getByRole('button', { name: 'Clear settings of Group Design team' }));
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(2));
    expect(actions()).toEqual([{ name: 'setConversation', data: { conversation: { id: 'g2', type: 'groupChat' }, remindType: 'DEFAULT', durationMs: 0 } }]);
    expect([...document.querySelectorAll('#add-choices option')].map((o) => (o as HTMLOptionElement).value)).toContain('Design team (g2) — Group');
  });

  it('edits a conversation with one control for mode and mute; a direct chat is not offered "Only @mentions"', async () => {
    defaults(status());
    reply('listConversations', list);
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(3));
    fireEvent.click(screen.getByRole('button', { name: 'Edit Direct chat Bob Li' }));
    const bobMode = within(rowOf('Bob Li')).getByLabelText('Mode') as HTMLSelectElement;
    expect([...bobMode.options].map((o) => o.value)).toEqual(['DEFAULT', 'ALL', 'NONE']);
    fireEvent.click(within(rowOf('Bob Li')).getByRole('button', { name: 'Cancel' }));
    reply('setConversation', (d) => {
      const a = d as { conversation: { id: string; type: 'groupChat' }; remindType: string; durationMs?: number };
      return conv(a.conversation.id, a.conversation.type, { type: a.remindType as 'ALL', durationUntil: NOW + (a.durationMs ?? 0) });
    });
    fireEvent.click(screen.getByRole('button', { name: 'Edit Group g1' }));
    fireEvent.change(within(rowOf('g1')).getByLabelText('Mode'), { target: { value: 'ALL' } });
    fireEvent.change(within(rowOf('g1')).getByLabelText('Mute'), { target: { value: String(48 * HOUR) } });
    fireEvent.click(within(rowOf('g1')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(rowOf('g1')).getByTestId('conv-muted').textContent).toMatch(/\(2 d left\)/));
    // Focus goes back to the row's Edit button, not to the page.
    expect(document.activeElement).toBe(within(rowOf('g1')).getByRole('button', { name: 'Edit Group g1' }));
    expect(actions()).toEqual([{ name: 'setConversation', data: { conversation: { id: 'g1', type: 'groupChat' }, remindType: 'ALL', durationMs: 48 * HOUR } }]);
  });

  it('adds a chat picked from groups and recent chats (by name); unknown ids are refused; the mode starts at "follow app setting"', async () => {
    defaults(status());
    reply('listConversations', list);
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(3));
    expect([...document.querySelectorAll('#add-choices option')].map((o) => (o as HTMLOptionElement).value)).toEqual(['Carol (carol) — Direct chat', 'Lobby (r9) — Chat room']);
    expect((screen.getByLabelText('Mode', { selector: '#add-mode' }) as HTMLSelectElement).value).toBe('DEFAULT');
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await expectErrorNextTo('Chat', 'Choose one of your groups or recent chats.');
    type('Chat', 'nobody-42');
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await expectErrorNextTo('Chat', '“nobody-42” is not one of your groups or recent chats. Pick one from the list.');
    type('Chat', 'lobby');
    fireEvent.change(screen.getByLabelText('Mute', { selector: '#add-mute' }), { target: { value: String(HOUR) } });
    reply('setConversation', () => ({ ...conv('r9', 'chatRoom', { durationUntil: NOW + HOUR }), name: 'Lobby' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(4));
    expect(actions()).toEqual([{ name: 'setConversation', data: { conversation: { id: 'r9', type: 'chatRoom' }, remindType: 'DEFAULT', durationMs: HOUR } }]);
    // A direct chat chosen: no "Only @mentions".
    type('Chat', 'Carol (carol) — Direct chat');
    await waitFor(() => expect([...(screen.getByLabelText('Mode', { selector: '#add-mode' }) as HTMLSelectElement).options].map((o) => o.value)).toEqual(['DEFAULT', 'ALL', 'NONE']));
  });

  it('says when the list is the last known one (server unreachable), and a background error on conversation.id lands next to the picker', async () => {
    defaults(status());
    reply('listConversations', () => ({ items: known, stale: true }));
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    expect((await screen.findByTestId('conversations-stale')).textContent).toBe('The server cannot be reached: these are the last known settings.');
    reply('setConversation', () => {
      throw new ProtocolError('invalid_argument', 'conversation.id "carol": no such user', 'conversation.id');
    });
    type('Chat', 'carol');
    fireEvent.change(screen.getByLabelText('Mode', { selector: '#add-mode' }), { target: { value: 'NONE' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await expectErrorNextTo('Chat', 'no such user');
  });
});

describe('language, push status, chat patterns', () => {
  it('searches by code, English and native name, then saves the chosen code', async () => {
    await show();
    const select = await screen.findByLabelText('Language') as HTMLSelectElement;
    expect(select.options).toHaveLength(136);
    type('Search languages', 'basq');
    await waitFor(() => expect([...select.options].map((o) => o.value)).toEqual(['', 'eu']));
    type('Search languages', '日本語');
    await waitFor(() => expect([...select.options].map((o) => o.value)).toEqual(['', 'ja']));
    type('Search languages', 'FR-ca');
    await waitFor(() => expect([...select.options].map((o) => o.value)).toEqual(['', 'fr-CA']));
    reply('setLanguage', (d) => d);
    fireEvent.change(select, { target: { value: 'fr-CA' } });
    fireEvent.click(within(region('Push language')).getByRole('button', { name: 'Save' }));
    // Named, not a raw code.
    await waitFor(() => expect(screen.getByTestId('language-current').textContent).toBe('Current: French (Canada) — Français (Canada)'));
    fireEvent.change(select, { target: { value: '' } });
    fireEvent.click(within(region('Push language')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByTestId('language-current').textContent).toBe('Current: No preference'));
    expect(actions()).toEqual([{ name: 'setLanguage', data: { language: 'fr-CA' } }, { name: 'setLanguage', data: { language: '' } }]);
  });

  it('shows push delivery status and sends a test push', async () => {
    await show();
    reply('getPushStatus', () => ({ channel: 'webpush', bound: false, streamConnected: false, lastPushAt: 0, lastError: 'no push service' }));
    fireEvent.click(within(region('Push delivery')).getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(screen.getByTestId('push-status').textContent).toContain('no push service'));
    expect(screen.getByTestId('push-status').textContent).toContain('Web Push');
    reply('sendTestPush', () => ({ sent: true, reason: 'PUSH' }));
    fireEvent.click(screen.getByRole('button', { name: 'Send test push' }));
    await within(region('Push delivery')).findByText('Test push sent. A notification should appear shortly.');
    reply('sendTestPush', () => ({ sent: false, reason: 'ONLINE' }));
    fireEvent.click(screen.getByRole('button', { name: 'Send test push' }));
    await within(region('Push delivery')).findByText('No test push was sent: ONLINE');
    expect(actions().map((c) => c.name)).toEqual(['sendTestPush', 'sendTestPush']);
  });

  it('saves chat patterns one per line, blank lines dropped; empty restores the default', async () => {
    await show();
    const area = screen.getByLabelText('Chat-page URL patterns, one per line') as HTMLTextAreaElement;
    await waitFor(() => expect(area.value).toBe('http://127.0.0.1:8080/#/chat/{type}/{id}'));
    reply('setChatPatterns', (d) => d);
    fireEvent.input(area, { target: { value: ' https://a.example/chat/{type}/{id} \n\n  https://*.b.example/#/{type}/{id}\n' } });
    fireEvent.click(within(region('Chat pages')).getByRole('button', { name: 'Save' }));
    await within(region('Chat pages')).findByText('Saved.');
    reply('setChatPatterns', () => ({ patterns: ['http://127.0.0.1:8080/#/chat/{type}/{id}'] }));
    fireEvent.input(area, { target: { value: ' \n ' } });
    fireEvent.click(within(region('Chat pages')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(area.value).toBe('http://127.0.0.1:8080/#/chat/{type}/{id}'));
    expect(actions()).toEqual([
      { name: 'setChatPatterns', data: { patterns: ['https://a.example/chat/{type}/{id}', 'https://*.b.example/#/{type}/{id}'] } },
      { name: 'setChatPatterns', data: { patterns: [] } },
    ]);
  });

  it('a pattern without {type} and {id} is refused next to the field, naming its line', async () => {
    await show();
    const area = screen.getByLabelText('Chat-page URL patterns, one per line') as HTMLTextAreaElement;
    await waitFor(() => expect(area.value).not.toBe(''));
    fireEvent.input(area, { target: { value: 'https://a.example/chat/{type}/{id}\n\nhttps://b.example/#/{id}' } });
    fireEvent.click(within(region('Chat pages')).getByRole('button', { name: 'Save' }));
    await expectErrorNextTo('Chat-page URL patterns, one per line', 'Line 3 ("https://b.example/#/{id}") must be an http(s) URL containing {type} and {id}');
    expect(actions()).toEqual([]);
  });

  it('a background error on patterns[0] shows next to the patterns', async () => {
    await show();
    const area = screen.getByLabelText('Chat-page URL patterns, one per line') as HTMLTextAreaElement;
    await waitFor(() => expect(area.value).not.toBe(''));
    reply('setChatPatterns', () => {
      throw new ProtocolError('invalid_argument', 'patterns[0] "x": too long', 'patterns[0]');
    });
    fireEvent.click(within(region('Chat pages')).getByRole('button', { name: 'Save' }));
    await expectErrorNextTo('Chat-page URL patterns, one per line', 'too long');
  });
});

describe('right after sign-in', () => {
  it('re-reads the status soon while the first settings sync runs, so panels are not left empty', async () => {
    let n = 0;
    defaults(status({ app: null }));
    reply('getStatus', () => (++n < 2 ? status({ app: null }) : status({ app: { type: 'AT' } })));
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await screen.findByRole('heading', { name: 'Account' });
    await waitFor(() => expect((screen.getByLabelText('Only @mentions') as HTMLInputElement).checked).toBe(true), { timeout: 3000 });
  });
});
