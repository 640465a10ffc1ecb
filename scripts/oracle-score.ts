// How close the simulator is to the real kernel on every QEMU oracle capture: each capture's
// dmesg.txt + lspci.txt + acpi.acpidump.txt imported as `irqlab import` does, simulated, and the
// prediction compared with the capture's interrupts.txt (core/import/compare.ts). A measuring
// tool for tracking progress, not a test: it prints what it finds and fails only when a capture
// cannot be scored at all.
//
//   npx tsx scripts/oracle-score.ts [--json] [--with-interrupts] [CAPTURE_DIR...]
//
// Without directories: every capture under fixtures/qemu/ and ../shared/fixtures/qemu/ (a capture
// is a folder with an interrupts.txt; the irqdbg/ subfolders count as captures of their own).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareWithSimulation } from '../core/import/compare';
import { parseProcInterrupts, type InterruptRow } from '../core/import/interrupts';
import { importFiles } from '../core/import/node/read';
import { simulate } from '../core/scenario';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt', 'interrupts.txt'];
/** --with-interrupts: interrupts.txt is an input too (observed behaviour for unmodelled drivers). */
const WITH_INTERRUPTS = process.argv.includes('--with-interrupts');

interface Score {
  capture: string;
  kernel: string | null;
  profile: string | null;
  /** Rows (irqs) of the real /proc/interrupts. */
  realRows: number;
  predictedRows: number;
  /** Same irq number, chip, hwirq, flow handler and actions: the CLI's "irqs identical". */
  identical: number;
  /** Real rows whose chip and hwirq the prediction has too, whatever the irq number (each
   *  predicted row matched once). */
  chipHwirq: number;
  differences: number;
  error: string | null;
}

function capturesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(path.join(dir, 'interrupts.txt'))) out.push(dir);
    if (depth === 0) return;
    for (const e of readdirSync(dir).sort()) {
      const sub = path.join(dir, e);
      if (statSync(sub).isDirectory()) walk(sub, depth - 1);
    }
  };
  for (const e of readdirSync(root).sort()) {
    const dir = path.join(root, e);
    if (statSync(dir).isDirectory()) walk(dir, 1);
  }
  return out;
}

function defaultCaptures(): string[] {
  const shared = process.env.IRQLAB_SHARED ?? path.resolve(repoRoot, '..', 'shared');
  return [
    ...capturesUnder(path.join(repoRoot, 'fixtures', 'qemu')),
    ...capturesUnder(path.join(shared, 'fixtures', 'qemu')),
  ];
}

const key = (r: InterruptRow) => `${r.chip}\u0000${r.hwirq ?? ''}`;

function chipHwirqMatches(real: InterruptRow[], predicted: InterruptRow[]): number {
  const left = new Map<string, number>();
  for (const p of predicted) left.set(key(p), (left.get(key(p)) ?? 0) + 1);
  let n = 0;
  for (const r of real) {
    const k = left.get(key(r)) ?? 0;
    if (k > 0) {
      n++;
      left.set(key(r), k - 1);
    }
  }
  return n;
}

function kernelOf(dir: string): string | null {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, 'machine.json'), 'utf8'));
    return typeof m?.kernel?.release === 'string' ? m.kernel.release : null;
  } catch {
    return null;
  }
}

