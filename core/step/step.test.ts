import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../model/presets';
import { qemuFixtureMachine } from '../testing/qemu';
import type { Breakpoint } from './breakpoints';
import { SteppingRun, type StepCommand, type StepState } from './engine';
import { BACKGROUND_NICE, StepSession } from './node/session';
import { PEEK_OPS, type PeekOp } from './peek';

/** Runs a machine with a script of commands, collecting the states it stops at. */
function scripted(
  machine = qemuFixtureMachine('q35-ir-4cpu'),
  commands: StepCommand[],
  breakpoints: Breakpoint[] = [],
  /** null: the machine's own profile. */
  profile: string | null = '6.1',
) {
  const states: StepState[] = [];
  const run = new SteppingRun(
    machine,
    { profile: profile ?? undefined },
    (s) => {
      states.push(s);
      return commands.shift() ?? { op: 'stop' };
    },
    { op: 'step' },
    breakpoints,
  );
  run.run();
  return states;
}

describe('stepping engine', () => {
  it('stops at every event with "step", one after another', () => {
    const s = scripted(undefined, [{ op: 'step' }, { op: 'step' }, { op: 'step' }]);
    expect(s.map((x) => x.seq)).toEqual([0, 1, 2, 3]);
  });

  it('"into" stops at the next call; "out" at the return of the current function', () => {
    const s = scripted(undefined, [{ op: 'into' }, { op: 'into' }, { op: 'out' }]);
    expect(s[1]!.event.kind).toBe('call');
    expect(s[2]!.event.kind).toBe('call');
    const inner = s[2]!.event.fn;
    expect(s[3]!.event).toMatchObject({ kind: 'ret' });
    // Out of the function entered at s[2]: we are back one level up.
    expect(s[3]!.stack.length).toBe(s[2]!.stack.length - 1);
    expect(s[3]!.event.fn).toBe(inner);
  });

  it('"over" steps over a whole call: the next event at the same depth', () => {
    const s = scripted(
      undefined,
      [{ op: 'continue' }, { op: 'over' }],
      [{ kind: 'function', spec: 'dmar_alloc_hwirq' }],
    );
    const at = s[1]!;
    expect(at.event).toMatchObject({ kind: 'call', fn: 'dmar_alloc_hwirq' });
    const after = s[2]!;
    expect(after.event).toMatchObject({ kind: 'ret', fn: 'dmar_alloc_hwirq' });
    expect(after.seq).toBeGreaterThan(at.seq + 5); // the allocation's inner calls were skipped
  });

  it('"continue" stops at an oops, as a debugger stops on a fatal signal, then runs to the end', () => {
    const s = scripted(
      PRESETS['seed-dmar-null-callback']!.make(),
      [{ op: 'continue' }, { op: 'continue' }, { op: 'continue' }],
      [{ kind: 'function', spec: 'dmar_alloc_hwirq' }],
      null,
    );
    expect(s[1]!.reason).toBe('breakpoint function dmar_alloc_hwirq');
    const oops = s[2]!;
    expect(oops.reason).toBe('oops');
    expect(oops.event).toMatchObject({ kind: 'fault', fn: 'oops' });
    expect(oops.done).toBe(false);
    // The oops's own state: the stack is still the call trace, not the log lines after it.
    expect(oops.stack.map((f) => f.fn)).toContain('msi_domain_alloc');
    // The next "continue" runs the rest of the run (the oops's log lines) without stopping.
    expect(s).toHaveLength(3);
  });

  it('a breakpoint that matches the oops names the stop ("first fault")', () => {
    const s = scripted(
      PRESETS['seed-dmar-null-callback']!.make(),
      [{ op: 'continue' }],
      [{ kind: 'condition', spec: 'first fault' }],
      null,
    );
    expect(s[1]!.reason).toBe('breakpoint condition first fault');
    expect(s[1]!.event.fn).toBe('oops');
  });

  it('breaks on a condition ("irq_matrix_alloc on cpu 3") and shows the state there', () => {
    const s = scripted(
      undefined,
      [{ op: 'continue' }],
      [{ kind: 'condition', spec: 'fn=irq_matrix_alloc kind=ret cpu=3' }],
    );
    const hit = s[1]!;
    expect(hit.reason).toBe('breakpoint condition fn=irq_matrix_alloc kind=ret cpu=3');
    expect(hit.event).toMatchObject({ fn: 'irq_matrix_alloc', cpu: 3 });
    expect(hit.stack.map((f) => f.fn)).toContain('assign_irq_vector_any_locked');
    expect(hit.matrix.map((m) => m.cpu)).toContain(3);
    expect(hit.chain.at(-1)!.domain).toBe('VECTOR');
  });

  it('at an IRTE write, shows the call with its arguments, then the IRTE written, the chain and the vector', () => {
    const s = scripted(
      undefined,
      [{ op: 'continue' }, { op: 'out' }],
      [{ kind: 'condition', spec: 'fn=modify_irte irq=25' }],
    );
    const call = s[1]!;
    expect(call.stack.map((f) => f.fn).slice(-3)).toEqual([
      'irq_domain_activate_irq',
      'intel_irq_remapping_activate',
      'modify_irte',
    ]);
    expect(call.stack.at(-1)!.args.map((a) => a.name)).toEqual(['index', 'vector', 'dest']);
    // Out of modify_irte: the IRTE is written.
    const written = s[2]!;
    expect(written.event).toMatchObject({ kind: 'ret', fn: 'modify_irte' });
    expect(written.irq).toBe(25);
    expect(written.chain.map((c) => c.domain)).toEqual([
      'INTEL-IR-MSI-0-3',
      'INTEL-IR-0',
      'VECTOR',
    ]);
    expect(written.irtes[0]).toMatchObject({
      unit: 'dmar0',
      index: 17,
      present: true,
      sid: '00:02.0',
      svt: 1,
    });
    expect(written.vector?.vector).toBe(written.irtes[0]!.vector);
  });

  it('"first fault" stops at the blocked VF interrupt of the seed preset', () => {
    const s = scripted(
      PRESETS['seed-vf-compat-blocked']!.make(),
      [{ op: 'continue' }],
      [{ kind: 'condition', spec: 'first fault' }],
      null,
    );
    const hit = s[1]!;
    expect(hit.event.kind).toBe('fault');
    expect(hit.event.text).toContain('fault reason 0x25');
    expect(hit.stack.map((f) => f.fn)).toContain('dmar_remap_request');
    // The blocked message's irq, its chain without a remapping level, and the mode IR is in.
    const fire = hit.stack.find((f) => f.fn === 'device_fire')!;
    const dev = fire.args.find((a) => a.name === 'dev')!.value;
    expect(hit.irq).not.toBeNull();
    expect(hit.message?.device).toBe(dev);
    expect(hit.chain.map((c) => c.domain.replace(/-\d+$/, ''))).toEqual(['PCI-MSI', 'VECTOR']);
    expect(hit.remapping).toBe('x2apic');
  });

  it('"ret<0" stops at a failing return: dmar_alloc_hwirq of the V2 series gives -EEXIST', () => {
    const s = scripted(
      PRESETS['seed-dmar-hwirq-fail']!.make(),
      [{ op: 'continue' }],
      [{ kind: 'condition', spec: 'fn=dmar_alloc_hwirq ret<0' }],
      null,
    );
    const hit = s[1]!;
    expect(hit.event).toMatchObject({ kind: 'ret', fn: 'dmar_alloc_hwirq' });
    expect(Number(hit.event.args[0]!.value)).toBe(-17);
    expect(hit.stack.at(-1)!.fn).toBe('dmar_set_interrupt');
  });

  it('refuses a malformed condition with what is wrong', () => {
    expect(() => scripted(undefined, [], [{ kind: 'condition', spec: 'cpu 3' }])).toThrow(
      /key=value/,
    );
  });
});

