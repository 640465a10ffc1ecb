// Interned strings: each distinct string (a log line, a domain name, a BDF) is stored once and
// referred to by a small integer, in events and in the session store alike. Id 0 is "".

/** Strings by id, id 0 being "": what a reader of interned strings needs. */
export class StringList {
  protected readonly values: string[] = [''];

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

/**
 * Strings received in id order from a StringTable elsewhere (a run's store thread): kept by id,
 * never looked up by value, so none is hashed again.
 */
export class ReceivedStrings extends StringList {
  add(values: readonly string[]): void {
    for (const v of values) this.values.push(v);
  }
}

export class StringTable extends StringList {
  private readonly ids = new Map<string, number>();

  constructor() {
    super();
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
}
