// The `irqlab` command line.
//
//   irqlab simulate <machine.json | preset:NAME> [--profile P] [--interrupts] [--json] [--out F.irqlab]
//   irqlab runs <F.irqlab>
//   irqlab query <F.irqlab> "<SELECT ...>"
//   irqlab report <F.irqlab> [--run N] --format html|md|json|csv|perfetto [-o OUT]
//   irqlab import FILES... [-o machine.json] [--provenance P.json] [--simulate [--interrupts|--json] [--profile P]]
//   irqlab explain "<kernel log line>" [--machine M]
//   irqlab decode msi --address A --data D [--machine M [--profile P]]
//
// Bad input is reported as "irqlab: <where>: <what>" with exit code 2, never a stack trace.
import {
  closeSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { decodeMsi } from '../hw/decode';
import { ownerOf } from '../scenario';
import { diffRuns, formatDiff } from '../compare/diff';
import { BreakpointSchema, type Breakpoint } from '../step/breakpoints';
import { runStepper } from './step';
import { collectScript, runCollect } from './collect';
import { resolveProfile, simulate, type ScenarioStep, type SimulationResult } from '../scenario';
import { KERNEL_ERAS, PROFILES } from '../kernel/profiles';
import { parseInjection, type Injection } from '../kernel/injections';
import { fromOracleMachine, ORACLE_SCHEMA } from '../model/oracle';
import { PRESETS } from '../model/presets';
import { BDF_PATTERN, type Machine } from '../model/schema';
import { parseMachine, parseMachineJson } from '../model/validate';
import { REPORT_FORMATS, writeReport, type ReportFormat } from '../report/report';
import { storedRunOutputs } from '../report/run-data';
import type { TraceSource } from '../report/trace-source';
import { QueryError, SessionError } from '../store/errors';
import {
  compareSysfsIrqs,
  compareWithSimulation,
  describeDifference,
  describeSysfsDifference,
} from '../import/compare';
import { ImportError } from '../import/errors';
import { explainLine, formatExplanation } from '../import/explain';
import { importFiles } from '../import/node/read';
import { IRQLAB_APPLICATION_ID, Session, type RunSummary } from '../store/session';
import { TraceEmitter } from '../trace/emitter';

export class UsageError extends Error {}

/**
 * Thrown by an `out` whose reader has gone (EPIPE: `irqlab ... | head`): the command stops where
 * it is, quietly, and irqlab exits 0, as the reader asked for no more.
 */
export class OutputClosed extends Error {
  constructor() {
    super('standard output closed');
  }
}

const USAGE = `usage:
  irqlab simulate <machine.json | preset:NAME> [--profile P] [--cpu-down N]... [--fire BDF|all]... [--storm N] [--inject SPEC]... [--interrupts] [--json] [--out FILE.irqlab]
  irqlab runs <FILE.irqlab>
  irqlab query <FILE.irqlab> "<SELECT ...>"
  irqlab report <FILE.irqlab> [--run N] --format html|md|json|csv|perfetto [-o OUT]
  irqlab collect [-o machine-bundle.tar.gz] [--keep-personal]      (on the target: everything irqlab reads, in one bundle)
  irqlab collect --script                                          (the collector as a POSIX sh script, for a box without Node)
  irqlab import FILES... [-o machine.json] [--provenance P.json]   (a collect bundle, dmesg, acpidump / .dat tables, lspci, /proc/interrupts)
         [--simulate [--interrupts | --json] [--profile P]]        (and boot it: its /proc/interrupts and log, as simulate prints them)
  irqlab explain "<kernel log line>" [--machine M]
  irqlab diff MACHINE[@PROFILE] MACHINE[@PROFILE] [--json]          (interrupts, messages, IRTEs, faults, dmesg)
  irqlab step MACHINE [--profile P] [--break KIND:SPEC]...            (commands on stdin: n i o u c b g break p q)
  irqlab decode msi --address A --data D [--machine M [--profile P]]   (format, destination, vector or IRTE; whose it is)
presets: ${Object.keys(PRESETS).join(', ')}
profiles: ${Object.keys(PROFILES).join(', ')}
  (without --profile the machine's kernel release picks its era's: ${KERNEL_ERAS.map((e) => `${e.from}+ ${e.profile}`).join(', ')})`;

interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Lines of standard input (irqlab step). */
  input?: AsyncIterable<string>;
  /** Given only on a terminal (run.ts): a one-line progress report; null clears it. */
  progress?(line: string | null): void;
}

