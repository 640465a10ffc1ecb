// irqlab simulate: a machine's boot (and a scenario after it), printed or stored in a session.
import { parseInjection, type Injection } from '../kernel/injections';
import { PROFILES } from '../kernel/profiles';
import { BDF_PATTERN } from '../model/schema';
import { resolveProfile, simulate, type ScenarioStep } from '../scenario';
import type { Session } from '../store/session';
import { TraceEmitter } from '../trace/emitter';
import { count, printRun, takeFlag, takeOption, unreadTrace, UsageError, type Io } from './common';
import { loadMachine } from './machine';

export async function cmdSimulate(args: string[], io: Io): Promise<number> {
  const profile = takeOption(args, '--profile');
  const outFile = takeOption(args, '--out');
  const interruptsOnly = takeFlag(args, '--interrupts');
  const json = takeFlag(args, '--json');
  const scenario: ScenarioStep[] = [];
  for (
    let v = takeOption(args, '--cpu-down');
    v !== undefined;
    v = takeOption(args, '--cpu-down')
  ) {
    if (!/^\d+$/.test(v)) throw new UsageError(`--cpu-down ${v}: a CPU number`);
    scenario.push({ op: 'cpu_down', cpu: Number(v) });
  }
  // --fire [BDF|all] (repeatable) raises the devices' vectors after the boot; --storm N each N times.
  const storm = takeOption(args, '--storm');
  if (storm !== undefined && !/^\d+$/.test(storm))
    throw new UsageError(`--storm ${storm}: a count`);
  for (let v = takeOption(args, '--fire'); v !== undefined; v = takeOption(args, '--fire')) {
    if (v !== 'all' && !BDF_PATTERN.test(v))
      throw new UsageError(`--fire ${v}: a PCI address (ssss:bb:dd.f) or "all"`);
    scenario.push({
      op: 'fire',
      device: v === 'all' ? undefined : v,
      count: storm ? Number(storm) : 1,
    });
  }
  const injections: Injection[] = [];
  for (let v = takeOption(args, '--inject'); v !== undefined; v = takeOption(args, '--inject')) {
    const r = parseInjection(v);
    if (!r.ok) throw new UsageError(`--inject ${v}: ${r.error}`);
    injections.push(r.injection);
  }
  if (args.length !== 1) throw new UsageError('simulate takes one machine');
  if (profile && !PROFILES[profile])
    throw new UsageError(
      `--profile ${profile}: unknown (known: ${Object.keys(PROFILES).join(', ')})`,
    );
  const machine = loadMachine(args[0]!);
  const trace = outFile ? new TraceEmitter() : unreadTrace();
  let session: Session | null = null;
  let writer: ReturnType<Session['beginRun']> | null = null;
  // The session and the stored outputs are loaded only for --out (SQLite, the report's tables).
  const stored = outFile
    ? await Promise.all([import('../store/session'), import('../report/run-data')])
    : null;
  if (outFile && stored) {
    session = stored[0].Session.open(outFile, { create: true });
    session.saveMachine(machine.name, JSON.stringify(machine, null, 2));
    // The profile the boot will use, by name (the app steps a stored run with it).
    writer = session.beginRun({
      profile: resolveProfile(machine, profile).name,
      machineJson: JSON.stringify(machine),
    });
    trace.addSink(writer);
    const progress = io.progress;
    if (progress) {
      const t0 = Date.now();
      trace.addSink({
        write: (chunk) => {
          const events = chunk.base + chunk.length;
          const seconds = (Date.now() - t0) / 1000;
          progress(
            `irqlab: booting ${machine.name}: ${count(events)} trace events stored${seconds > 1 ? ` (${count(Math.round(events / seconds))}/s)` : ''}`,
          );
        },
      });
    }
  }
  try {
    const result = simulate(machine, { profile, trace, scenario, injections });
    io.progress?.(`irqlab: storing the run's outputs in ${outFile}`);
    if (stored) writer?.finish(stored[1].storedRunOutputs(result));
    io.progress?.(null);
    printRun(result, { json, interruptsOnly, logOnly: !!outFile }, io);
    if (scenario.some((st) => st.op === 'fire')) {
      const d = result.deliveries;
      io.err(
        `irqlab: fired: ${d.delivered} delivered, ${d.faulted} blocked by the IOMMU, ${d.spurious} with no handler; ${result.faults.length} fault line(s) printed\n`,
      );
    }
    if (outFile)
      io.err(`irqlab: run ${writer!.runId} (${writer!.eventCount} events) saved in ${outFile}\n`);
    return result.oops || result.panic ? 1 : 0;
  } catch (err) {
    io.progress?.(null);
    writer?.fail((err as Error).message);
    throw err;
  } finally {
    session?.close();
  }
}
