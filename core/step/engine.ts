// The stepping engine: the same simulation that boots a machine at full speed, paused at chosen
// trace events. It watches every event (the emitter's pause hook), keeps the call stack with its
// arguments, decides when to stop (step, into, over, out, continue to a breakpoint, run to a
// step number) and, stopped, reads the kernel's state: the irq_data chain being built, the
// vector matrix of the CPUs involved, the IRTEs touched, the message written.
//
// Pausing is the host's business: `pause(state)` must return the next command, and may block
// meanwhile (a worker thread waits on Atomics.wait; tests answer from a script). Going back is a
// replay: the run is deterministic, so a new run stopped at step N is exactly the state at N.
import { simulate, type SimulateOptions, type SimulationResult } from '../scenario';
import type { Kernel } from '../kernel/kernel';
import { formatIrteDest, formatSid } from '../model/format';
import type { Machine } from '../model/schema';
import { EVENT_KIND_NAMES, EventKind } from '../trace/events';
import { StopSimulation, TraceEmitter } from '../trace/emitter';
import type { IntelIrData } from '../kernel/iommu/intel-ir';
import {
  compileBreakpoint,
  type Breakpoint,
  type CompiledBreakpoint,
  type EventView,
} from './breakpoints';

export type StepCommand =
  | { op: 'step' }
  | { op: 'into' }
  /**
   * `depth`/`atCall`: the stack depth and whether it was at a call where the command was given,
   * when that was an earlier step than the run's (a session continuing a command on its live run
   * after it checked the steps in between from its recorded trail).
   */
  | { op: 'over'; depth?: number; atCall?: boolean }
  | { op: 'out'; depth?: number }
  | { op: 'continue' }
  /** `record`: report the state at every step on the way (the session's trail of exact states). */
  | { op: 'run-to'; seq: number; record?: boolean }
  | { op: 'breakpoints'; breakpoints: Breakpoint[] }
  | { op: 'stop' };

export interface StepFrame {
  fn: string;
  seq: number;
  args: { name: string; value: string }[];
}

export interface StepState {
  /** The event the run is stopped after (its sequence number is the step). */
  seq: number;
  event: {
    kind: string;
    fn: string;
    irq: number;
    cpu: number;
    depth: number;
    args: { name: string; value: string }[];
    text: string;
  };
  /** The modeled call stack, outermost first. */
  stack: StepFrame[];
  /** Why it stopped: the command's goal, or the breakpoint that hit. */
  reason: string;
  /** The irq being worked on (the innermost frame that names one), and its state. */
  irq: number | null;
  chain: { domain: string; hwirq: string; chip: string }[];
  vector: { vector: number; cpu: number; managed: boolean; reserved: boolean } | null;
  matrix: {
    cpu: number;
    available: number;
    allocated: number;
    managed: number;
    managedAllocated: number;
    vectors: string;
  }[];
  irtes: {
    unit: string;
    index: number;
    present: boolean;
    vector: number;
    dest: string;
    sid: string;
    svt: number;
    sq: number;
  }[];
  message: { device: string; entry: number; address: string; data: string } | null;
  /** Interrupt remapping as the kernel has it now: 'xapic' / 'x2apic' when on, else 'off'. */
  remapping: 'xapic' | 'x2apic' | 'off';
  dmesgTail: string[];
  /** The run has ended (boot and scenario done, or an oops/panic). */
  done: boolean;
}

/**
 * Whether the event at `seq` ends a command given at stack depth `depth` (at a call: `atCall`),
 * and why. `sp`: stack depth after the event, `before`: before it. Breakpoints are apart.
 */