describe('stepping session (worker thread): forward and back', () => {
  it('steps back exactly to an earlier state, through the shadow run or a replay', async () => {
    const { session, state: first } = await StepSession.start(qemuFixtureMachine('q35-ir-4cpu'), {
      profile: '6.1',
    });
    try {
      expect(first.seq).toBe(0);
      const at900 = await session.do({ op: 'run-to', seq: 900 });
      expect(at900.seq).toBe(900);
      const ahead = await session.do({ op: 'run-to', seq: 1500 });
      expect(ahead.seq).toBe(1500);
      // Back past the shadow (512 behind) and within it: the same event, stack and state.
      const back = await session.goto(900);
      expect({ ...back, reason: '' }).toEqual({ ...at900, reason: '' });
      const one = await session.back(1);
      expect(one.seq).toBe(899);
      const fwd = await session.do({ op: 'step' });
      expect({ ...fwd, reason: '' }).toEqual({ ...at900, reason: '' });
    } finally {
      session.close();
    }
  });
});

describe('stepping session: a restart, then continue', () => {
  it('stops at the breakpoint a fresh session stops at, the live run booting again in its own thread', async () => {
    const machine = PRESETS['seed-vf-compat-blocked']!.make();
    const breakpoints: Breakpoint[] = [{ kind: 'condition', spec: 'first fault' }];
    const compose: Breakpoint = { kind: 'condition', spec: 'fn=__irq_msi_compose_msg kind=call' };
    const used = await StepSession.start(machine, {}, breakpoints);
    const fresh = await StepSession.start(
      machine,
      {},
      [...breakpoints, compose],
      undefined,
      0,
      false,
    );
    try {
      const fault = await used.session.do({ op: 'continue' });
      expect(fault.reason).toBe('breakpoint condition first fault');
      await used.session.do({ op: 'breakpoints', breakpoints: [...breakpoints, compose] });
      // Ctrl+Shift+F5 (step 0 is a state the session has), then F5: a run must go from step 0
      // with the breakpoints armed; no standby is behind step 0, so the live run boots again.
      expect((await used.session.goto(0)).seq).toBe(0);
      const again = await used.session.do({ op: 'continue' });
      const first = await fresh.session.do({ op: 'continue' });
      expect(again).toEqual(first);
      expect(again.seq).toBeLessThan(fault.seq);
      expect(again.reason).toBe('breakpoint condition fn=__irq_msi_compose_msg kind=call');
      expect([used.session.replays, used.session.restarts]).toEqual([1, 1]);
      // And on from there as the fresh one goes.
      expect(await used.session.do({ op: 'continue' })).toEqual(
        await fresh.session.do({ op: 'continue' }),
      );
    } finally {
      used.session.close();
      fresh.session.close();
    }
  });
});

