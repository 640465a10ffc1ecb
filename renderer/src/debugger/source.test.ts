// The pseudo-source covers what the model traces: every traced function has its source, and
// every call, state change, fault and log line a function makes in a real run has its line there
// (the call graph is read from runs of the presets and the QEMU machines, with hotplug, affinity
// changes and interrupts fired), so the debugger always has a line to highlight.
import { describe, expect, it } from 'vitest';
import { simulate, type SimulateOptions } from '../../../core/scenario';
import { FUNCTION_ARGS } from '../../../core/kernel/trace-symbols';
import { PRESETS } from '../../../core/model/presets';
import type { Machine } from '../../../core/model/schema';
import { qemuFixtureMachine } from '../../../core/testing/qemu';
import { TraceEmitter } from '../../../core/trace/emitter';
import { EventKind } from '../../../core/trace/events';
import { PSEUDO_SOURCE } from './pseudo-source';
import { placeOf, sourceOf } from './source';

/** Parent function -> what it made: callees, state:x, fault:x, log. */
function callGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const runs: [Machine, SimulateOptions][] = [
    [PRESETS.example!.make(), {}],
    [PRESETS['dmar-server']!.make(), {}],
    [PRESETS['dmar-server']!.make(), { profile: 'mainline', scenario: [{ op: 'fire' }] }],
    [PRESETS['seed-dmar-null-callback']!.make(), {}],
    [PRESETS['seed-dmar-hwirq-fail']!.make(), {}],
    [PRESETS['seed-vf-compat-blocked']!.make(), {}],
    [PRESETS['seed-vf-compat-blocked']!.make(), { profile: 'v5.10' }],
    [
      qemuFixtureMachine('q35-ir-4cpu'),
      {
        profile: '6.1',
        scenario: [
          { op: 'cpu_down', cpu: 1 },
          { op: 'cpu_up', cpu: 1 },
          { op: 'set_affinity', irq: 25, cpus: [2] },
          { op: 'fire' },
        ],
      },
    ],
    [
      qemuFixtureMachine('q35-noir-2cpu'),
      { profile: '6.1', scenario: [{ op: 'cpu_down', cpu: 1 }] },
    ],
  ];
  for (const [machine, options] of runs) {
    const trace = new TraceEmitter();
    const stack: string[] = [];
    trace.pauseHook = () => {
      const l = trace.last;
      const name = trace.symbols[l.fn]?.name ?? '';
      const parent = stack[stack.length - 1];
      const made =
        l.kind === EventKind.call
          ? name
          : l.kind === EventKind.state
            ? `state:${name}`
            : l.kind === EventKind.fault
              ? `fault:${name}`
              : l.kind === EventKind.log
                ? 'log'
                : null;
      if (parent && made) {
        if (!graph.has(parent)) graph.set(parent, new Set());
        graph.get(parent)!.add(made);
      }
      if (l.kind === EventKind.call) stack.push(name);
      else if (l.kind === EventKind.ret) stack.pop();
    };
    simulate(machine, { ...options, trace });
  }
  return graph;
}

describe('pseudo-source of the traced kernel functions', () => {
  const graph = callGraph();

  it('has the source of every traced function', () => {
    const traced = new Set([...Object.keys(FUNCTION_ARGS), ...graph.keys()]);
    traced.delete('oops'); // a fault, not a function
    const missing = [...traced].filter((fn) => !sourceOf(fn));
    expect(missing).toEqual([]);
  });

  it('has a line for every call, state change, fault and log line each function makes', () => {
    const missing: string[] = [];
    for (const [parent, made] of graph)
      for (const what of made)
        if (!sourceOf(parent)?.marks.has(what)) missing.push(`${parent} -> ${what}`);
    expect(missing).toEqual([]);
  });

  it('marks only names the model traces', () => {
    const known = new Set([...Object.keys(FUNCTION_ARGS), ...graph.keys()]);
    for (const made of graph.values()) for (const w of made) known.add(w);
    const unknown: string[] = [];
    for (const fn of Object.keys(PSEUDO_SOURCE))
      for (const key of sourceOf(fn)!.marks.keys())
        if (!known.has(key) && !key.startsWith('state:')) unknown.push(`${fn}: @@${key}`);
    expect(unknown).toEqual([]);
  });

  it('shows the text without its markers, and places a return on the line that called', () => {
    const src = sourceOf('dmar_alloc_hwirq')!;
    expect(src.text).not.toContain('@@');
    const line = src.marks.get('__irq_domain_alloc_irqs')!;
    expect(src.text.split('\n')[line - 1]).toContain('irq_domain_alloc_irqs(domain');
    const place = placeOf({
      seq: 1,
      event: {
        kind: 'ret',
        fn: '__irq_domain_alloc_irqs',
        irq: -1,
        cpu: -1,
        depth: 1,
        args: [{ name: 'ret', value: '-17' }],
        text: '',
      },
      stack: [{ fn: 'dmar_alloc_hwirq', seq: 0, args: [] }],
      reason: '',
      irq: null,
      chain: [],
      vector: null,
      matrix: [],
      irtes: [],
      message: null,
      remapping: 'off',
      dmesgTail: [],
      done: false,
    });
    expect(place).toMatchObject({
      fn: 'dmar_alloc_hwirq',
      line,
      note: '__irq_domain_alloc_irqs returned -17',
    });
  });
});
