/** Reading the current chat from a tab URL with configurable patterns. */
import { describe, expect, it } from 'vitest';
import { defaultChatPattern, documentPatternsFor, parseChatPatterns, parseChatUrl } from '../../../src/shared/chat-url.ts';

const demo = [defaultChatPattern('http://127.0.0.1:8080/')];

describe('parseChatUrl', () => {
  it('reads the demo chat URL', () => {
    expect(parseChatUrl('http://127.0.0.1:8080/#/chat/singleChat/bob', demo)).toEqual({ id: 'bob', type: 'singleChat' });
    expect(parseChatUrl('http://127.0.0.1:8080/#/chat/groupChat/12345', demo)).toEqual({ id: '12345', type: 'groupChat' });
    expect(parseChatUrl('http://127.0.0.1:8080/#/chat/chatRoom/r%201', demo)).toEqual({ id: 'r 1', type: 'chatRoom' });
    expect(parseChatUrl('http://127.0.0.1:8080/#/chat/groupChat/g1?x=1', demo)).toEqual({ id: 'g1', type: 'groupChat' });
  });

  it('ignores other pages, other servers and unknown types', () => {
    expect(parseChatUrl('http://127.0.0.1:8080/#/contacts', demo)).toBeNull();
    expect(parseChatUrl('http://127.0.0.1:9999/#/chat/singleChat/bob', demo)).toBeNull();
    expect(parseChatUrl('http://127.0.0.1:8080/#/chat/fax/bob', demo)).toBeNull();
    expect(parseChatUrl(undefined, demo)).toBeNull();
  });

  it('takes other apps\' words for the type and * wildcards', () => {
    const p = ['https://*.example.com/t/{type}/{id}'];
    expect(parseChatUrl('https://chat.example.com/t/group/g7', p)).toEqual({ id: 'g7', type: 'groupChat' });
    expect(parseChatUrl('https://chat.example.com/t/user/ann', p)).toEqual({ id: 'ann', type: 'singleChat' });
    expect(parseChatUrl('https://chat.example.com/t/room/r', p)).toEqual({ id: 'r', type: 'chatRoom' });
  });
});

describe('parseChatPatterns', () => {
  it('accepts URL templates with {type} and {id}', () => {
    expect(parseChatPatterns([' https://c.example/#/{type}/{id} '])).toEqual({ ok: true, value: ['https://c.example/#/{type}/{id}'] });
  });
  it('names the bad entry', () => {
    const r = parseChatPatterns(['https://ok/{type}/{id}', 'ftp://x/{type}/{id}']);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.field).toBe('patterns[1]');
    expect(parseChatPatterns('x').ok).toBe(false);
    expect(parseChatPatterns(['https://x/{id}']).ok).toBe(false);
  });
});

describe('documentPatternsFor', () => {
  it('gives one match pattern per host (no port, no fragment)', () => {
    expect(documentPatternsFor(demo)).toEqual(['http://127.0.0.1/*']);
    expect(documentPatternsFor(['https://*.example.com/t/{type}/{id}'])).toEqual(['https://*.example.com/*']);
  });
});