/** A progress line on a TTY: redrawn in place at most 10 times a second, cleared at the end. */
export function ttyProgress(write: (text: string) => void): (line: string | null) => void {
  let last = 0;
  let shown = false;
  return (line) => {
    if (line === null) {
      if (shown) write('\r\x1b[2K');
      shown = false;
      return;
    }
    const now = Date.now();
    if (shown && now - last < 100) return;
    last = now;
    shown = true;
    write(`\r\x1b[2K${line}`);
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** Whether a file starts as an irqlab session does (SQLite header, application_id 'irql'). */
function isSession(file: string): boolean {
  const header = Buffer.alloc(72);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    return (
      readSync(fd, header, 0, 72, 0) === 72 &&
      header.toString('latin1', 0, 16) === 'SQLite format 3\0' &&
      header.readUInt32BE(68) === IRQLAB_APPLICATION_ID
    );
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses an output file that is one of the command's inputs (the same file by inode or real
 * path, or a session's -wal/-shm/-lock), or any irqlab session: opening it for writing would
 * truncate it before a byte of the output is written.
 */
export function checkOutput(out: string, inputs: readonly string[]): void {
  let st;
  try {
    st = statSync(out);
  } catch {
    return; // a new file
  }
  const real = realpathSync(out);
  for (const input of inputs) {
    let same = false;
    try {
      const ist = statSync(input);
      const ireal = realpathSync(input);
      same =
        (ist.dev === st.dev && ist.ino === st.ino) ||
        ireal === real ||
        ['-wal', '-shm', '-lock'].some((suffix) => real === ireal + suffix);
    } catch {
      // an input that is not a file (preset:NAME): nothing to overwrite
    }
    if (same) throw new UsageError(`${out}: is the input ${input}; refusing to write over it`);
  }
  if (isSession(out))
    throw new UsageError(`${out}: is an irqlab session; refusing to write over it`);
}

/** A run's status as the commands show it. */
const statusOf = (r: RunSummary) => (r.writerGone ? `${r.status} (writer gone)` : r.status);

/** Writes to a file synchronously in 1 MiB pieces (a big report is never one string). */
function fileWriter(file: string): { write(text: string): void; close(): void } {
  let fd: number;
  try {
    fd = openSync(file, 'w');
  } catch (err) {
    throw new UsageError(
      `${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (pending.length) writeSync(fd, pending.join(''));
    pending = [];
    size = 0;
  };
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size >= 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
}

/** The machine, if the behaviour profile it names is one irqlab has (else an error at its path). */
function knownProfile(spec: string, machine: Machine): Machine {
  const name = machine.kernel.profile;
  if (name !== undefined && !PROFILES[name])
    throw new UsageError(
      `${spec}: $.kernel.profile: unknown profile ${JSON.stringify(name)} (known: ${Object.keys(PROFILES).join(', ')})`,
    );
  return machine;
}

/** A machine from a preset name, a machine file, or a QEMU oracle machine.json. */
export function loadMachine(spec: string): Machine {
  if (spec.startsWith('preset:')) {
    const name = spec.slice('preset:'.length);
    const preset = Object.prototype.hasOwnProperty.call(PRESETS, name) ? PRESETS[name] : undefined;
    if (!preset)
      throw new UsageError(`${spec}: no such preset (known: ${Object.keys(PRESETS).join(', ')})`);
    return preset.make();
  }
  let text: string;
  try {
    text = readFileSync(spec, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${spec}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  const parsed = parseMachineJson(text);
  if (parsed.ok) return knownProfile(spec, parsed.machine);
  // A QEMU oracle description is accepted too.
  try {
    const value: unknown = JSON.parse(text);
    if ((value as { schema?: unknown })?.schema === ORACLE_SCHEMA) {
      const m = fromOracleMachine(value);
      const again = parseMachine(m);
      if (again.ok) return knownProfile(spec, again.machine);
    }
  } catch {
    // fall through to the machine file's own errors
  }
  throw new UsageError(parsed.errors.map((e) => `${spec}: ${e.path}: ${e.message}`).join('\n'));
}

/**
 * What `simulate` prints of a run: its /proc/interrupts then the kernel's log; only the former
 * with `interruptsOnly`, only the latter with `logOnly` (a stored run); all of it with `json`.
 */
function printRun(
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

function cmdSimulate(args: string[], io: Io): number {
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
  const trace = new TraceEmitter();
  let session: Session | null = null;
  let writer: ReturnType<Session['beginRun']> | null = null;
  if (outFile) {
    session = Session.open(outFile, { create: true });
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
    writer?.finish(storedRunOutputs(result));
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

function cmdRuns(args: string[], io: Io): number {
  if (args.length !== 1) throw new UsageError('runs takes one session file');
  const session = Session.open(args[0]!, { readonly: true });
  try {
    for (const r of session.runs()) {
      io.out(
        `${r.id}\t${statusOf(r)}\t${r.profile}\t${r.eventCount} events\t${r.createdAt}${r.error ? `\t${r.error}` : ''}\n`,
      );
    }
  } finally {
    session.close();
  }
  return 0;
}

function cmdQuery(args: string[], io: Io): number {
  if (args.length !== 2) throw new UsageError('query takes a session file and one SQL statement');
  const session = Session.open(args[0]!, { readonly: true });
  try {
    const { columns, rows } = session.query(args[1]!);
    io.out(columns.join('\t') + '\n');
    for (const row of rows)
      io.out(row.map((v) => (v === null ? 'NULL' : String(v))).join('\t') + '\n');
  } finally {
    session.close();
  }
  return 0;
}

async function cmdReport(args: string[], io: Io): Promise<number> {
  const format = takeOption(args, '--format');
  const runArg = takeOption(args, '--run');
  const out = takeOption(args, '-o');
  if (args.length !== 1) throw new UsageError('report takes one session file');
  if (!REPORT_FORMATS.includes(format as ReportFormat))
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  if (runArg !== undefined && !/^\d+$/.test(runArg))
    throw new UsageError(`--run ${runArg}: a run number (see irqlab runs)`);
  if (out) checkOutput(out, [args[0]!]);
  const session = Session.open(args[0]!, { readonly: true });
  let exit = 0;
  try {
    const runs = session.runs();
    const runId = runArg ? Number(runArg) : runs[runs.length - 1]?.id;
    const run = runId === undefined ? null : session.run(runId);
    if (!run) throw new UsageError(`${args[0]}: no run ${runArg ?? ''}`.trim());
    if (run.status === 'incomplete' || run.status === 'running') {
      // A report of a cut-off run covers what was stored; the exit code says it is not whole.
      io.err(
        `irqlab: run ${run.id} is ${statusOf(run)}: the report covers the ${count(run.eventCount)} trace events stored\n`,
      );
      if (run.status === 'incomplete') exit = 1;
    }
    io.progress?.(`irqlab: reading run ${run.id}'s outputs`);
    const outputs = session.runOutputs(run.id);
    const stored = session.traceSource(run.id);
    // Progress as the report reads the trace, page by page.
    let read = 0;
    const progress = io.progress;
    const source: TraceSource = progress
      ? {
          ...stored,
          page: (fromSeq, limit) => {
            const page = stored.page(fromSeq, limit);
            read += page.length;
            progress(
              `irqlab: ${format} report of run ${run.id}: ${count(read)} of ${count(run.eventCount)} trace events read`,
            );
            return page;
          },
        }
      : stored;
    const file = out ? fileWriter(out) : null;
    try {
      writeReport(
        format as ReportFormat,
        { ...run, machineJson: run.machineJson, outputs, source },
        file ? file.write : io.out,
      );
    } finally {
      file?.close();
      io.progress?.(null);
    }
  } finally {
    session.close();
  }
  return exit;
}

/**
 * irqlab import: artefacts -> a machine file; with a /proc/interrupts, real vs predicted. With
 * --simulate, the imported machine's boot is printed as `simulate` prints it (stdout), and what the
 * import found goes to stderr: one process from the artefacts to the predicted /proc/interrupts.
 */
async function cmdImport(args: string[], io: Io): Promise<number> {
  const out = takeOption(args, '-o');
  const provenanceOut = takeOption(args, '--provenance');
  const profile = takeOption(args, '--profile');
  const runIt = takeFlag(args, '--simulate');
  const interruptsOnly = takeFlag(args, '--interrupts');
  const json = takeFlag(args, '--json');
  if ((interruptsOnly || json) && !runIt)
    throw new UsageError(`${interruptsOnly ? '--interrupts' : '--json'} goes with --simulate`);
  if (profile && !PROFILES[profile])
    throw new UsageError(
      `--profile ${profile}: unknown (known: ${Object.keys(PROFILES).join(', ')})`,
    );
  const bad = args.find((a) => a.startsWith('--'));
  if (bad) throw new UsageError(`import: unknown option ${bad}`);
  if (args.length === 0) throw new UsageError('import takes one or more files');
  if (out) checkOutput(out, args);
  if (provenanceOut) checkOutput(provenanceOut, out ? [...args, out] : args);
  const result = await importFiles(args);
  // With --simulate, stdout is the simulation's.
  const say = runIt ? io.err : io.out;
  for (const line of result.summary) say(line + '\n');
  if (!result.machine && result.problems.length === 0) {
    io.err(
      'irqlab: nothing to build a machine from: give a dmesg, ACPI tables or lspci (a /proc/interrupts is compared with the machine, not read into it)\n',
    );
    return 2;
  }
  if (!result.machine) {
    io.err('irqlab: the imported facts do not make a valid machine:\n');
    for (const p of result.problems) io.err(`irqlab: ${p.path}: ${p.message}\n`);
    return 2;
  }
  // One boot serves the comparisons and --simulate.
  let sim: SimulationResult | null = null;
  const boot = () => (sim ??= simulate(result.machine!, { profile }));
  for (const real of result.interrupts) {
    const cmp = compareWithSimulation(real, boot());
    say(
      `real vs predicted (${real.file}, profile ${boot().profile}): ${cmp.matched} of ${cmp.realRows} irqs identical, ${cmp.differences.length} difference(s)\n`,
    );
    for (const d of cmp.differences) say(`  ${describeDifference(d)}\n`);
  }
  for (const real of result.sysfsIrqs) {
    // The per-irq sysfs table says more (the effective CPU, the trigger type): compared too.
    const cmp = compareSysfsIrqs(real, boot());
    say(
      `real vs predicted (${real.file}, profile ${boot().profile}): ${cmp.matched} of ${cmp.realRows} irqs identical (chip, hwirq, type, actions, effective CPU, affinity), ${cmp.differences.length} difference(s)\n`,
    );
    for (const d of cmp.differences) say(`  ${describeSysfsDifference(d)}\n`);
  }
  if (out) {
    writeFileSync(out, JSON.stringify(result.machine, null, 2) + '\n');
    io.err(`irqlab: machine written to ${out}\n`);
  }
  if (provenanceOut) {
    // Where each fact came from (JSON path -> file, line / table and offset), kept beside the machine.
    const { provenance, conflicts, missing } = result;
    writeFileSync(
      provenanceOut,
      JSON.stringify({ provenance, conflicts, missing }, null, 2) + '\n',
    );
    io.err(`irqlab: provenance written to ${provenanceOut}\n`);
  }
  if (runIt) {
    const run = boot();
    printRun(run, { json, interruptsOnly }, io);
    return run.oops || run.panic ? 1 : 0;
  }
  return 0;
}

/** irqlab collect: the collector, run here (Linux) or printed for a box without Node. */
async function cmdCollect(args: string[], io: Io): Promise<number> {
  if (takeFlag(args, '--script')) {
    if (args.length) throw new UsageError('collect --script takes nothing else');
    io.out(collectScript());
    return 0;
  }
  const out = takeOption(args, '-o');
  const keep = takeFlag(args, '--keep-personal');
  if (args.length) throw new UsageError(`collect: unknown argument ${args[0]}`);
  if (process.platform !== 'linux')
    throw new UsageError(
      `collect reads a Linux machine's /proc and /sys: run it on the target (irqlab collect --script > collect.sh)`,
    );
  return runCollect([...(out ? ['-o', out] : []), ...(keep ? ['--keep-personal'] : [])], io.err);
}

/** irqlab explain: what a kernel log line means, on this machine if one is given. */
function cmdExplain(args: string[], io: Io): number {
  const machineSpec = takeOption(args, '--machine');
  if (args.length !== 1) throw new UsageError('explain takes one log line (quote it)');
  const machine = machineSpec ? loadMachine(machineSpec) : undefined;
  const e = explainLine(args[0]!, machine);
  if (!e) {
    io.err(
      `irqlab: not a line irqlab can explain (DMAR/INTR-REMAP faults, vector and IRTE errors): ${args[0]}\n`,
    );
    return 1;
  }
  io.out(formatExplanation(e));
  return 0;
}

/** irqlab decode msi: an address/data pair as the hardware reads it, and whose it is in a run. */
function cmdDecode(args: string[], io: Io): number {
  const what = args.shift();
  if (what !== 'msi')
    throw new UsageError('decode takes "msi": irqlab decode msi --address A --data D');
  const addressArg = takeOption(args, '--address');
  const dataArg = takeOption(args, '--data');
  const machineSpec = takeOption(args, '--machine');
  const profile = takeOption(args, '--profile');
  if (!addressArg || !dataArg || args.length)
    throw new UsageError('decode msi needs --address A --data D');
  const hexArg = (name: string, v: string, max: bigint) => {
    if (!/^(0x)?[0-9a-f]{1,16}$/i.test(v)) throw new UsageError(`${name} ${v}: a hex number`);
    const n = BigInt('0x' + v.replace(/^0x/i, ''));
    if (n > max)
      throw new UsageError(`${name} ${v}: more than ${max.toString(16).length * 4} bits`);
    return n;
  };
  const address = hexArg('--address', addressArg, 0xffffffffffffffffn);
  const data = Number(hexArg('--data', dataArg, 0xffffffffn));
  const d = decodeMsi(address, data);
  for (const line of d.lines) io.out(line + '\n');
  if (machineSpec) {
    const machine = loadMachine(machineSpec);
    const run = simulate(machine, { profile });
    const ids = new Map(machine.cpus.list.map((c) => [c.cpu, c.apic_id]));
    for (const line of ownerOf(d, run, ids)) io.out(`${machine.name}: ${line}\n`);
  }
  return d.format === 'not-an-interrupt' ? 1 : 0;
}

/** `machine[@profile]`: a machine and the profile to run it with. */
function runSpec(spec: string): { machine: Machine; profile: string | undefined; label: string } {
  const at = spec.lastIndexOf('@');
  const profile = at > 0 ? spec.slice(at + 1) : undefined;
  if (profile && !PROFILES[profile])
    throw new UsageError(
      `${spec}: unknown profile ${profile} (known: ${Object.keys(PROFILES).join(', ')})`,
    );
  return { machine: loadMachine(at > 0 ? spec.slice(0, at) : spec), profile, label: spec };
}

/** irqlab diff: two runs (profiles, machines) side by side. */
function cmdDiff(args: string[], io: Io): number {
  const json = takeFlag(args, '--json');
  const limitArg = takeOption(args, '--limit');
  if (args.length !== 2)
    throw new UsageError('diff takes two runs: MACHINE[@PROFILE] MACHINE[@PROFILE]');
  const [a, b] = args.map(runSpec) as [ReturnType<typeof runSpec>, ReturnType<typeof runSpec>];
  const d = diffRuns(
    simulate(a.machine, { profile: a.profile }),
    simulate(b.machine, { profile: b.profile }),
    [a.label, b.label],
  );
  if (json) io.out(JSON.stringify(d, null, 2) + '\n');
  else io.out(formatDiff(d, limitArg ? Number(limitArg) : 50));
  return 0;
}

/** irqlab step: the stepping engine on a terminal, commands from stdin. */
async function cmdStep(args: string[], io: Io, input?: AsyncIterable<string>): Promise<number> {
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
  if (!input) throw new UsageError('step needs its commands on standard input');
  return runStepper(loadMachine(args[0]!), { profile }, breakpoints, input, io.out);
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'simulate':
        return cmdSimulate(rest, io);
      case 'runs':
        return cmdRuns(rest, io);
      case 'query':
        return cmdQuery(rest, io);
      case 'report':
        return await cmdReport(rest, io);
      case 'import':
        return await cmdImport(rest, io);
      case 'collect':
        return await cmdCollect(rest, io);
      case 'decode':
        return cmdDecode(rest, io);
      case 'diff':
        return cmdDiff(rest, io);
      case 'step':
        return await cmdStep(rest, io, io.input);
      case 'explain':
        return cmdExplain(rest, io);
      case undefined:
      case '-h':
      case '--help':
        io.out(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof OutputClosed) return 0;
    if (
      err instanceof UsageError ||
      err instanceof SessionError ||
      err instanceof ImportError ||
      err instanceof QueryError
    ) {
      io.err(`irqlab: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
