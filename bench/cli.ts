// Start-up figures of the `irqlab` command and of `npm start`, whole processes, wall clock:
//
//   cli_help_seconds              `node bin/irqlab.mjs --help` (the installed bin, which runs the
//                                 bundle dist/cli; built first if out of date); median of 7
//   cli_node_seconds              `node -e 0` on the same machine at the same time; median of 7
//   cli_help_ratio_vs_node        cli_help_seconds / cli_node_seconds
//   cli_help_source_seconds       the same --help from the TypeScript sources through tsx (the
//                                 fallback when the bundle is out of date); median of 3
//   cli_predict_seconds           `irqlab import dmesg.txt lspci.txt acpi.acpidump.txt --simulate`
//                                 of the QEMU capture q35-ir-4cpu: from the artefacts to the
//                                 predicted /proc/interrupts and log, one process; median of 5
//   cli_vs_qemu_ratio             that machine's QEMU boot (its capture's machine.json:
//                                 emulator.boot_seconds) over cli_predict_seconds
//   npm_start_unchanged_seconds   `npm start` (browser mode, a free port, a temporary sessions
//                                 folder) until it prints the URL, nothing changed since the last
//                                 build; median of 3
//
// The runs of each figure alternate with node's so that both see the same load. They are started
// and timed by a small process of their own (bench/time-processes.mjs), as a shell would start
// them, not by this one.
//   npx tsx bench/cli.ts
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedPath } from '../core/testing/shared';
import { buildCli, buildHost } from '../scripts/build-cli.mjs';
import { checkStamp } from '../scripts/stamp.mjs';
import { median } from './stats';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'irqlab.mjs');

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** A whole process to time: the figure it is for, node's arguments, what to add to its environment. */
interface Timed {
  figure: 'node' | 'help' | 'source' | 'predict';
  args: string[];
  env?: Record<string, string>;
}

/**
 * Wall-clock seconds of each whole process, run in order by bench/time-processes.mjs (a small
 * process of its own: see there why not from this one); each exit status must be 0.
 */
function timedAll(plan: Timed[]): number[] {
  const r = spawnSync(
    process.execPath,
    [path.join(import.meta.dirname, 'time-processes.mjs'), JSON.stringify(plan)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new Error(`bench/time-processes.mjs: exit ${r.status}`);
  const results = JSON.parse(r.stdout) as { seconds: number; status: number; stderr: string }[];
  return results.map(({ seconds, status, stderr }, i) => {
    const args = plan[i]!.args.join(' ');
    if (status !== 0) throw new Error(`node ${args}: exit ${status}\n${stderr}`);
    if (stderr.includes('irqlab: note:')) throw new Error(`not the bundle: ${stderr}`);
    return seconds;
  });
}

/** Seconds from `npm start` until it prints the URL; the app is stopped after. */
async function npmStartSeconds(): Promise<number> {
  const sessions = mkdtempSync(path.join(tmpdir(), 'irqlab-bench-start-'));
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--', '--port', '0', '--sessions-dir', sessions], {
    cwd: root,
    env: { ...process.env, IRQLAB_BROWSER_MODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: npm, start.mjs, tsx and the host stop together
  });
  let output = '';
  let seconds: number;
  try {
    seconds = await new Promise<number>((resolve, reject) => {
      const seen = (d: Buffer) => {
        output += d.toString();
        if (/is running at http:\/\/\S+/.test(output)) resolve((performance.now() - t0) / 1000);
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
      child.on('exit', (code) =>
        reject(new Error(`npm start exited (${code}) before printing its URL:\n${output}`)),
      );
    });
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    rmSync(sessions, { recursive: true, force: true });
  }
  if (/building the renderer|host bundled/.test(output))
    throw new Error(`npm start built something: not the unchanged case\n${output}`);
  return seconds;
}

export async function benchCli(): Promise<Record<string, number | string>> {
  await buildCli({ ifStale: true });
  const capture = sharedPath('fixtures', 'qemu', 'q35-ir-4cpu');
  const artefacts = ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt'].map((f) =>
    path.join(capture, f),
  );
  const qemuSeconds = (
    JSON.parse(readFileSync(path.join(capture, 'machine.json'), 'utf8')) as {
      emulator: { boot_seconds: number };
    }
  ).emulator.boot_seconds;

  // In turns with node's, so that both see the same load.
  const plan: Timed[] = [];
  for (let i = 0; i < 7; i++)
    plan.push({ figure: 'node', args: ['-e', '0'] }, { figure: 'help', args: [bin, '--help'] });
  for (let i = 0; i < 3; i++)
    plan.push({ figure: 'source', args: [bin, '--help'], env: { IRQLAB_FROM_SOURCE: '1' } });
  for (let i = 0; i < 5; i++)
    plan.push({ figure: 'predict', args: [bin, 'import', ...artefacts, '--simulate'] });
  const seconds = timedAll(plan);
  const of = (figure: Timed['figure']) => seconds.filter((_, i) => plan[i]!.figure === figure);
  const [node, help, source, predict] = [of('node'), of('help'), of('source'), of('predict')];

  const out: Record<string, number | string> = {
    cli_help_seconds: round(median(help)),
    cli_node_seconds: round(median(node)),
    cli_help_ratio_vs_node: round(median(help) / median(node), 2),
    cli_help_source_seconds: round(median(source)),
    cli_predict_seconds: round(median(predict)),
    cli_predict_qemu_boot_seconds: qemuSeconds,
    cli_vs_qemu_ratio: Math.round(qemuSeconds / median(predict)),
  };

  // npm start with nothing changed: the renderer must have been built (and stamped) before.
  const renderer = checkStamp(path.join(root, 'dist', 'renderer.stamp.json'), root);
  if (!renderer.fresh)
    out.npm_start_unchanged_seconds = `skipped (renderer ${renderer.reason}: npm run build:renderer)`;
  else {
    await buildHost({ ifStale: true }); // as the first npm start after a change would
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) starts.push(await npmStartSeconds());
    out.npm_start_unchanged_seconds = round(median(starts), 2);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [key, value] of Object.entries(await benchCli())) console.log(`${key}: ${value}`);
}
