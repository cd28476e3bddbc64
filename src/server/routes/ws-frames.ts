/** Reading client frames safely: bad JSON or a bad shape gets an error frame, never a crash. */
import type { WebSocket } from 'ws';
import { describeFieldErrors, jsonDepthExceeds, MAX_JSON_DEPTH, parseWith, type Schema } from '../../core/index.ts';
import { ApiError } from '../errors.ts';
import { sendFrame } from '../presence/hub.ts';

/** Parses one text frame with a core schema, answering `{"op":"error"}` when it does not fit. */
export function readFrame<T>(socket: WebSocket, raw: unknown, schema: Schema<T>): T | undefined {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : Array.isArray(raw) ? Buffer.concat(raw as Buffer[]).toString('utf8') : String(raw);
  // Refused before parsing: the parser and the schema's walk would recurse through every level (SPEC 7, #1).
  if (jsonDepthExceeds(text)) {
    sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: `frame: nested deeper than ${MAX_JSON_DEPTH} levels; JSON may nest at most ${MAX_JSON_DEPTH} arrays and objects` });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: 'frame: not JSON; send a JSON object such as {"op":"ping"}' });
    return undefined;
  }
  const r = parseWith(schema, value, 'frame');
  if (r.ok) return r.value;
  sendFrame(socket, { op: 'error', error: 'illegal_argument', error_description: describeFieldErrors(r.errors) });
  return undefined;
}

/** A plain HTTP request to a WebSocket endpoint: say how to connect instead of an empty 404. */
export async function notUpgraded(): Promise<never> {
  throw new ApiError('illegal_argument', 'This is a WebSocket endpoint: connect with a WebSocket client (ws:// or wss://) and send an auth frame first.');
}

