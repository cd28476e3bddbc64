// SPEC 1.4, 1.5 and 4: what a push shows — title, text, translation, placeholders, size.
import { describe, expect, it } from 'vitest';
import {
  buildPushPayload, cutText, jsonBytes, MAX_PAYLOAD_BYTES, type MessageForPush, MESSAGE_TYPES, payloadBytes, pushText, pushTitle,
} from '../../src/core/index.ts';
import { message } from './fixtures.ts';

const build = (m: Partial<MessageForPush>, preferredLanguage = '', senderNickname = 'Bob B.') =>
  buildPushPayload({ message: message(m), receiver: 'alice', senderNickname, preferredLanguage, badge: 3 });

describe('translation', () => {
  const translations = [{ language: 'fr', text: 'bonjour' }, { language: 'zh-Hans', text: '你好' }];

  it('a matching translation replaces the text, compared case-insensitively', () => {
    expect(pushText(message({ translations }), 'fr')).toEqual({ body: 'bonjour', language: 'fr' });
    expect(pushText(message({ translations }), 'ZH-HANS')).toEqual({ body: '你好', language: 'zh-Hans' });
    expect(pushText(message({ translations: [{ language: 'ZH-hans', text: '你好' }] }), 'zh-Hans')).toEqual({ body: '你好', language: 'zh-Hans' });
    expect(build({ translations }, 'fr')).toMatchObject({ body: 'bonjour', language: 'fr' });
  });

  it.each(['', '   ', '\n'])('a blank translation (%j) does not replace the text', (text) => {
    const blank = [{ language: 'fr', text }];
    expect(pushText(message({ translations: blank }), 'fr')).toEqual({ body: 'hello' });
    expect(build({ translations: blank }, 'fr')).toMatchObject({ body: 'hello' });
    expect('language' in build({ translations: blank }, 'fr')).toBe(false);
    expect(pushText(message({ ext: { em_push_content: text } }), '')).toEqual({ body: 'hello' });
    expect(pushTitle({ ext: { em_push_title: text } }, 'Bob')).toBe('Bob');
  });

  it('no match, no preference or no translations → the original, without language', () => {
    expect(pushText(message({ translations }), 'de')).toEqual({ body: 'hello' });
    expect(pushText(message({ translations }), '')).toEqual({ body: 'hello' });
    expect(pushText(message(), 'fr')).toEqual({ body: 'hello' });
    expect('language' in build({ translations }, 'de')).toBe(false);
  });

  it('a preferred language outside the list still matches a translation tagged the same, in any case', () => {
    const own = [{ language: 'x-Klingon', text: 'nuqneH' }];
    expect(pushText(message({ translations: own }), 'X-KLINGON')).toEqual({ body: 'nuqneH', language: 'x-Klingon' });
    expect(pushText(message({ translations: own }), 'x-klingon')).toEqual({ body: 'nuqneH', language: 'x-Klingon' });
  });
});

describe('em_push_title and em_push_content', () => {
  it('replace the title and the text', () => {
    const p = build({ ext: { em_push_title: 'Alert', em_push_content: 'Open the app' } });
    expect(p.title).toBe('Alert');
    expect(p.body).toBe('Open the app');
  });

  it('are also read under em_apns_ext', () => {
    const ext = { em_apns_ext: { em_push_title: 'T2', em_push_content: 'C2' } };
    expect(pushTitle({ ext }, 'Bob')).toBe('T2');
    expect(pushText(message({ ext }), '').body).toBe('C2');
  });

  it('em_push_content wins over a matching translation', () => {
    expect(pushText(message({ ext: { em_push_content: 'custom' }, translations: [{ language: 'fr', text: 'bonjour' }] }), 'fr')).toEqual({ body: 'custom' });
  });

  it('empty or non-string values fall back to the nickname and the text', () => {
    expect(build({ ext: { em_push_title: '', em_push_content: 42 } })).toMatchObject({ title: 'Bob B.', body: 'hello' });
  });
});

describe('placeholders for non-text messages', () => {
  it.each([
    ['img', '[Image]'], ['audio', '[Voice]'], ['video', '[Video]'], ['file', '[File]'], ['loc', '[Location]'], ['custom', '[Message]'],
  ] as const)('%s → %s', (type, text) => {
    expect(build({ type, body: { url: 'https://x/y' } }).body).toBe(text);
  });

  it('a non-text message shows its placeholder even when its body carries a msg', () => {
    expect(build({ type: 'img', body: { msg: 'not shown' } }).body).toBe('[Image]');
    expect(build({ type: 'custom', body: { msg: 'not shown' } }).body).toBe('[Message]');
  });

  it('every message type has a text', () => {
    for (const type of MESSAGE_TYPES) expect(build({ type, body: { msg: 'hi' } }).body).not.toBe('');
  });
});

