/**
 * A bounded in-memory cache for rows that big fan-outs read for thousands of users at once.
 * The database stays the source of truth: repositories drop an entry on every write to its row
 * (before and after the write, so a rolled-back write only costs a re-read).
 */

/**
 * Two generations of at most `max / 2` entries each: a hit in the old generation moves the
 * entry to the new one, and when the new one is full the old one is dropped whole. Close to
 * LRU, bounded by `max`, and a hit costs one Map lookup (no reordering).
 */
export class BoundedCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(max: number) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  /** The cached value, or undefined when not cached (store `null` to cache "no row"). */
  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.set(key, o);
    }
    return o;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.half && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  /**
   * Runs a write to the row behind `key` with the entry dropped before and after: a write that
   * fails or is rolled back then only costs a re-read, and no reader keeps the old value.
   */
  dropAround<T>(key: K, write: () => T): T {
    this.delete(key);
    try {
      return write();
    } finally {
      this.delete(key);
    }
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  /** Entries held now (at most `max`). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
