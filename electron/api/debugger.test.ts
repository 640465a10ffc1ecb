// The debugger, trace explorer, analysis views, comparison and examples through the API, on real
// session files: what each channel answers is checked against the simulator's own results
// (core/kernel simulate, core/compare diffRuns), never against numbers written here.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../core/scenario';
import { PRESETS } from '../../core/model/presets';
import { Session } from '../../core/store/session';
import type { SessionState } from './channels';
import { call, dispatch } from './dispatch';
import { useServiceFixture } from './service-fixture';

const fx = useServiceFixture('debugger');

const h = () => fx.service.handlers;

async function sessionWithRun(
  preset: string,
  options: { profile?: string; injections?: unknown[] } = {},
): Promise<{ session: SessionState; runId: number; text: string }> {
  const m = await call(h(), 'machine.fromPreset', { name: preset });
  const session = await call(h(), 'session.new', { machineName: m.name, machineText: m.text });
  const runId = await runOn(session, m.text, options);
  return { session, runId, text: m.text };
}

async function runOn(
  session: SessionState,
  text: string,
  options: { profile?: string; injections?: unknown[]; customProfile?: unknown } = {},
): Promise<number> {
  const { jobId } = await call(h(), 'run.start', {
    sessionId: session.sessionId,
    machineText: text,
    ...(options as object),
  });
  const status = await fx.finished(jobId);
  expect(status.state, status.error ?? '').toBe('done');
  return status.runId!;
}

