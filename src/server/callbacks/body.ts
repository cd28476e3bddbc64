/**
 * SPEC 9.1: the reference's post-send callback bodies and their signature. The body is built
 * once, when the message is stored, and kept as queued: a retry sends the same bytes, callId
 * and signature.
 */
import { hash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ImMessage } from '../store/ports.ts';

export type CallbackEvent = 'chat' | 'chat_offline';

export interface CallbackBody {
  callId: string;
  eventType: CallbackEvent;
  timestamp: number;
  chat_type: 'chat' | 'groupchat';
  group_id?: string;
  from: string;
  to: string;
  msg_id: string;
  payload: { bodies: Record<string, unknown>[]; ext?: Record<string, unknown> };
  securityVersion: '1.0.0';
  security: string;
  appkey: string;
  host: string;
}

/** md5(callId + secret + timestamp), lower-case hex, as the reference signs. */
export function callbackSignature(callId: string, secret: string, timestamp: number): string {
  // One-shot, as tokenHash: a gateway checks one for every callback it takes.
  return hash('md5', `${callId}${secret}${timestamp}`, 'hex');
}

/** Constant-time check of a received signature (any case of hex accepted, any length refused quietly). */
export function signatureMatches(security: string, callId: string, secret: string, timestamp: number): boolean {
  const expected = Buffer.from(callbackSignature(callId, secret, timestamp));
  const actual = Buffer.from(security.toLowerCase());
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export interface CallbackSource {
  appKey: string;
  secret: string;
  host: string;
  uuid?: () => string;
}

/**
 * The callbacks of one stored message: `chat` once (for a group `to` is the group), then
 * `chat_offline` once per recipient who had no device online (`to` = that recipient,
 * `group_id` = the group). `timestamp` is when the server received the message.
 */
export function callbackBodies(src: CallbackSource, message: ImMessage, offline: readonly string[]): CallbackBody[] {
  const uuid = src.uuid ?? randomUUID;
  const group = message.conversation.type !== 'singleChat' ? message.conversation.id : undefined;
  const payload: CallbackBody['payload'] = { bodies: [{ type: message.type, ...message.body }], ...(message.ext ? { ext: message.ext } : {}) };
  const make = (eventType: CallbackEvent, to: string): CallbackBody => {
    const callId = `${src.appKey}_${uuid()}`;
    return {
      callId, eventType, timestamp: message.ts, chat_type: group === undefined ? 'chat' : 'groupchat',
      ...(group !== undefined ? { group_id: group } : {}),
      from: message.from, to, msg_id: message.id, payload, securityVersion: '1.0.0',
      security: callbackSignature(callId, src.secret, message.ts), appkey: src.appKey, host: src.host,
    };
  };
  return [make('chat', group ?? message.to), ...offline.map((u) => make('chat_offline', u))];
}
