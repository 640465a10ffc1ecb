// irqlab import: artefacts -> a machine file; with a /proc/interrupts, real vs predicted.
import { writeFileSync } from 'node:fs';
import {
  compareSysfsIrqs,
  compareWithSimulation,
  describeDifference,
  describeSysfsDifference,
} from '../import/compare';
import { importFiles } from '../import/node/read';
import { PROFILES } from '../kernel/profiles';
import { simulate, type SimulationResult } from '../scenario';
import { printRun, takeFlag, takeOption, unreadTrace, UsageError, type Io } from './common';

/**
 * With --simulate, the imported machine's boot is printed as `simulate` prints it (stdout), and
 * what the import found goes to stderr: one process from the artefacts to the predicted
 * /proc/interrupts.
 */
export async function cmdImport(args: string[], io: Io): Promise<number> {
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
  if (out || provenanceOut) {
    // Only a command that writes a file needs to recognise sessions (SQLite's header).
    const { checkOutput } = await import('./output');
    if (out) checkOutput(out, args);
    if (provenanceOut) checkOutput(provenanceOut, out ? [...args, out] : args);
  }
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
  const boot = () => (sim ??= simulate(result.machine!, { profile, trace: unreadTrace() }));
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
