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
  reply('getLanguage', () => ({ language: '', languages: [] }));
  reply('getPushStatus', () => PUSH);
  reply('listConversations', () => ({ items: [], cursor: '' }));
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
    expect(input('Password').value).toBe('');
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
  const page1 = Array.from({ length: 10 }, (_, i) => conv(`u${i}`, 'singleChat', { type: 'NONE' }));
  const page2 = [conv('g1', 'groupChat', { type: 'AT', durationUntil: NOW + HOUR })];

  it('pages with the server cursor, forward and back', async () => {
    defaults(status());
    reply('listConversations', (d) => ((d as { cursor?: string }).cursor === 'c2' ? { items: page2, cursor: '' } : { items: page1, cursor: 'c2' }));
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(10));
    fireEvent.click(within(region('Conversation settings')).getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(1));
    expect(screen.getByTestId('page-number').textContent).toBe('Page 2');
    expect(screen.getByText(/^Muted until /)).toBeTruthy();
    expect((within(region('Conversation settings')).getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(region('Conversation settings')).getByRole('button', { name: 'Previous' }));
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(10));
    expect(calls.filter((c) => c.name === 'listConversations').map((c) => c.data)).toEqual([
      { pageSize: 10 },
      { pageSize: 10, cursor: 'c2' },
      { pageSize: 10 },
    ]);
  });

  it('edits a conversation (mode and mute) and clears another', async () => {
    defaults(status());
    reply('listConversations', () => ({ items: [conv('g1', 'groupChat', { type: 'AT' }), conv('bob', 'singleChat', { type: 'NONE' })], cursor: '' }));
    render(<OptionsApp clock={() => NOW} pollMs={0} tickMs={0} />);
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(2));
    reply('setConversation', (d) => {
      const a = d as { conversation: { id: string; type: 'groupChat' }; remindType: string; durationMs?: number };
      if (a.remindType === 'DEFAULT') return conv(a.conversation.id, a.conversation.type);
      return conv(a.conversation.id, a.conversation.type, { type: a.remindType as 'ALL', durationUntil: NOW + (a.durationMs ?? 0) });
    });
    fireEvent.click(screen.getByRole('button', { name: 'Edit Group g1' }));
    fireEvent.change(screen.getByLabelText('Mode', { selector: 'select[id$="-mode"]:not(#add-mode)' }), { target: { value: 'ALL' } });
    fireEvent.change(screen.getByLabelText('Mute', { selector: 'select[id$="-mute"]:not(#add-mute)' }), { target: { value: String(8 * HOUR) } });
    fireEvent.click(within(screen.getAllByTestId('conversation-row')[0]!).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(screen.getAllByTestId('conversation-row')[0]!).getByText(/^Muted until /)).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Clear settings of Direct chat bob' }));
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(1));
    expect(actions()).toEqual([
      { name: 'setConversation', data: { conversation: { id: 'g1', type: 'groupChat' }, remindType: 'ALL', durationMs: 8 * HOUR } },
      { name: 'setConversation', data: { conversation: { id: 'bob', type: 'singleChat' }, remindType: 'DEFAULT', durationMs: 0 } },
    ]);
  });

  it('adds a conversation by type and id; an empty id is refused before sending', async () => {
    await show();
    await screen.findByTestId('no-conversations');
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await expectErrorNextTo('Conversation id', 'Enter a conversation id of 1–128 characters.');
    expect(actions()).toEqual([]);
    reply('setConversation', () => conv('room-7', 'chatRoom', { type: 'AT' }));
    fireEvent.change(screen.getByLabelText('Type'), { target: { value: 'chatRoom' } });
    type('Conversation id', ' room-7 ');
    fireEvent.change(screen.getByLabelText('Mode', { selector: '#add-mode' }), { target: { value: 'AT' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.getAllByTestId('conversation-row')).toHaveLength(1));
    expect(actions()).toEqual([{ name: 'setConversation', data: { conversation: { id: 'room-7', type: 'chatRoom' }, remindType: 'AT' } }]);
  });

  it('a background error on conversation.id shows next to the id field', async () => {
    await show();
    reply('setConversation', () => {
      throw new ProtocolError('invalid_argument', 'conversation.id "x": no such group', 'conversation.id');
    });
    type('Conversation id', 'x');
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await expectErrorNextTo('Conversation id', 'no such group');
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
    await waitFor(() => expect(screen.getByTestId('language-current').textContent).toBe('Current: fr-CA'));
    fireEvent.change(select, { target: { value: '' } });
    fireEvent.click(within(region('Push language')).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByTestId('language-current').textContent).toBe('Current: No preference'));
    expect(actions()).toEqual([{ name: 'setLanguage', data: { language: 'fr-CA' } }, { name: 'setLanguage', data: { language: '' } }]);
  });

  it('shows push delivery status and sends a test push', async () => {
    await show();
    reply('getPushStatus', () => ({ channel: 'webpush', bound: false, streamConnected: false, lastPushAt: 0, lastError: 'no push service' }));
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
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