async function scoreCapture(dir: string): Promise<Score> {
  const score: Score = {
    capture: path.relative(process.cwd(), dir).startsWith('../..')
      ? dir
      : path.relative(process.cwd(), dir) || dir,
    kernel: kernelOf(dir),
    profile: null,
    realRows: 0,
    predictedRows: 0,
    identical: 0,
    chipHwirq: 0,
    differences: 0,
    error: null,
  };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    score.error = 'no such directory';
    return score;
  }
  const missing = INPUTS.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    score.error = `missing ${missing.join(', ')}`;
    return score;
  }
  try {
    // The prediction comes from the machine's own dmesg, lspci and ACPI tables; interrupts.txt
    // is only the answer (given as an input it would lend its rows to unmodelled drivers).
    const inputs = INPUTS.filter((f) => WITH_INTERRUPTS || f !== 'interrupts.txt');
    const result = await importFiles(inputs.map((f) => path.join(dir, f)));
    const answer = await importFiles([path.join(dir, 'interrupts.txt')]);
    const real = answer.interrupts[0];
    if (!real) throw new Error('interrupts.txt was not read as a /proc/interrupts');
    score.realRows = real.rows.length;
    if (!result.machine) {
      const first = result.problems[0];
      throw new Error(
        `no valid machine from the import${first ? `: ${first.path}: ${first.message}` : ''}`,
      );
    }
    const sim = simulate(result.machine);
    score.profile = sim.profile;
    const cmp = compareWithSimulation(real, sim);
    score.predictedRows = cmp.predictedRows;
    score.identical = cmp.matched;
    score.differences = cmp.differences.length;
    score.chipHwirq = chipHwirqMatches(
      real.rows,
      parseProcInterrupts(sim.procInterrupts(), 'predicted').rows,
    );
  } catch (err) {
    score.error = (err as Error).message.split('\n')[0]!;
  }
  return score;
}

function pct(n: number, of: number): string {
  return of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`;
}

function table(scores: Score[]): string {
  const head = ['capture', 'kernel', 'real', 'identical', 'chip+hwirq', 'predicted', 'note'];
  const rows = scores.map((s) => [
    s.capture,
    s.kernel ?? '?',
    String(s.realRows),
    String(s.identical),
    String(s.chipHwirq),
    String(s.predictedRows),
    s.error ? `ERROR: ${s.error}` : `profile ${s.profile}, ${s.differences} difference(s)`,
  ]);
  const sum = (f: (s: Score) => number) => scores.reduce((a, s) => a + f(s), 0);
  const real = sum((s) => s.realRows);
  const failed = scores.filter((s) => s.error).length;
  rows.push([
    `total (${scores.length} captures${failed ? `, ${failed} not scored` : ''})`,
    '',
    String(real),
    `${sum((s) => s.identical)} (${pct(
      sum((s) => s.identical),
      real,
    )})`,
    `${sum((s) => s.chipHwirq)} (${pct(
      sum((s) => s.chipHwirq),
      real,
    )})`,
    String(sum((s) => s.predictedRows)),
    '',
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i >= 2 && i <= 5 ? c.padStart(width[i]!) : c.padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const dirs = argv.filter((a) => a !== '--json' && a !== '--with-interrupts');
  const unknown = dirs.filter((a) => a.startsWith('-'));
  if (unknown.length > 0) {
    process.stderr.write(
      `oracle-score: unknown option ${unknown[0]} (usage: oracle-score.ts [--json] [CAPTURE_DIR...])\n`,
    );
    return 2;
  }
  const captures = dirs.length > 0 ? dirs.map((d) => path.resolve(d)) : defaultCaptures();
  if (captures.length === 0) {
    process.stderr.write('oracle-score: no capture found (a folder with an interrupts.txt)\n');
    return 2;
  }
  const scores: Score[] = [];
  for (const dir of captures) scores.push(await scoreCapture(dir));
  if (json) {
    const sum = (f: (s: Score) => number) => scores.reduce((a, s) => a + f(s), 0);
    const totals = {
      captures: scores.length,
      notScored: scores.filter((s) => s.error).length,
      realRows: sum((s) => s.realRows),
      identical: sum((s) => s.identical),
      chipHwirq: sum((s) => s.chipHwirq),
      predictedRows: sum((s) => s.predictedRows),
    };
    process.stdout.write(JSON.stringify({ captures: scores, totals }, null, 2) + '\n');
  } else {
    process.stdout.write(table(scores));
  }
  return scores.some((s) => s.error) ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`oracle-score: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
