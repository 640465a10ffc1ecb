// Times whole processes for bench/cli.ts, from a process of its own. Why not from the bench's:
// by the time `npm run bench` reaches the CLI figures its process holds ~450 MB (the in-process
// benches before), and each spawn forks it, page tables and all: `node -e 0` took a median of
// 105 ms from a 528 MB parent against 96 ms from a small one (136-192 ms from a 2.4 GB one). A
// shell starting `irqlab` is small; this process is too (nothing imported but child_process).
//
// argv[2]: a JSON list of { args, env } to run in order with `node` (cwd: the repository);
// prints a JSON list of { seconds, status, stderr } in the same order.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const plan = JSON.parse(process.argv[2] ?? '[]');
const results = [];
for (const { args, env } of plan) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const seconds = (performance.now() - t0) / 1000;
  results.push({ seconds, status: r.status, stderr: (r.stderr ?? '').slice(0, 4000) });
}
process.stdout.write(JSON.stringify(results));