describe('the allocation debugger', () => {
  it('opens at any step of a stored run on exactly the event the trace stored there', async () => {
    const { session, runId } = await sessionWithRun('dmar-server');
    const ref = { sessionId: session.sessionId, runId };
    const { events } = await call(h(), 'trace.page', {
      ...ref,
      fromSeq: 0,
      limit: 1,
      filter: { fn: 'modify_irte' },
    });
    const at = events[0]!;
    const started = await call(h(), 'debug.start', { ...ref, seq: at.seq });
    expect(started.state.seq).toBe(at.seq);
    expect(started.state.event).toMatchObject({ kind: at.kind, fn: at.name });
    // Forward, then back: the same state again.
    const into = await call(h(), 'debug.command', {
      debugId: started.debugId,
      command: { op: 'into' },
    });
    expect(into.seq).toBeGreaterThan(at.seq);
    const back = await call(h(), 'debug.command', {
      debugId: started.debugId,
      command: { op: 'goto', seq: at.seq },
    });
    expect({ ...back, reason: '' }).toEqual({ ...started.state, reason: '' });
    // "Run to here": the next call of a function the stack will make.
    const ran = await call(h(), 'debug.command', {
      debugId: started.debugId,
      command: { op: 'run-to-call', fn: 'irq_matrix_alloc' },
    });
    expect(ran.event).toMatchObject({ kind: 'call', fn: 'irq_matrix_alloc' });
    expect(ran.reason).toBe('run to irq_matrix_alloc');
    await call(h(), 'debug.close', { debugId: started.debugId });
  });

  it("gives each step command's answer ahead, the one the command then gives; breakpoints set through the API make the forward ones unknown", async () => {
    const { session, runId } = await sessionWithRun('dmar-server');
    const d = await call(h(), 'debug.start', { sessionId: session.sessionId, runId, seq: 400 });
    const ops = ['step', 'into', 'over', 'out', 'back'] as const;
    const ahead = await call(h(), 'debug.peek', { debugId: d.debugId, ops: [...ops] });
    expect(ahead.seq).toBe(400);
    const step = await call(h(), 'debug.command', {
      debugId: d.debugId,
      command: { op: 'step' },
    });
    expect(ahead.answers[0]).toEqual(step);
    const again = await call(h(), 'debug.peek', { debugId: d.debugId, ops: ['back'] });
    expect(again.seq).toBe(401);
    const back = await call(h(), 'debug.command', {
      debugId: d.debugId,
      command: { op: 'back' },
    });
    expect(again.answers[0]).toEqual(back);
    // Armed, a breakpoint could end a step sooner: only the step back is answered ahead.
    await call(h(), 'breakpoints.set', {
      sessionId: session.sessionId,
      breakpoints: [{ kind: 'function', spec: 'irq_matrix_alloc' }],
    });
    const armed = await call(h(), 'debug.peek', { debugId: d.debugId, ops: [...ops] });
    expect(armed.answers.map((a) => a?.seq ?? null)).toEqual([null, null, null, null, 399]);
    expect(armed.seq).toBe(400);
    // A hostile or malformed request is refused with where it is wrong.
    for (const bad of [
      { debugId: d.debugId, ops: ['continue'] },
      { debugId: d.debugId, ops: [] },
      { debugId: d.debugId, ops: Array(6).fill('step') },
      { debugId: '../d1', ops: ['step'] },
    ]) {
      const r = await dispatch(h(), 'debug.peek', bad);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
    }
    await call(h(), 'debug.close', { debugId: d.debugId });
    const closed = await dispatch(h(), 'debug.peek', { debugId: d.debugId, ops: ['step'] });
    expect(closed.ok).toBe(false);
  });

  it('keeps breakpoints in the session file and stops at them', async () => {
    const { session, runId } = await sessionWithRun('dmar-server');
    const saved = await call(h(), 'breakpoints.set', {
      sessionId: session.sessionId,
      breakpoints: [
        { kind: 'function', spec: 'dmar_alloc_hwirq' },
        { kind: 'cpu', spec: '3', enabled: false },
      ],
    });
    expect(saved.map((b) => [b.kind, b.spec, b.enabled])).toEqual([
      ['function', 'dmar_alloc_hwirq', true],
      ['cpu', '3', false],
    ]);
    // In the file itself (the session's breakpoints table), saved with the session.
    const m = await call(h(), 'machine.fromPreset', { name: 'dmar-server' });
    await call(h(), 'session.saveAs', {
      sessionId: session.sessionId,
      machineName: m.name,
      machineText: m.text,
      name: 'with-breakpoints.irqlab',
    });
    const copy = Session.open(path.join(fx.dir, 'sessions', 'with-breakpoints.irqlab'), {
      readonly: true,
    });
    expect(
      copy.db.prepare('SELECT kind, spec, enabled FROM breakpoints ORDER BY id').all(),
    ).toEqual([
      { kind: 'function', spec: 'dmar_alloc_hwirq', enabled: 1 },
      { kind: 'cpu', spec: '3', enabled: 0 },
    ]);
    copy.close();
    const d = await call(h(), 'debug.start', { sessionId: session.sessionId, runId });
    const hit = await call(h(), 'debug.command', {
      debugId: d.debugId,
      command: { op: 'continue' },
    });
    expect(hit.reason).toBe('breakpoint function dmar_alloc_hwirq');
    expect(hit.event).toMatchObject({ kind: 'call', fn: 'dmar_alloc_hwirq' });
  });

  it('refuses a malformed condition, naming the breakpoint and the reason', async () => {
    const { session } = await sessionWithRun('example');
    const r = await dispatch(h(), 'breakpoints.set', {
      sessionId: session.sessionId,
      breakpoints: [
        { kind: 'function', spec: 'request_irq' },
        { kind: 'condition', spec: 'cpu 3' },
      ],
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/breakpoints\[1\]\.spec: .*key=value/);
    expect(await call(h(), 'breakpoints.list', { sessionId: session.sessionId })).toEqual([]);
  });
});

describe('the trace explorer', () => {
  it('pages a run from any step and filters by function, irq, device, CPU and kind', async () => {
    const { session, runId } = await sessionWithRun('dmar-server');
    const ref = { sessionId: session.sessionId, runId };
    const page = await call(h(), 'trace.page', { ...ref, fromSeq: 100, limit: 50, filter: {} });
    expect(page.events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    expect(page.nextSeq).toBe(150);
    const calls = await call(h(), 'trace.page', {
      ...ref,
      fromSeq: 0,
      limit: 1000,
      filter: { fn: 'irq_matrix_alloc', kind: 'call' },
    });
    expect(calls.events.length).toBeGreaterThan(0);
    expect(new Set(calls.events.map((e) => `${e.kind} ${e.name}`))).toEqual(
      new Set(['call irq_matrix_alloc']),
    );
    // A return carries the function's result (an irq number here), not the call's arguments.
    const rets = await call(h(), 'trace.page', {
      ...ref,
      fromSeq: 0,
      limit: 50,
      filter: { fn: 'irq_domain_alloc_descs', kind: 'ret' },
    });
    expect(rets.events.length).toBeGreaterThan(0);
    for (const e of rets.events) {
      expect(Object.keys(e.args)).toEqual(['ret']);
      expect(e.args.ret).toBeGreaterThanOrEqual(0);
    }
    const { devices } = await call(h(), 'trace.symbols', ref);
    const dev = devices[0]!;
    const mine = await call(h(), 'trace.page', {
      ...ref,
      fromSeq: 0,
      limit: 200,
      filter: { device: dev },
    });
    expect(mine.events.every((e) => e.device === dev)).toBe(true);
    const unknown = await call(h(), 'trace.page', {
      ...ref,
      fromSeq: 0,
      limit: 10,
      filter: { fn: 'no_such_function' },
    });
    expect(unknown).toEqual({ events: [], nextSeq: null });
  });

  it('answers read-only SQL and refuses a write, leaving the session as it was', async () => {
    const { session, runId } = await sessionWithRun('example');
    const n = await call(h(), 'trace.query', {
      sessionId: session.sessionId,
      sql: `SELECT count(*) AS n FROM events WHERE run_id = ${runId}`,
    });
    const runs = await call(h(), 'runs.list', { sessionId: session.sessionId });
    expect(n.rows[0]![0]).toBe(runs.find((r) => r.id === runId)!.eventCount);
    const write = await dispatch(h(), 'trace.query', {
      sessionId: session.sessionId,
      sql: 'DELETE FROM runs',
    });
    expect(write.ok).toBe(false);
    if (!write.ok) expect(write.error.message).toContain('read-only');
    expect(await call(h(), 'runs.list', { sessionId: session.sessionId })).toEqual(runs);
  });

  it('draws the timeline with the faults where they happened', async () => {
    const m = await call(h(), 'machine.fromPreset', { name: 'seed-vf-compat-blocked' });
    const session = await call(h(), 'session.new', { machineName: m.name, machineText: m.text });
    const runId = await runOn(session, m.text);
    const t = await call(h(), 'trace.timeline', { sessionId: session.sessionId, runId, bins: 100 });
    const faults = await call(h(), 'trace.page', {
      sessionId: session.sessionId,
      runId,
      fromSeq: 0,
      limit: 1000,
      filter: { kind: 'fault' },
    });
    expect(t.faults.reduce((a, b) => a + b, 0)).toBe(faults.events.length);
    expect(t.marks.filter((x) => x.kind === 'fault').map((x) => x.seq)).toEqual(
      faults.events.map((e) => e.seq),
    );
    const allocs = await call(h(), 'run.allocations', {
      sessionId: session.sessionId,
      runId,
      filter: '0000:42:00.2',
    });
    expect(allocs.items[0]!.label).toContain('pci_alloc_irq_vectors for 0000:42:00.2');
  });
});

describe('the analysis views', () => {
  it('show the same domains, chains, IRTEs and vectors as the simulation of the run', async () => {
    const { session, runId } = await sessionWithRun('dmar-server');
    const ref = { sessionId: session.sessionId, runId };
    const sim = simulate(PRESETS['dmar-server']!.make());
    const { domains } = await call(h(), 'run.domains', ref);
    const names = new Set(domains.map((d) => d.name));
    for (const i of sim.irqs) for (const d of i.domains) expect(names.has(d.domain)).toBe(true);
    const ir = sim.irqs.find((i) => i.domains.some((d) => d.domain.startsWith('INTEL-IR-')))!;
    const chain = await call(h(), 'run.irqChain', { ...ref, irq: ir.irq });
    expect(chain.chain).toEqual(ir.domains);
    expect(chain.irte).not.toBeNull();
    // An MSI-X irq of a device: its message is the one naming its IRTE.
    const msix = sim.irqs.find(
      (i) => i.msi === 'msix' && i.domains.some((d) => d.domain.startsWith('INTEL-IR-')),
    )!;
    const its = await call(h(), 'run.irqChain', { ...ref, irq: msix.irq });
    expect(its.messages.length).toBe(1);
    const device = sim.devices.find((d) => d.bdf === msix.owner)!;
    expect(device.messages).toContainEqual(its.messages[0]);
    const named = await call(h(), 'msi.decode', {
      address: its.messages[0]!.address,
      data: its.messages[0]!.data,
    });
    expect(named.lines.join('\n')).toContain(`IRTE index: ${its.irte!.index} `);
    const irtes = await call(h(), 'run.irtes', { ...ref, limit: 1000 });
    const unit = sim.remapping.units.find((u) => u.name === irtes.unit)!;
    expect(irtes.total).toBe(unit.irtes.length);
    expect(irtes.rows.map((r) => [r.index, r.irq, r.vector])).toEqual(
      unit.irtes.slice(0, 1000).map((e) => [e.index, e.irq, e.vector]),
    );
    const matrix = await call(h(), 'run.vectorMatrix', ref);
    const owners = new Map<string, number>();
    for (let k = 0; k < matrix.owners.length; k += 3)
      owners.set(
        `${matrix.cpus[matrix.owners[k]!]}:${matrix.owners[k + 1]}`,
        matrix.owners[k + 2]!,
      );
    for (const i of sim.irqs.filter((x) => x.vector))
      expect(owners.get(`${i.cpu}:${i.vector}`)).toBe(i.irq);
    const ioapics = await call(h(), 'run.ioapics', ref);
    expect(ioapics.length).toBe(PRESETS['dmar-server']!.make().ioapics.length);
    const inDomain = await call(h(), 'run.irqs', { ...ref, domain: ir.domains[0]!.domain });
    expect(inDomain.irqs.map((i) => i.irq)).toContain(ir.irq);
  });

  it('decodes a message and names its owner in the run', async () => {
    const { session, runId } = await sessionWithRun('dmar-server');
    const sim = simulate(PRESETS['dmar-server']!.make());
    const dev = sim.devices.find((d) => d.messages.length > 0)!;
    const msg = dev.messages[0]!;
    const decoded = await call(h(), 'msi.decode', {
      address: msg.address,
      data: msg.data,
      sessionId: session.sessionId,
      runId,
    });
    expect(decoded.format).toBe('remappable');
    expect(decoded.owner.join('\n')).toContain('IRTE');
    const bad = await dispatch(h(), 'msi.decode', { address: 'fee0000z', data: '0x1' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('$.address');
  });
});

describe('runs with injections and an edited profile', () => {
  it('boots with them, keeps them with the run, and the debugger steps the same boot', async () => {
    const m = await call(h(), 'machine.fromPreset', { name: 'seed-dmar-null-callback' });
    const session = await call(h(), 'session.new', { machineName: m.name, machineText: m.text });
    const base = PRESETS['seed-dmar-null-callback']!.make();
    const profile = {
      ...(await import('../../core/kernel/profiles')).PROFILES['v5.10']!,
      name: 'v5.10+edit',
    };
    const injections = [{ kind: 'drop-msi-callback', domain: 'DMAR-MSI', op: 'get_hwirq' }];
    const runId = await runOn(session, m.text, { customProfile: profile, injections });
    const spec = await call(h(), 'run.spec', { sessionId: session.sessionId, runId });
    expect(spec.profile?.name).toBe('v5.10+edit');
    expect(spec.injections).toEqual(injections);
    const expected = simulate(base, { profile, injections: injections as never });
    expect(expected.oops).not.toBeNull();
    const result = await call(h(), 'run.result', { sessionId: session.sessionId, runId });
    expect(result.oops?.callTrace).toEqual(expected.oops!.callTrace);
    await call(h(), 'breakpoints.set', {
      sessionId: session.sessionId,
      breakpoints: [{ kind: 'condition', spec: 'first fault' }],
    });
    const d = await call(h(), 'debug.start', { sessionId: session.sessionId, runId });
    const hit = await call(h(), 'debug.command', {
      debugId: d.debugId,
      command: { op: 'continue' },
    });
    expect(hit.event).toMatchObject({ kind: 'fault', fn: 'oops' });
    expect(hit.stack.map((f) => f.fn)).toContain('dmar_alloc_hwirq');
  });
});

describe('the examples and the comparison', () => {
  it('opens the VF example booted under 5.10-rc1 with its breakpoint, and compares it with v5.10', async () => {
    const list = await call(h(), 'examples.list', {});
    const vf = list.find((e) => e.name === 'seed-vf-compat-blocked')!;
    expect(vf.profile).toBe(PRESETS['seed-vf-compat-blocked']!.make().kernel.profile);
    const { session, jobId } = await call(h(), 'examples.open', { name: vf.name });
    const status = await fx.finished(jobId);
    expect(status.state).toBe('done');
    const bps = await call(h(), 'breakpoints.list', { sessionId: session.sessionId });
    expect(bps.map((b) => b.spec)).toEqual(vf.breakpoints.map((b) => b.spec));
    const d = await call(h(), 'debug.start', {
      sessionId: session.sessionId,
      runId: status.runId!,
    });
    const hit = await call(h(), 'debug.command', {
      debugId: d.debugId,
      command: { op: 'continue' },
    });
    expect(hit.event.kind).toBe('fault');
    expect(hit.chain.some((c) => c.domain.startsWith('INTEL-IR'))).toBe(false);

    const m = PRESETS[vf.name]!.make();
    const fixedRun = await runOn(session, JSON.stringify(m, null, 2) + '\n', {
      profile: vf.fixedProfile,
    });
    const started = await call(h(), 'compare.start', {
      sessionId: session.sessionId,
      runA: status.runId!,
      runB: fixedRun,
    });
    expect((await fx.finished(started.jobId)).state).toBe('done');
    const diff = await call(h(), 'compare.result', { jobId: started.jobId });
    const fixed = simulate(m, { profile: vf.fixedProfile });
    const broken = simulate(m);
    expect(diff.faults.onlyA).toEqual(
      broken.faults.map((f) => f.line).filter((l) => !fixed.faults.some((x) => x.line === l)),
    );
    expect(diff.faults.onlyB).toEqual([]);
    const vfIrq = diff.interrupts.items.find(
      (c) => c.key.includes('0000:42:00.2') && c.fields.includes('domains'),
    )!;
    expect(String(vfIrq.a!.domains)).toMatch(/^PCI-MSI/);
    expect(String(vfIrq.b!.domains)).toMatch(/^INTEL-IR-MSI/);
    const exported = await call(h(), 'compare.export', { jobId: started.jobId });
    expect(exported!.url).toMatch(/^\/exports\/[0-9a-f]{24}\/compare-run1-run2\.md$/);
  });
});
