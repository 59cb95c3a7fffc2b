/** A least-recently-used map bounded by the summed byte estimate of its entries. */
export class ByteBudgetLru<K, V extends { readonly bytes: number }> {
  private readonly map = new Map<K, V>();
  private total = 0;
  readonly budget: number;

  constructor(budget: number) {
    this.budget = budget;
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Adds an entry, evicting the least recently used ones until the budget holds (always keeps the newest). */
  set(key: K, value: V): void {
    this.delete(key);
    this.map.set(key, value);
    this.total += value.bytes;
    for (const [oldKey, old] of this.map) {
      if (this.total <= this.budget || oldKey === key) break;
      this.map.delete(oldKey);
      this.total -= old.bytes;
    }
  }

  delete(key: K): boolean {
    const value = this.map.get(key);
    if (value === undefined) return false;
    this.map.delete(key);
    this.total -= value.bytes;
    return true;
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }
}
