/** Groups and chat rooms with their members. */
import { randomInt } from 'node:crypto';
import type { Db } from './db.ts';
import type { GroupKind, GroupRow, GroupsPort } from './ports.ts';

export type { GroupKind, GroupRow };


export class GroupsRepo implements GroupsPort {
  private readonly s;
  constructor(private readonly db: Db) {
    this.s = {
      get: db.prepare('SELECT id, kind, name, owner, created FROM groups WHERE id = ?'),
      insert: db.prepare('INSERT INTO groups (id, kind, name, owner, created) VALUES (?, ?, ?, ?, ?)'),
      addMember: db.prepare('INSERT OR IGNORE INTO group_members (group_id, username) VALUES (?, ?)'),
      removeMember: db.prepare('DELETE FROM group_members WHERE group_id = ? AND username = ?'),
      isMember: db.prepare('SELECT 1 FROM group_members WHERE group_id = ? AND username = ?'),
      members: db.prepare('SELECT username FROM group_members WHERE group_id = ?').pluck(),
      joined: db.prepare(
        'SELECT g.id, g.kind, g.name, g.owner, g.created FROM group_members m JOIN groups g ON g.id = m.group_id WHERE m.username = ? ORDER BY g.created',
      ),
      byName: db.prepare('SELECT id, kind, name, owner, created FROM groups WHERE kind = ? AND name = ? ORDER BY created LIMIT 1'),
    };
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
      for (const u of new Set([owner, ...members])) this.s.addMember.run(id, u);
    })();
    return this.get(id)!;
  }
  addMember(id: string, username: string): void {
    this.s.addMember.run(id, username);
  }
  removeMember(id: string, username: string): boolean {
    return this.s.removeMember.run(id, username).changes > 0;
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
