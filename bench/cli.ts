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
// The runs of each figure alternate with node's so that both see the same load.
//   npx tsx bench/cli.ts
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedPath } from '../core/testing/shared';
import { buildCli, buildHost } from '../scripts/build-cli.mjs';
import { checkStamp } from '../scripts/stamp.mjs';

const root = path.resolve(import.meta.dirname, '..');
const bin = path.join(root, 'bin', 'irqlab.mjs');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** Wall-clock seconds of one whole process; its exit status must be 0. */
function timed(args: string[], env: Record<string, string> = {}): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  if (r.stderr.includes('irqlab: note:')) throw new Error(`not the bundle: ${r.stderr}`);
  return s;
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

  const help: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < 7; i++) {
    node.push(timed(['-e', '0']));
    help.push(timed([bin, '--help']));
  }
  const source: number[] = [];
  for (let i = 0; i < 3; i++) source.push(timed([bin, '--help'], { IRQLAB_FROM_SOURCE: '1' }));
  const predict: number[] = [];
  for (let i = 0; i < 5; i++) predict.push(timed([bin, 'import', ...artefacts, '--simulate']));

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
