/**
 * The extension's IndexedDB (idb): typed schema, one upgrade step per old version, and the
 * operations of the `Db` port. Nothing but IndexedDB is awaited inside a transaction.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type {
  CachedConversation, Db, KvValues, OutboxEntry, OutboxOp, ShownNotification,
} from '../handlers/deps.ts';
import { repairConversation, repairKv, repairOutboxEntry } from '../handlers/stored.ts';

export const DB_NAME = 'im-push-companion';
const DB_VERSION = 1;
/** Message ids remembered to drop duplicate pushes; older ones are forgotten. */
const SEEN_LIMIT = 500;
/** Shown notifications kept for the test hook and diagnostics. */
const SHOWN_LIMIT = 200;

interface Schema extends DBSchema {
  kv: { key: string; value: unknown };
  conversations: { key: string; value: CachedConversation & { key: string } };
  outbox: { key: number; value: Omit<OutboxEntry, 'id'> & { id?: number } };
  seen: { key: string; value: { id: string; at: number }; indexes: { byAt: number } };
  shown: { key: number; value: ShownNotification & { seq?: number } };
}

const conversationKey = (c: { type: string; id: string }) => `${c.type}/${c.id}`;

/** Opens (and creates or upgrades) the database. */
export async function openExtensionDb(name = DB_NAME): Promise<Db> {
  const db = await openDB<Schema>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      // One step per version; a later version adds `if (oldVersion < 2) {...}`.
      if (oldVersion < 1) {
        db.createObjectStore('kv');
        db.createObjectStore('conversations', { keyPath: 'key' });
        db.createObjectStore('outbox', { keyPath: 'id', autoIncrement: true });
        db.createObjectStore('seen', { keyPath: 'id' }).createIndex('byAt', 'at');
        db.createObjectStore('shown', { keyPath: 'seq', autoIncrement: true });
      }
    },
  });
  return new IdbStore(db);
}

class IdbStore implements Db {
  constructor(private readonly db: IDBPDatabase<Schema>) {}

  /** Values are validated on read: a damaged field comes back as its default. */
  async get<K extends keyof KvValues>(key: K): Promise<KvValues[K] | undefined> {
    return repairKv(key, await this.db.get('kv', key));
  }

  async getMany<K extends keyof KvValues>(keys: readonly K[]): Promise<{ [P in K]?: KvValues[P] }> {
    const tx = this.db.transaction('kv');
    const raw = await Promise.all(keys.map((key) => tx.store.get(key)));
    const out: { [P in K]?: KvValues[P] } = {};
    keys.forEach((key, i) => {
      const value = repairKv(key, raw[i]);
      if (value !== undefined) out[key] = value;
    });
    return out;
  }

  async delete(key: keyof KvValues): Promise<void> {
    await this.db.delete('kv', key);
  }

  async set<K extends keyof KvValues>(key: K, value: KvValues[K]): Promise<void> {
    await this.db.put('kv', value, key);
  }

  async getConversation(ref: { type: string; id: string }): Promise<CachedConversation | undefined> {
    return repairConversation(await this.db.get('conversations', conversationKey(ref)));
  }

  async deleteConversation(ref: { type: string; id: string }): Promise<void> {
    await this.db.delete('conversations', conversationKey(ref));
  }

  async allConversations(): Promise<CachedConversation[]> {
    return (await this.db.getAll('conversations')).flatMap((row) => repairConversation(row) ?? []);
  }

  async putConversation(c: CachedConversation): Promise<void> {
    await this.db.put('conversations', { ...c, key: conversationKey(c.conversation) });
  }

  async outboxAdd(op: OutboxOp, createdAt: number): Promise<number> {
    return this.db.add('outbox', { op, createdAt, attempts: 0 });
  }

  async outboxAll(): Promise<OutboxEntry[]> {
    // Keys are auto-incremented, so key order is the order the writes were made. A damaged
    // entry is deleted rather than left to block the queue behind it.
    const out: OutboxEntry[] = [];
    for (const row of await this.db.getAll('outbox')) {
      const entry = repairOutboxEntry(row);
      if (entry) out.push(entry);
      else if (typeof (row as { id?: unknown }).id === 'number') await this.db.delete('outbox', (row as { id: number }).id);
    }
    return out;
  }

  async outboxDelete(id: number): Promise<void> {
    await this.db.delete('outbox', id);
  }

  async outboxBumpAttempts(id: number): Promise<void> {
    const tx = this.db.transaction('outbox', 'readwrite');
    const row = await tx.store.get(id);
    if (row) await tx.store.put({ ...row, attempts: row.attempts + 1 });
    await tx.done;
  }

  async markSeen(messageId: string, now: number): Promise<boolean> {
    const tx = this.db.transaction('seen', 'readwrite');
    if (await tx.store.get(messageId)) {
      await tx.done;
      return false;
    }
    await tx.store.put({ id: messageId, at: now });
    const count = await tx.store.count();
    if (count > SEEN_LIMIT) {
      let cursor = await tx.store.index('byAt').openCursor();
      for (let extra = count - SEEN_LIMIT; cursor && extra > 0; extra--) {
        await cursor.delete();
        cursor = await cursor.continue();
      }
    }
    await tx.done;
    return true;
  }

  async recordShown(n: ShownNotification): Promise<void> {
    const tx = this.db.transaction('shown', 'readwrite');
    await tx.store.add({ ...n });
    const count = await tx.store.count();
    if (count > SHOWN_LIMIT) {
      let cursor = await tx.store.openCursor();
      for (let extra = count - SHOWN_LIMIT; cursor && extra > 0; extra--) {
        await cursor.delete();
        cursor = await cursor.continue();
      }
    }
    await tx.done;
  }

  async shown(): Promise<ShownNotification[]> {
    return (await this.db.getAll('shown')).map(({ seq: _seq, ...n }) => n);
  }

  async clearAccountData(): Promise<void> {
    const tx = this.db.transaction(['kv', 'conversations', 'outbox', 'seen', 'shown'], 'readwrite');
    await Promise.all([
      tx.objectStore('kv').clear(),
      tx.objectStore('conversations').clear(),
      tx.objectStore('outbox').clear(),
      tx.objectStore('seen').clear(),
      tx.objectStore('shown').clear(),
      tx.done,
    ]);
  }

  close(): void {
    this.db.close();
  }
}
