// Where the debugger is in the pseudo-source: the function of a frame and its current line. The
// pseudo-source and its markers (`@@callee`, `@@state:name`, `@@fault:name`, `@@log`: which line
// makes which traced call or event) are kernel knowledge, kept in core/kernel-source.
import type { StepStateView } from '../../../electron/api/channels';
import { PSEUDO_SOURCE, sourceOf, type ShownSource } from '../../../core/kernel-source';

export { sourceOf, type ShownSource };

/** The shown text of every function that has pseudo-source. */
export function allSourceTexts(): string[] {
  return Object.keys(PSEUDO_SOURCE).map((fn) => sourceOf(fn)!.text);
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
