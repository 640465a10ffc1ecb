// Where a JSON text first goes wrong, as a character offset. V8's JSON.parse messages give a
// position for some errors and only a snippet for others; a machine file's author needs the line
// and column every time, so we find it ourselves with a small scanner (run only after JSON.parse
// has already failed). The scanner keeps the open brackets on a stack of its own, not on the
// JavaScript call stack: a file of 100,000 `[` is answered, not a RangeError.

export interface JsonErrorAt {
  /** Offset of the first character that cannot be there (the text's length when it ends early). */
  offset: number;
  /** Offset of the innermost bracket still open at that point, or null. */
  open: number | null;
}

/** Where the text stops being JSON, or null when it is JSON. */
export function jsonErrorAt(text: string): JsonErrorAt | null {
  const n = text.length;
  const open: number[] = []; // offsets of the `{` and `[` not closed yet
  let i = 0;
  const at = (): JsonErrorAt => ({ offset: i, open: open.length ? open[open.length - 1]! : null });
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };
  // A string from its opening quote; false (i at the fault) when it is not one.
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c === 92) {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) return false;
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else return false;
      } else if (c < 0x20) return false;
      else i++;
    }
    return false;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const scalar = (): boolean => {
    const c = text[i];
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null'])
      if (c === word[0]) {
        if (!text.startsWith(word, i)) return false;
        i += word.length;
        return true;
      }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m || m[0].length === 0) return false;
    i += m[0].length;
    return true;
  };
  // After `{` or `,` in an object: `"key" :`.
  const key = (): boolean => {
    ws();
    if (text[i] !== '"' || !string()) return false;
    ws();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };

  value: for (;;) {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const start = i;
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) i++;
      else {
        open.push(start);
        if (c === '{' && !key()) return at();
        continue value;
      }
    } else if (!scalar()) return at();
    // A value ended: what follows is decided by the innermost open bracket.
    for (;;) {
      ws();
      if (open.length === 0) return i < n ? at() : null;
      const container = text[open[open.length - 1]!];
      if (text[i] === ',') {
        i++;
        if (container === '{' && !key()) return at();
        continue value;
      }
      if (text[i] === (container === '{' ? '}' : ']')) {
        i++;
        open.pop();
        continue;
      }
      return at();
    }
  }
}

/** The offset where the text stops being JSON, or -1 when it is JSON. */
export function firstJsonErrorOffset(text: string): number {
  return jsonErrorAt(text)?.offset ?? -1;
}