describe('the payload', () => {
  it('has the SPEC 4 fields; g only for groups and rooms; e keeps custom ext only', () => {
    const p = build({ ext: { em_at_list: ['alice'], orderId: 7 } });
    expect(p).toEqual({
      v: 1, kind: 'message', m: 'm1', t: 'alice', f: 'bob', g: 'g1', conversation: { id: 'g1', type: 'groupChat' }, title: 'Bob B.', body: 'hello',
      badge: 3, ts: message().ts, e: { orderId: 7 },
    });
    const single = build({ conversation: { id: 'bob', type: 'singleChat' }, ext: { em_force_notification: true } });
    expect('g' in single).toBe(false);
    expect('e' in single).toBe(false);
  });

  it('long texts and titles are cut', () => {
    const p = build({ body: { msg: 'x'.repeat(5000) } }, '', 'N'.repeat(300));
    expect(Array.from(p.body).length).toBeLessThanOrEqual(1000);
    expect(p.body.endsWith('…')).toBe(true);
    expect(Array.from(p.title).length).toBe(100);
  });

  it('stays under the size cap: oversized custom data is dropped first, then the text is cut', () => {
    const big = build({ body: { msg: '字'.repeat(1000) }, ext: { blob: 'y'.repeat(3000) } }, '', '😀'.repeat(200));
    expect(payloadBytes(big)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect('e' in big).toBe(false);

    const wide = build({ body: { msg: '😀'.repeat(1000) } }); // 4 bytes a character
    expect(payloadBytes(wide)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(wide.body.length).toBeGreaterThan(20);

    const smallExt = build({ body: { msg: 'hi' }, ext: { small: 1 } });
    expect(smallExt.e).toEqual({ small: 1 }); // kept when it fits
  });

  it('a payload of exactly the cap keeps its custom data; one byte more drops it', () => {
    const sized = (n: number) => build({ body: { msg: 'hi' }, ext: { blob: 'y'.repeat(n) } });
    const base = payloadBytes(sized(0));
    const exact = sized(MAX_PAYLOAD_BYTES - base);
    expect(payloadBytes(exact)).toBe(MAX_PAYLOAD_BYTES);
    expect(exact.e).toEqual({ blob: 'y'.repeat(MAX_PAYLOAD_BYTES - base) });
    expect(exact.body).toBe('hi');
    const over = sized(MAX_PAYLOAD_BYTES - base + 1);
    expect('e' in over).toBe(false);
    expect(over.body).toBe('hi');
  });

  it('a cut never splits a character', () => {
    const p = build({ body: { msg: '😀'.repeat(2000) } });
    expect(p.body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('cutting on grapheme boundaries (#12)', () => {
  const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const clusters = (text: string) => Array.from(seg.segment(text), (x) => x.segment);
  const FAMILY = '👨‍👩‍👧‍👦'; // 7 code points, 25 bytes
  const FLAG = '🇫🇷';
  const ACCENT = 'e\u0301';

  it.each([['family', FAMILY], ['flag', FLAG], ['combining accent', ACCENT]])('a %s is never split, in the body or the title', (_, unit) => {
    const p = build({ body: { msg: unit.repeat(3000) } }, '', unit.repeat(300));
    for (const text of [p.body, p.title]) {
      const parts = clusters(text);
      expect(parts.at(-1)).toBe('…');
      expect(parts.slice(0, -1).every((c) => c === unit)).toBe(true);
    }
    expect(clusters(p.title).length).toBeLessThanOrEqual(100);
    expect(payloadBytes(p)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  });

  it('the text uses the bytes that fit, not a halved guess', () => {
    const p = build({ body: { msg: FAMILY.repeat(1000) } });
    expect(payloadBytes(p)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(payloadBytes(p)).toBeGreaterThan(MAX_PAYLOAD_BYTES - jsonBytes(FAMILY) - 3);
  });

  it('texts that need JSON escapes are measured escaped', () => {
    const p = build({ body: { msg: '"\\\u0001'.repeat(2000) } });
    expect(payloadBytes(p)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  });

  it('cutText keeps text that fits and counts the ellipsis in both limits', () => {
    expect(cutText('hello', 5)).toBe('hello');
    expect(cutText('hello!', 5)).toBe('hell…');
    expect(cutText(`${ACCENT}${ACCENT}${ACCENT}`, 2)).toBe(`${ACCENT}…`);
    expect(cutText(FAMILY.repeat(3), 10, 27)).toBe('…');
    expect(cutText(FAMILY.repeat(3), 10, 28)).toBe(`${FAMILY}…`);
    expect(cutText('abc', 10, 2)).toBe('');
    expect(cutText('abc', 0)).toBe('');
  });
});