describe('stepping session: steps back from the trail', () => {
  it('backs and the steps forward again show the states a replay reaches, as without the trail', async () => {
    const machine = qemuFixtureMachine('q35-ir-4cpu');
    const withTrail = await StepSession.start(machine, { profile: '6.1' });
    const replayOnly = await StepSession.start(
      machine,
      { profile: '6.1' },
      [],
      undefined,
      0,
      false,
    );
    type Move = StepCommand | { back: number } | { goto: number };
    const script: Move[] = [
      { op: 'run-to', seq: 700 },
      { op: 'step' },
      { op: 'over' },
      { op: 'into' },
      { op: 'out' },
      { back: 1 },
      { back: 1 },
      { back: 3 },
      { op: 'step' },
      { op: 'over' },
      { op: 'into' },
      { op: 'out' },
      { op: 'over' },
      { back: 40 },
      { op: 'run-to', seq: 690 },
      { goto: 705 },
      { op: 'step' },
    ];
    const move = (s: StepSession, m: Move) =>
      'back' in m ? s.back(m.back) : 'goto' in m ? s.goto(m.goto) : s.do(m);
    try {
      for (const m of script) {
        const a = await move(withTrail.session, m);
        const b = await move(replayOnly.session, m);
        expect({ move: m, ...a }).toEqual({ move: m, ...b });
      }
      // Every step back above was within the trail: no run had to be replayed for them.
      expect([withTrail.session.replays, replayOnly.session.replays > 0]).toEqual([0, true]);
    } finally {
      withTrail.session.close();
      replayOnly.session.close();
    }
  });
});

