/** The record of every push decision (SPEC 3.8), with each device's delivery outcome. */
import type { ConversationRef, ReasonCode } from '../../core/index.ts';
import type { Db } from './db.ts';

export interface TraceDevice {
  device_id: string;
  /** The certificate the push went through (a device may have a webpush and a stream binding). */
  notifier?: string;
  result: string;
}

export interface TraceEntry {
  messageId: string;
  ts: number;
  conversation: ConversationRef;
  push: boolean;
  reason: ReasonCode;
  devices: TraceDevice[];
}

interface TraceRow {
  message_id: string;
  ts: number;
  conv_id: string;
  conv_type: ConversationRef['type'];
  push: number;
  reason: ReasonCode;
  devices: string;
}

/** Decisions kept per user; older ones are pruned now and then. */
const KEEP_PER_USER = 200;

export class TraceRepo {
  private readonly s;
  constructor(db: Db) {
    this.s = {
      insertMany: db.prepare(
        `INSERT INTO trace (username, message_id, ts, conv_id, conv_type, push, reason, devices)
         SELECT j.value->>0, ?, ?, ?, ?, 0, j.value->>1, '[]' FROM json_each(?) j`,
      ),
      insertPushed: db.prepare(
        `INSERT INTO trace (username, message_id, ts, conv_id, conv_type, push, reason, devices)
         SELECT j.value->>0, ?, ?, ?, ?, 1, 'PUSH', j.value->>1 FROM json_each(?) j RETURNING id, username`,
      ),
      insert: db.prepare('INSERT INTO trace (username, message_id, ts, conv_id, conv_type, push, reason, devices) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      last: db.prepare('SELECT message_id, ts, conv_id, conv_type, push, reason, devices FROM trace WHERE username = ? ORDER BY id DESC LIMIT ?'),
      devices: db.prepare('SELECT devices FROM trace WHERE id = ?').pluck(),
      setDevices: db.prepare('UPDATE trace SET devices = ? WHERE id = ?'),
      prune: db.prepare('DELETE FROM trace WHERE username = ? AND id <= (SELECT id FROM trace WHERE username = ? ORDER BY id DESC LIMIT 1 OFFSET ?)'),
    };
  }
  /** Records one decision; returns its id so delivery outcomes can be filled in later. */
  add(username: string, messageId: string, ts: number, conversation: ConversationRef, push: boolean, reason: ReasonCode, devices: TraceDevice[]): number {
    const id = Number(this.s.insert.run(username, messageId, ts, conversation.id, conversation.type, push ? 1 : 0, reason, JSON.stringify(devices)).lastInsertRowid);
    if (id % 97 === 0) this.s.prune.run(username, username, KEEP_PER_USER);
    return id;
  }
  /** Records many "no push" decisions about one message in one statement: [username, reason] pairs. */
  addMany(messageId: string, ts: number, conversation: ConversationRef, rows: readonly [string, ReasonCode][]): void {
    if (rows.length) this.s.insertMany.run(messageId, ts, conversation.id, conversation.type, JSON.stringify(rows));
  }
  /** Records the PUSH decisions about one message in one statement; returns each user's trace id. */
  addPushed(messageId: string, ts: number, conversation: ConversationRef, rows: readonly [string, TraceDevice[]][]): Map<string, number> {
    const out = new Map<string, number>();
    if (!rows.length) return out;
    const json = JSON.stringify(rows.map(([u, d]) => [u, JSON.stringify(d)]));
    for (const r of this.s.insertPushed.all(messageId, ts, conversation.id, conversation.type, json) as { id: number; username: string }[]) out.set(r.username, r.id);
    return out;
  }
  /** Sets the outcome for one device of a recorded decision. */
  setResult(traceId: number, deviceId: string, result: string, notifier?: string): void {
    const raw = this.s.devices.get(traceId) as string | undefined;
    if (raw === undefined) return;
    const devices = JSON.parse(raw) as TraceDevice[];
    const d = devices.find((x) => x.device_id === deviceId && (notifier === undefined || x.notifier === notifier));
    if (d) d.result = result;
    else devices.push({ device_id: deviceId, ...(notifier ? { notifier } : {}), result });
    this.s.setDevices.run(JSON.stringify(devices), traceId);
  }
  last(username: string, limit: number): TraceEntry[] {
    return (this.s.last.all(username, limit) as TraceRow[]).map((r) => ({
      messageId: r.message_id,
      ts: r.ts,
      conversation: { id: r.conv_id, type: r.conv_type },
      push: r.push === 1,
      reason: r.reason,
      devices: JSON.parse(r.devices) as TraceDevice[],
    }));
  }
}