export function goalReached(
  goal: StepCommand,
  event: { seq: number; call: boolean; ret: boolean; fn: string; fault?: boolean },
  sp: number,
  before: number,
  depth: number,
  atCall: boolean,
): string | null {
  // An oops stops every command that moves on, as a debugger stops on a fatal signal: the
  // kernel's state is the one at the oops, not after the call trace it logs.
  if (event.fault && event.fn === 'oops' && goal.op !== 'run-to') return 'oops';
  switch (goal.op) {
    case 'run-to':
      return event.seq >= goal.seq ? `step ${goal.seq}` : null;
    case 'step':
      return 'step';
    case 'into':
      return event.call ? `into ${event.fn}` : null;
    case 'over':
      // Stopped at a call: run the whole call, stop at its return. Elsewhere: the next event at
      // this level or above, not inside a call made from here.
      return (atCall ? sp < depth : before <= depth) ? 'over' : null;
    case 'out':
      // The return of the innermost function of the stack as it was.
      return event.ret && sp < depth ? `out of ${event.fn}` : null;
    default:
      return null;
  }
}

const hex = (n: number, w = 1) => '0x' + n.toString(16).padStart(w, '0');

/** A run that stops when told. */
export class SteppingRun {
  private k: Kernel | null = null;
  private readonly trace = new TraceEmitter();
  /** The call stack as numbers (no allocation per event): function id, step, four arguments. */
  private sp = 0;
  private stackFn = new Int32Array(1024);
  private stackSeq = new Float64Array(1024);
  private stackArgs = new Float64Array(4096);
  private breakpoints: CompiledBreakpoint[] = [];
  private goal: StepCommand = { op: 'step' };
  /** Frames on the stack when the command came, and whether it came at a call event. */
  private goalDepth = 0;
  private goalAtCall = false;
  private faultsSeen = 0;
  result: SimulationResult | null = null;

  constructor(
    private readonly machine: Machine,
    private readonly options: Omit<SimulateOptions, 'trace' | 'onKernel'>,
    /** Called when the run stops; returns what to do next (may block). */
    private readonly pause: (state: StepState) => StepCommand,
    initial: StepCommand = { op: 'step' },
    breakpoints: Breakpoint[] = [],
    /** Receives the state at each step a `run-to` with `record` passes. */
    private readonly record: ((state: StepState) => void) | null = null,
  ) {
    this.goal = initial;
    this.setBreakpoints(breakpoints);
  }

  setBreakpoints(list: Breakpoint[]): void {
    this.breakpoints = list.filter((b) => b.enabled !== false).map(compileBreakpoint);
  }

  /** Runs to the end (or until a stop command); returns the last state. */
  run(): StepState {
    this.trace.pauseHook = (seq) => this.onEvent(seq);
    let last: StepState | null = null;
    try {
      this.result = simulate(this.machine, {
        ...this.options,
        trace: this.trace,
        onKernel: (k) => {
          this.k = k;
        },
      });
    } catch (err) {
      if (!(err instanceof StopSimulation)) throw err;
    }
    this.trace.pauseHook = null;
    last = this.state(this.trace.seq - 1, 'end of the run', true);
    return last;
  }

  private onEvent(seq: number): void {
    const l = this.trace.last;
    const before = this.sp;
    // The call stack with arguments, kept from the events themselves.
    if (l.kind === EventKind.call) {
      if (this.sp === this.stackFn.length) this.growStack();
      const i = this.sp++;
      this.stackFn[i] = l.fn;
      this.stackSeq[i] = seq;
      this.stackArgs[i * 4] = l.a0;
      this.stackArgs[i * 4 + 1] = l.a1;
      this.stackArgs[i * 4 + 2] = l.a2;
      this.stackArgs[i * 4 + 3] = l.a3;
    } else if (l.kind === EventKind.ret) {
      if (this.sp > 0) this.sp--;
    } else if (l.kind === EventKind.fault) {
      this.faultsSeen++;
    }
    // Replaying to a step (going back) looks at nothing else, unless it records.
    const g = this.goal;
    if (g.op === 'run-to' && g.record && this.record && seq <= g.seq)
      this.record(this.state(seq, `step ${seq}`, false));
    if (g.op === 'run-to' && seq < g.seq && this.breakpoints.length === 0) return;
    const reason = this.shouldStop(seq, before);
    if (reason === null) return;
    const command = this.pause(this.state(seq, reason, false));
    this.obey(command, seq);
  }

