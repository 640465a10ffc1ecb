// What the commands of `irqlab` share: the errors main() turns into exit codes, the output
// channels, option parsing, and how a run is printed (simulate, import --simulate). Kept free of
// heavy imports: every command loads this module.
import type { SimulationResult } from '../scenario';
import { TraceEmitter } from '../trace/emitter';

export class UsageError extends Error {}

/**
 * Thrown by an `out` whose reader has gone (`irqlab ... | head`: EPIPE, or ECONNRESET on a
 * socket): the command stops where it is, quietly, and irqlab exits 0, as the reader asked for
 * no more.
 */
export class OutputClosed extends Error {
  constructor() {
    super('standard output closed');
  }
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Lines of standard input (irqlab step). */
  input?: AsyncIterable<string>;
  /** Given only on a terminal (run.ts): a one-line progress report; null clears it. */
  progress?(line: string | null): void;
}

export const count = (n: number) => n.toLocaleString('en-US');

/**
 * The trace of a run whose events no sink reads (nothing is stored): one chunk of 1,024 events,
 * reused, instead of the 65,536 (3 MB of typed arrays) a stored run fills between its writes.
 */
export const unreadTrace = () => new TraceEmitter(1 << 10);

export function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

export function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
}

/**
 * What `simulate` prints of a run: its /proc/interrupts then the kernel's log; only the former
 * with `interruptsOnly`, only the latter with `logOnly` (a stored run); all of it with `json`.
 */
export function printRun(
  result: SimulationResult,
  opts: { json: boolean; interruptsOnly: boolean; logOnly?: boolean },
  io: Io,
): void {
  for (const w of result.warnings) io.err(`irqlab: warning: ${w}\n`);
  if (opts.json)
    io.out(JSON.stringify({ ...result, procInterrupts: result.procInterrupts() }, null, 2) + '\n');
  else if (opts.logOnly && !opts.interruptsOnly) {
    // The run is in the session; a big machine's /proc/interrupts is gigabytes: only the log.
    io.out(result.dmesg.join('\n') + '\n');
  } else {
    result.writeProcInterrupts(io.out);
    if (!opts.interruptsOnly) io.out('\n' + result.dmesg.join('\n') + '\n');
  }
}
