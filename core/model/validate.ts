// Turning untrusted input into a Machine: every problem reported with the JSON path where it is
// ($.pci[3].msix.table_size) or, for text that is not JSON, its line and column. Never throws.
import { jsonErrorAt } from './json-position';
import { MachineSchema, type Machine } from './schema';

export interface Problem {
  /** `$.pci[3].msix.table_size`, or `line:column` for a JSON syntax error. */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; machine: Machine } | { ok: false; errors: Problem[] };

export function jsonPath(path: readonly PropertyKey[]): string {
  return (
    '$' +
    path
      .map((k) =>
        typeof k === 'number'
          ? `[${k}]`
          : /^[A-Za-z_$][\w$]*$/.test(String(k))
            ? `.${String(k)}`
            : `[${JSON.stringify(String(k))}]`,
      )
      .join('')
  );
}

export function parseMachine(input: unknown): ParseResult {
  const result = MachineSchema.safeParse(input);
  if (result.success) return { ok: true, machine: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      path: jsonPath(issue.path),
      message: issue.message,
    })),
  };
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return `${line}:${col}`;
}

export function parseMachineJson(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message.replace(/,? (in JSON )?at position.*$|, "[\s\S]*$/, '');
    const at = jsonErrorAt(text);
    const offset = at?.offset ?? text.length;
    // Text that ends inside brackets: the end is where it is wrong, the bracket is why.
    const unclosed =
      at && at.open !== null && offset >= text.length
        ? `; the "${text[at.open]}" at ${lineColumn(text, at.open)} is not closed`
        : '';
    return {
      ok: false,
      errors: [
        { path: lineColumn(text, offset), message: `not valid JSON: ${message}${unclosed}` },
      ],
    };
  }
  return parseMachine(value);
}
