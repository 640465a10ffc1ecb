// Interned strings: each distinct string (a log line, a domain name, a BDF) is stored once and
// referred to by a small integer, in events and in the session store alike. Id 0 is "".

/** What a reader of interned strings needs: their count and each by id. */
export interface StringList {
  readonly size: number;
  get(id: number): string;
}

/**
 * Strings received in id order from a StringTable elsewhere (a run's store thread): kept by id,
 * never looked up by value, so none is hashed again.
 */
export class ReceivedStrings implements StringList {
  private readonly values: string[] = [''];

  add(values: readonly string[]): void {
    for (const v of values) this.values.push(v);
  }

  get(id: number): string {
    const value = this.values[id];
    if (value === undefined) throw new RangeError(`no interned string with id ${id}`);
    return value;
  }

  get size(): number {
    return this.values.length;
  }
}

export class StringTable implements StringList {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [''];

  constructor() {
    this.ids.set('', 0);
  }

  intern(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  get(id: number): string {
    const value = this.values[id];
    if (value === undefined) throw new RangeError(`no interned string with id ${id}`);
    return value;
  }

  get size(): number {
    return this.values.length;
  }

  /** Strings with ids from `from` on (for a store that persists new strings incrementally). */
  since(from: number): readonly string[] {
    return this.values.slice(from);
  }
}