  private growStack(): void {
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.stackFn = grow(this.stackFn, (n) => new Int32Array(n));
    this.stackSeq = grow(this.stackSeq, (n) => new Float64Array(n));
    this.stackArgs = grow(this.stackArgs, (n) => new Float64Array(n));
  }

  /** The stack as frames, outermost first (built only for a state). */
  private frames(): StepFrame[] {
    const out: StepFrame[] = [];
    for (let i = 0; i < this.sp; i++) {
      const fn = this.stackFn[i]!;
      const a = this.stackArgs;
      out.push({
        fn: this.trace.symbols[fn]?.name ?? '',
        seq: this.stackSeq[i]!,
        args: this.args(fn, [a[i * 4]!, a[i * 4 + 1]!, a[i * 4 + 2]!, a[i * 4 + 3]!]),
      });
    }
    return out;
  }

  private obey(command: StepCommand, seq: number): void {
    if (command.op === 'breakpoints') {
      this.setBreakpoints(command.breakpoints);
      // Stay stopped where we are: ask again.
      this.obey(this.pause(this.state(seq, 'breakpoints set', false)), seq);
      return;
    }
    if (command.op === 'stop') throw new StopSimulation(seq);
    this.goal = command;
    this.goalDepth = this.sp;
    this.goalAtCall = this.trace.last.kind === EventKind.call;
    if ((command.op === 'over' || command.op === 'out') && command.depth !== undefined)
      this.goalDepth = command.depth;
    if (command.op === 'over' && command.atCall !== undefined) this.goalAtCall = command.atCall;
  }

  /** `before`: frames on the stack before this event (a call pushes, a return pops). */
  private shouldStop(seq: number, before: number): string | null {
    const l = this.trace.last;
    const name = this.trace.symbols[l.fn]?.name ?? '';
    const reached = goalReached(
      this.goal,
      {
        seq,
        call: l.kind === EventKind.call,
        ret: l.kind === EventKind.ret,
        fn: name,
        fault: l.kind === EventKind.fault,
      },
      this.sp,
      before,
      this.goalDepth,
      this.goalAtCall,
    );
    // The user's own breakpoint names the stop when it matches too (an oops is a fault).
    if (reached !== null && reached !== 'oops') return reached;
    if (this.breakpoints.length) {
      const view = this.view(name);
      for (const b of this.breakpoints) if (b.matches(view)) return `breakpoint ${b.label}`;
    }
    return reached;
  }

  private view(name: string): EventView {
    const l = this.trace.last;
    const k = this.k;
    const desc = k && l.irq >= 0 ? k.descs[l.irq] : undefined;
    return {
      kind: EVENT_KIND_NAMES[l.kind as EventKind] ?? '',
      fn: name,
      irq: l.irq,
      cpu: l.cpu,
      device: desc?.owner ?? '',
      domain: desc?.data?.domain.name ?? '',
      firstFault: l.kind === EventKind.fault && this.faultsSeen === 1,
      ret: l.kind === EventKind.ret ? l.a0 : NaN,
    };
  }

  private args(fn: number, values: number[]): { name: string; value: string }[] {
    const spec = this.trace.symbols[fn]?.args ?? [];
    return spec.map((a, i) => {
      const v = values[i] ?? 0;
      const value =
        a.type === 'hex' ? hex(v) : a.type === 'str' ? this.trace.strings.get(v) : String(v);
      return { name: a.name, value };
    });
  }