describe('stepping session: answers ahead (peek)', () => {
  it('each answer given ahead is the one the command then gives, and peeking moves nothing', async () => {
    const machine = qemuFixtureMachine('q35-ir-4cpu');
    const peeking = await StepSession.start(machine, { profile: '6.1' });
    const plain = await StepSession.start(machine, { profile: '6.1' }, [], undefined, 0, false);
    const script: PeekOp[] = [
      ...Array<PeekOp>(6).fill('step'),
      'over',
      'into',
      'step',
      'out',
      'back',
      'back',
      'over',
      'over',
      'into',
      'into',
      'out',
      ...Array<PeekOp>(4).fill('back'),
      'step',
      'over',
    ];
    const move = (s: StepSession, op: PeekOp) => (op === 'back' ? s.back(1) : s.do({ op }));
    const answeredAhead = new Set<PeekOp>();
    try {
      await peeking.session.do({ op: 'run-to', seq: 700 });
      await plain.session.do({ op: 'run-to', seq: 700 });
      for (const op of script) {
        const shown = peeking.session.state;
        const ahead = await peeking.session.peek(PEEK_OPS);
        expect(ahead.seq).toBe(shown.seq);
        expect(peeking.session.state).toBe(shown);
        const peeked = ahead.answers[PEEK_OPS.indexOf(op)];
        const got = await move(peeking.session, op);
        // Given ahead or not, the answer is the one a session that never peeked gives.
        expect({ op, ...got }).toEqual({ op, ...(await move(plain.session, op)) });
        if (peeked) {
          answeredAhead.add(op);
          expect({ op, ...peeked }).toEqual({ op, ...got });
        }
      }
      // Every kind of command was answered ahead at least once, without a replay.
      expect([...answeredAhead].sort()).toEqual([...PEEK_OPS].sort());
      expect(peeking.session.replays).toBe(0);
    } finally {
      peeking.session.close();
      plain.session.close();
    }
  });

  it('with a breakpoint armed only "back" is answered ahead, and F5 stops where it stops without peeking', async () => {
    const machine = PRESETS['seed-vf-compat-blocked']!.make();
    const breakpoints: Breakpoint[] = [{ kind: 'condition', spec: 'first fault' }];
    const peeking = await StepSession.start(machine, {});
    const plain = await StepSession.start(machine, {}, breakpoints, undefined, 0, false);
    try {
      await peeking.session.do({ op: 'run-to', seq: 50 });
      // Unarmed, the live run goes ahead of the step shown; then a breakpoint is set there.
      expect((await peeking.session.peek(['step'])).answers[0]?.seq).toBe(51);
      await peeking.session.do({ op: 'breakpoints', breakpoints });
      const armed = await peeking.session.peek(PEEK_OPS);
      expect(armed.answers.map((a) => a?.seq ?? null)).toEqual([null, null, null, null, 49]);
      expect(await peeking.session.do({ op: 'continue' })).toEqual(
        await plain.session.do({ op: 'continue' }),
      );
    } finally {
      peeking.session.close();
      plain.session.close();
    }
  });
});

/** Threads of this process at the niceness of a background run (Linux: /proc/self/task). */
function nicedThreads(): number {
  let n = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (in parentheses): nice is the 19th of the line.
      const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      if (nice === BACKGROUND_NICE) n++;
    } catch {
      // the thread ended meanwhile
    }
  }
  return n;
}

describe('stepping session: background runs yield the CPU', () => {
  it.runIf(process.platform === 'linux')(
    'runs its standbys and follower niced, and a standby made the live run at the usual priority',
    async () => {
      const { session } = await StepSession.start(qemuFixtureMachine('q35-ir-4cpu'), {
        profile: '6.1',
      });
      try {
        const before = nicedThreads();
        await session.do({ op: 'run-to', seq: 1300 });
        // Standbys at steps 788 and 276, and the follower.
        await expect.poll(() => nicedThreads() - before, { timeout: 60_000 }).toBe(3);
        await expect.poll(() => session.standbysReady, { timeout: 60_000 }).toBe(2);
        expect(session.liveNiced).toBe(false);
        // Beyond the trail: the standby at 276 becomes the live run.
        expect((await session.goto(300)).seq).toBe(300);
        expect([session.replays, session.restarts]).toEqual([1, 0]);
        // Its priority back, where the system lets a thread's priority be raised (as root).
        if (process.getuid?.() === 0) expect(session.liveNiced).toBe(false);
      } finally {
        session.close();
      }
    },
  );
});
