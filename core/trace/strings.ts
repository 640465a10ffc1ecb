// Interned strings: each distinct string (a log line, a domain name, a BDF) is stored once and
// referred to by a small integer, in events and in the session store alike. Id 0 is "".

export class StringTable {
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