  /** What the kernel looks like now. */
  state(seq: number, reason: string, done: boolean): StepState {
    const l = this.trace.last;
    const k = this.k;
    const fnName = this.trace.symbols[l.fn]?.name ?? '';
    const stack = this.frames();
    let irq: number | null = l.irq >= 0 ? l.irq : null;
    for (let i = stack.length - 1; irq === null && i >= 0; i--) {
      const virq = stack[i]!.args.find((a) => a.name === 'virq' || a.name === 'irq');
      if (virq && Number(virq.value) >= 0) irq = Number(virq.value);
    }
    // A device raising a message (device_fire(dev, entry)): the irq behind that entry.
    for (let i = stack.length - 1; irq === null && k && i >= 0; i--) {
      const args = stack[i]!.args;
      const dev = args.find((a) => a.name === 'dev')?.value;
      const entry = args.find((a) => a.name === 'entry')?.value;
      if (dev === undefined || entry === undefined) continue;
      const own = k.messages.get(dev)?.irqs.find((n) => k.descs[n]?.msiIndex === Number(entry));
      if (own !== undefined) irq = own;
    }
    const desc = k && irq !== null ? k.descs[irq] : undefined;
    const chain: StepState['chain'] = [];
    const irtes: StepState['irtes'] = [];
    for (let d = desc?.data; d; d = d.parent) {
      chain.push({
        domain: d.domain.name,
        hwirq: hex(d.hwirq),
        chip: d.chip?.name ?? '(not set yet)',
      });
      const ir = d.chipData as IntelIrData | null;
      if (ir && d.chip?.composer === 'intel-ir' && ir.iommu) {
        const i = ir.index + ir.subHandle;
        const u = ir.iommu;
        const sid = u.sid[i]!;
        irtes.push({
          unit: u.name,
          index: i,
          present: u.present[i] === 1,
          vector: u.vector[i]!,
          dest: formatIrteDest(u.destId[i]!),
          sid: formatSid(sid),
          svt: u.svt[i]!,
          sq: u.sq[i]!,
        });
      }
    }
    let vector: StepState['vector'] = null;
    const cpus = new Set<number>();
    if (k && irq !== null && k.apic.has(irq, 16 /* PRESENT */)) {
      vector = {
        vector: k.apic.vector[irq]!,
        cpu: k.apic.cpu[irq]!,
        managed: k.apic.has(irq, 1),
        reserved: k.apic.has(irq, 4),
      };
      if (vector.vector) cpus.add(vector.cpu);
      const aff = k.affinity[irq];
      if (aff && aff !== k.allCpus) for (const c of aff) if (cpus.size < 8) cpus.add(c);
    }
    if (l.cpu >= 0) cpus.add(l.cpu);
    if (k && cpus.size === 0) cpus.add(k.online.first() < 0 ? 0 : k.online.first());
    const matrix = k
      ? [...cpus]
          .sort((a, b) => a - b)
          .map((cpu) => ({
            cpu,
            available: k.matrix.available[cpu]!,
            allocated: k.matrix.allocated[cpu]!,
            managed: k.matrix.managed[cpu]!,
            managedAllocated: k.matrix.managedAllocated[cpu]!,
            vectors: k.matrix.cpuVectorList(cpu),
          }))
      : [];
    let message: StepState['message'] = null;
    if (k && desc && desc.owner) {
      const m = k.messages.get(desc.owner)?.entries[desc.msiIndex];
      if (m)
        message = {
          device: desc.owner,
          entry: desc.msiIndex,
          address: hex(m.address_hi * 2 ** 32 + m.address_lo, 8),
          data: hex(m.data, 4),
        };
    }
    return {
      seq,
      event: {
        kind: EVENT_KIND_NAMES[l.kind as EventKind] ?? '',
        fn: fnName,
        irq: l.irq,
        cpu: l.cpu,
        depth: l.depth,
        args:
          l.kind === EventKind.call
            ? this.args(l.fn, [l.a0, l.a1, l.a2, l.a3])
            : l.kind === EventKind.ret
              ? [{ name: 'ret', value: String(l.a0) }]
              : this.args(l.fn, [l.a0, l.a1, l.a2, l.a3]),
        text: l.text ? this.trace.strings.get(l.text) : '',
      },
      stack,
      reason,
      irq,
      chain,
      vector,
      matrix,
      irtes,
      message,
      remapping: k?.irqRemappingEnabled && k.irqRemapMode ? k.irqRemapMode : 'off',
      dmesgTail: k ? k.dmesg.slice(-6) : [],
      done,
    };
  }
}
