// `irqlab step`: the stepping engine in a terminal, for people without the app. Reads one command
// per line and prints where the run stopped:
//   n | s      next event            i   into the next call      o   over the current call
//   u          out of the function   c   continue                b [N]  back N steps (1)
//   g N        go to step N          break KIND SPEC   (function|domain|irq|device|cpu|condition)
//   delete N   a breakpoint          info breakpoints
//   p [what]   print: stack, chain, vector, matrix, irtes, msg, dmesg, all
//   q          quit
import { formatVector } from '../model/format';
import { PROFILES } from '../kernel/profiles';
import type { Machine } from '../model/schema';
import type { SimulateOptions } from '../scenario';
import { BreakpointSchema, parseCondition, type Breakpoint } from '../step/breakpoints';
import type { StepState } from '../step/engine';
import { StepSession } from '../step/node/session';
import { takeOption, UsageError, type Io } from './common';
import { loadMachine } from './machine';

const PRINTS = ['stack', 'chain', 'vector', 'matrix', 'irtes', 'msg', 'dmesg'] as const;

export function describeStop(s: StepState): string {
  const args = s.event.args.map((a) => `${a.name}=${a.value}`).join(', ');
  const what =
    s.event.kind === 'call'
      ? `${s.event.fn}(${args})`
      : s.event.kind === 'ret'
        ? `${s.event.fn} returned ${s.event.args[0]?.value ?? ''}`
        : s.event.kind === 'log'
          ? `log: ${s.event.text}`
          : s.event.kind === 'fault'
            ? `FAULT ${s.event.text}`
            : `${s.event.kind} ${s.event.fn}(${args})`;
  const where = [
    s.event.irq >= 0 ? `irq ${s.event.irq}` : '',
    s.event.cpu >= 0 ? `cpu ${s.event.cpu}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `#${s.seq} [${s.reason}]${s.done ? ' (end of run)' : ''} ${what}${where ? `  ${where}` : ''}\n`;
}

export function printState(s: StepState, what: (typeof PRINTS)[number] | 'all'): string {
  const out: string[] = [];
  const want = (w: string) => what === 'all' || what === w;
  if (want('stack'))
    s.stack.forEach((f, i) =>
      out.push(
        `  ${String(i).padStart(2)} ${f.fn}(${f.args.map((a) => `${a.name}=${a.value}`).join(', ')})  #${f.seq}`,
      ),
    );
  if (want('chain'))
    out.push(
      s.irq === null
        ? '  no irq at this step'
        : `  irq ${s.irq}: ` +
            s.chain.map((c) => `${c.domain} [${c.hwirq} ${c.chip}]`).join(' -> '),
    );
  if (want('vector') && s.vector)
    out.push(
      `  vector ${s.vector.vector} (0x${s.vector.vector.toString(16)}) on cpu ${s.vector.cpu}${s.vector.managed ? ', managed' : ''}${s.vector.reserved ? ', reserved' : ''}`,
    );
  if (want('matrix'))
    for (const m of s.matrix)
      out.push(
        `  cpu ${m.cpu}: avl ${m.available} act ${m.allocated} man ${m.managed} mac ${m.managedAllocated}  ${m.vectors}`,
      );
  if (want('irtes'))
    for (const e of s.irtes)
      out.push(
        `  ${e.unit} IRTE ${e.index}: ${e.present ? 'present' : 'not present'} vector ${formatVector(e.vector)} dest ${e.dest} sid ${e.sid} svt ${e.svt} sq ${e.sq}`,
      );
  if (want('msg') && s.message)
    out.push(
      `  ${s.message.device} entry ${s.message.entry}: Address ${s.message.address} Data ${s.message.data}`,
    );
  if (want('dmesg')) for (const l of s.dmesgTail) out.push(`  | ${l}`);
  return out.length ? out.join('\n') + '\n' : '';
}

/** Runs the stepper: `lines` yields the commands, `write` prints. Returns the exit code. */
export async function runStepper(
  machine: Machine,
  options: Omit<SimulateOptions, 'trace' | 'onKernel'>,
  initial: Breakpoint[],
  lines: AsyncIterable<string>,
  write: (text: string) => void,
): Promise<number> {
  const breakpoints = [...initial];
  const { session, state } = await StepSession.start(machine, options, breakpoints);
  write(describeStop(state));
  let s = state;
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      if (!line) continue;
      const [cmd, ...rest] = line.split(/\s+/);
      try {
        switch (cmd) {
          case 'n':
          case 's':
            s = await session.do({ op: 'step' });
            break;
          case 'i':
            s = await session.do({ op: 'into' });
            break;
          case 'o':
            s = await session.do({ op: 'over' });
            break;
          case 'u':
            s = await session.do({ op: 'out' });
            break;
          case 'c':
            s = await session.do({ op: 'continue' });
            break;
          case 'b':
            s = await session.back(rest[0] ? Number(rest[0]) : 1);
            break;
          case 'g':
            if (!/^\d+$/.test(rest[0] ?? '')) throw new Error('g takes a step number');
            s = await session.goto(Number(rest[0]));
            break;
          case 'break': {
            const kind = rest[0];
            const spec = rest.slice(1).join(' ');
            const b = BreakpointSchema.safeParse({ kind, spec });
            if (!b.success)
              throw new Error(
                'break KIND SPEC: KIND is function, domain, irq, device, cpu or condition',
              );
            if (b.data.kind === 'condition') parseCondition(spec);
            breakpoints.push(b.data);
            s = await session.do({ op: 'breakpoints', breakpoints });
            write(`breakpoint ${breakpoints.length}: ${kind} ${spec}\n`);
            continue;
          }
          case 'delete': {
            const n = Number(rest[0]);
            if (!(n >= 1 && n <= breakpoints.length))
              throw new Error(`no breakpoint ${rest[0] ?? ''}`);
            breakpoints.splice(n - 1, 1);
            s = await session.do({ op: 'breakpoints', breakpoints });
            continue;
          }
          case 'info':
            breakpoints.forEach((b, i) => write(`${i + 1}: ${b.kind} ${b.spec}\n`));
            continue;
          case 'p': {
            const what = (rest[0] ?? 'all') as (typeof PRINTS)[number] | 'all';
            if (what !== 'all' && !PRINTS.includes(what))
              throw new Error(`p takes ${PRINTS.join(', ')} or all`);
            write(printState(s, what));
            continue;
          }
          case 'q':
            return 0;
          default:
            throw new Error(
              `unknown command ${JSON.stringify(cmd)} (n s i o u c b g break delete info p q)`,
            );
        }
        write(describeStop(s));
      } catch (err) {
        write(`error: ${(err as Error).message}\n`);
      }
    }
    return 0;
  } finally {
    session.close();
  }
}

/** irqlab step: the stepping engine on a terminal, commands from stdin. */
export async function cmdStep(args: string[], io: Io): Promise<number> {
  const profile = takeOption(args, '--profile');
  const breakpoints: Breakpoint[] = [];
  for (let v = takeOption(args, '--break'); v !== undefined; v = takeOption(args, '--break')) {
    const [kind, ...spec] = v.split(':');
    const b = BreakpointSchema.safeParse({ kind, spec: spec.join(':') });
    if (!b.success)
      throw new UsageError(
        `--break ${v}: KIND:SPEC with KIND function, domain, irq, device, cpu or condition`,
      );
    breakpoints.push(b.data);
  }
  if (args.length !== 1) throw new UsageError('step takes one machine');
  if (profile && !PROFILES[profile]) throw new UsageError(`--profile ${profile}: unknown`);
  const input = io.input; // once: run.ts makes a reader of stdin at each read
  if (!input) throw new UsageError('step needs its commands on standard input');
  return runStepper(loadMachine(args[0]!), { profile }, breakpoints, input, io.out);
}
