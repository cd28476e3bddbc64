/** Groups and chat rooms with their members. */
import { randomInt } from 'node:crypto';
import type { Db } from './db.ts';
import type { GroupKind, GroupRow, GroupsPort } from './ports.ts';

export type { GroupKind, GroupRow };


export class GroupsRepo implements GroupsPort {
  private readonly s;
  private readonly removeTx;
  constructor(private readonly db: Db) {
    this.s = {
      get: db.prepare('SELECT id, kind, name, owner, created FROM groups WHERE id = ?'),
      insert: db.prepare('INSERT INTO groups (id, kind, name, owner, created) VALUES (?, ?, ?, ?, ?)'),
      // A member reads the group's log from here on (no history from before they joined).
      addMember: db.prepare(
        'INSERT OR IGNORE INTO group_members (group_id, username, since) SELECT ?, ?, COALESCE(MAX(seq), 0) FROM group_log WHERE group_id = ?',
      ),
      removeMember: db.prepare('DELETE FROM group_members WHERE group_id = ? AND username = ?'),
      // A member who leaves keeps what the group sent while they were in it, as the explicit rows
      // of any other message: an inbox row per logged message (acked when some device acked it)
      // and a pending row per device for what that device has not acknowledged.
      keepInbox: db.prepare(
        `INSERT OR IGNORE INTO inbox (username, seq, acked)
         SELECT gm.username, l.seq, l.seq <= COALESCE((SELECT MAX(c.upto) FROM group_cursors c WHERE c.username = ?2 AND c.group_id = ?1), gm.since)
             OR EXISTS (SELECT 1 FROM group_acks a WHERE a.username = ?2 AND a.group_id = ?1 AND a.seq = l.seq)
         FROM group_members gm JOIN group_log l ON l.group_id = gm.group_id AND l.seq > gm.since
         WHERE gm.group_id = ?1 AND gm.username = ?2 AND l.sender <> ?2`,
      ),
      keepPending: db.prepare(
        `INSERT OR IGNORE INTO device_inbox (username, resource, seq)
         SELECT d.username, d.resource, l.seq FROM devices d
           JOIN group_members gm ON gm.group_id = ?1 AND gm.username = d.username
           JOIN group_log l ON l.group_id = gm.group_id AND l.seq > COALESCE(
             (SELECT c.upto FROM group_cursors c WHERE c.username = d.username AND c.resource = d.resource AND c.group_id = ?1), gm.since)
         WHERE d.username = ?2 AND l.sender <> ?2
           AND NOT EXISTS (SELECT 1 FROM group_acks a WHERE a.username = ?2 AND a.resource = d.resource AND a.group_id = ?1 AND a.seq = l.seq)`,
      ),
      dropCursors: db.prepare('DELETE FROM group_cursors WHERE username = ? AND group_id = ?'),
      dropAcks: db.prepare('DELETE FROM group_acks WHERE username = ? AND group_id = ?'),
      isMember: db.prepare('SELECT 1 FROM group_members WHERE group_id = ? AND username = ?'),
      members: db.prepare('SELECT username FROM group_members WHERE group_id = ?').pluck(),
      joined: db.prepare(
        'SELECT g.id, g.kind, g.name, g.owner, g.created FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.username = ? ORDER BY g.created',
      ),
      byName: db.prepare('SELECT id, kind, name, owner, created FROM groups WHERE kind = ? AND name = ? ORDER BY created LIMIT 1'),
    };
    this.removeTx = db.transaction((id: string, username: string): boolean => {
      this.s.keepInbox.run({ 1: id, 2: username });
      this.s.keepPending.run({ 1: id, 2: username });
      this.s.dropCursors.run(username, id);
      this.s.dropAcks.run(username, id);
      return this.s.removeMember.run(id, username).changes > 0;
    });
  }
  get(id: string): GroupRow | undefined {
    return this.s.get.get(id) as GroupRow | undefined;
  }
  /** Creates a group or room with its owner and members in one transaction. */
  create(kind: GroupKind, name: string, owner: string, members: readonly string[], now: number): GroupRow {
    // Numeric 15-digit ids like Easemob's (randomInt allows at most 2^48 per call, hence two parts).
    let id = '';
    do id = String(randomInt(10_000_000_000, 99_999_999_999)) + String(randomInt(1000, 9999)); while (this.get(id));
    this.db.transaction(() => {
      this.s.insert.run(id, kind, name, owner, now);
      for (const u of new Set([owner, ...members])) this.s.addMember.run(id, u, id);
    })();
    return this.get(id)!;
  }
  addMember(id: string, username: string): void {
    this.s.addMember.run(id, username, id);
  }
  /** A member who leaves stops reading the log (what it sent them stays theirs, as explicit rows). */
  removeMember(id: string, username: string): boolean {
    return this.removeTx(id, username);
  }
  isMember(id: string, username: string): boolean {
    return this.s.isMember.get(id, username) !== undefined;
  }
  members(id: string): string[] {
    return this.s.members.all(id) as string[];
  }
  joined(username: string): GroupRow[] {
    return this.s.joined.all(username) as GroupRow[];
  }
  findByName(kind: GroupKind, name: string): GroupRow | undefined {
    return this.s.byName.get(kind, name) as GroupRow | undefined;
  }
}
