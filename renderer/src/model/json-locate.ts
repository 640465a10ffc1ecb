// Where a JSON path is in a JSON text: the character range of the value (and of its key), so a
// problem at `$.pci[3].msix.table_size` can be marked in the editor and a node selected in the
// graph can be revealed in the JSON. A small scanner, tolerant of anything after the value.

export type PathKey = string | number;

export interface Located {
  /** The value's range [start, end). */
  start: number;
  end: number;
  /** The key's range when the value is an object member (its "name": part). */
  keyStart: number | null;
}

/** Parses `$.a[3].b` / `$["x y"]` into keys; a `line:column` path gives null. */
export function parseJsonPath(path: string): PathKey[] | null {
  if (!path.startsWith('$')) return null;
  const keys: PathKey[] = [];
  const re = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return null;
    if (m[1] !== undefined) keys.push(m[1]);
    else if (m[2] !== undefined) keys.push(Number(m[2]));
    else keys.push(JSON.parse(m[3]!) as string);
  }
  return keys;
}

export function formatJsonPath(keys: readonly PathKey[]): string {
  return (
    '$' +
    keys
      .map((k) =>
        typeof k === 'number'
          ? `[${k}]`
          : /^[A-Za-z_$][\w$]*$/.test(k)
            ? `.${k}`
            : `[${JSON.stringify(k)}]`,
      )
      .join('')
  );
}

/**
 * Finds the value at `keys`. When the full path is missing (a required field not there), gives
 * the deepest existing ancestor, so the problem is still shown where it belongs.
 */
export function locateJsonPath(text: string, keys: readonly PathKey[]): Located | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const skipString = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const readString = (): string => {
    const start = i;
    skipString();
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return '';
    }
  };
  const scalar = (): boolean => {
    if (text[i] === '"') {
      skipString();
      return true;
    }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  // Skips one value starting at i; returns false on a syntax error. The open brackets are kept
  // on a stack of its own: a 100,000-deep array is skipped, not a RangeError.
  const skipValue = (): boolean => {
    const closers: string[] = [];
    // After `{` or `,` in an object: `"key" :`.
    const key = (): boolean => {
      ws();
      if (text[i] !== '"') return false;
      skipString();
      ws();
      if (text[i] !== ':') return false;
      i++;
      return true;
    };
    value: for (;;) {
      ws();
      const c = text[i];
      if (c === '{' || c === '[') {
        const close = c === '{' ? '}' : ']';
        i++;
        ws();
        if (text[i] === close) i++;
        else {
          closers.push(close);
          if (c === '{' && !key()) return false;
          continue value;
        }
      } else if (!scalar()) return false;
      for (;;) {
        if (closers.length === 0) return true;
        ws();
        const close = closers[closers.length - 1]!;
        if (text[i] === ',') {
          i++;
          if (close === '}' && !key()) return false;
          continue value;
        }
        if (text[i] !== close) return false;
        i++;
        closers.pop();
      }
    }
  };

  ws();
  let located: Located = { start: i, end: i, keyStart: null };
  {
    const s = i;
    if (!skipValue()) return null;
    located = { start: s, end: i, keyStart: null };
    i = s;
  }
  for (const key of keys) {
    ws();
    const c = text[i];
    let found = false;
    if (c === '{' && typeof key === 'string') {
      i++;
      for (;;) {
        ws();
        if (text[i] !== '"') break;
        const keyStart = i;
        const name = readString();
        ws();
        if (text[i] !== ':') return located;
        i++;
        ws();
        const valueStart = i;
        if (name === key) {
          if (!skipValue()) return located;
          located = { start: valueStart, end: i, keyStart };
          i = valueStart;
          found = true;
          break;
        }
        if (!skipValue()) return located;
        ws();
        if (text[i] === ',') i++;
        else break;
      }
    } else if (c === '[' && typeof key === 'number') {
      i++;
      for (let n = 0; ; n++) {
        ws();
        if (text[i] === ']') break;
        const valueStart = i;
        if (!skipValue()) return located;
        if (n === key) {
          located = { start: valueStart, end: i, keyStart: null };
          i = valueStart;
          found = true;
          break;
        }
        ws();
        if (text[i] === ',') i++;
        else break;
      }
    }
    if (!found) return located;
  }
  return located;
}
