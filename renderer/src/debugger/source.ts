// Where the debugger is in the pseudo-source: the function of a frame and its current line. The
// markers of pseudo-source.ts (`@@callee`, `@@state:name`, `@@fault:name`, `@@log`) say which
// line makes which traced call or event; they are taken off the text shown.
import type { StepStateView } from '../../../electron/api/channels';
import { PSEUDO_SOURCE } from './pseudo-source';

export interface ShownSource {
  fn: string;
  file: string;
  /** The text without markers. */
  text: string;
  /** Marker (callee name, state:x, fault:x, log) -> first line (1-based) that has it. */
  marks: Map<string, number>;
  /** The signature's line: where a call of the function stops. */
  entry: number;
}

const MARKERS = /\s*((?:@@[\w:]+\s*)+)$/;
const cache = new Map<string, ShownSource | null>();

export function sourceOf(fn: string): ShownSource | null {
  if (cache.has(fn)) return cache.get(fn)!;
  const raw = Object.prototype.hasOwnProperty.call(PSEUDO_SOURCE, fn) ? PSEUDO_SOURCE[fn] : null;
  let shown: ShownSource | null = null;
  if (raw) {
    const marks = new Map<string, number>();
    const lines = raw.text.split('\n').map((line, i) => {
      const m = MARKERS.exec(line);
      if (!m) return line;
      for (const name of m[1]!.trim().split(/\s+/)) {
        const key = name.slice(2);
        if (!marks.has(key)) marks.set(key, i + 1);
      }
      return line.slice(0, m.index).replace(/\s+$/, '');
    });
    const entry = lines.findIndex((l) => l.includes(`${fn}(`)) + 1 || 1;
    shown = { fn, file: raw.file, text: lines.join('\n'), marks, entry };
  }
  cache.set(fn, shown);
  return shown;
}

/** The marker a stop is at, seen from the frame it happens in. */
function markerOf(event: StepStateView['event']): string {
  if (event.kind === 'state') return `state:${event.fn}`;
  if (event.kind === 'fault') return `fault:${event.fn}`;
  if (event.kind === 'log') return 'log';
  return event.fn;
}

export interface Place {
  fn: string;
  /** 1-based line in the shown text; 1 (the signature) when the step has no line of its own. */
  line: number;
  /** What happens on that line at this step. */
  note: string;
  source: ShownSource | null;
}

/**
 * Where a frame of the stack is. The innermost frame: entered (a call stops on the signature),
 * at the line that just returned (a return), or at the line of the state change, log or fault.
 * An outer frame: at the line calling the next frame.
 */
export function placeOf(state: StepStateView, frame = state.stack.length - 1): Place | null {
  const f = state.stack[frame];
  if (!f) return null;
  const source = sourceOf(f.fn);
  const entry = source?.entry ?? 1;
  const at = (key: string) => source?.marks.get(key) ?? entry;
  const ev = state.event;
  if (frame < state.stack.length - 1) {
    const child = state.stack[frame + 1]!.fn;
    return { fn: f.fn, line: at(child), note: `calls ${child}`, source };
  }
  if (ev.kind === 'call' && ev.fn === f.fn)
    return { fn: f.fn, line: entry, note: `entered ${f.fn}`, source };
  if (ev.kind === 'ret')
    return {
      fn: f.fn,
      line: at(ev.fn),
      note: `${ev.fn} returned ${ev.args[0]?.value ?? ''}`,
      source,
    };
  const note =
    ev.kind === 'log'
      ? `log: ${ev.text}`
      : ev.kind === 'fault'
        ? `FAULT ${ev.text}`
        : `${ev.kind} ${ev.fn}`;
  return { fn: f.fn, line: at(markerOf(ev)), note, source };
}
