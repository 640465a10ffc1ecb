// Where the browser-mode host's memory goes over one session's life (issue #17): the host as a
// process of its own, driven over its WebSocket with the calls the page makes on bench/ui-run.ts's
// path (a preset's session, ▶ Run boot, the results and trace views, save as, close, reopen from
// the recent list, close), and its memory read by the host itself at each step: VmRSS from
// /proc/self/status, process.memoryUsage() and V8's heap, then the same after a forced
// collection (so retained objects are told apart from heap V8 has not given back yet).
//
//   npx tsx scripts/host-memory.ts [preset=large] [--gc-each] [--trim] [--snapshot]
//
// --trim (needs gdb) then calls glibc's malloc_trim(0) in the host and measures once more.
// --gc-each also collects (and measures again) at every step, not only after close.
// --snapshot writes a heap snapshot of the host after close (and gc) into the temporary folder,
// named on the last line. The host runs with --expose-gc only so this script can collect.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import WebSocket from 'ws';
import { createWireTransport, type SocketLike } from '../electron/api/wire';
import type { ApiResult } from '../electron/api/channels';
import { withHostMalloc } from '../electron/node/host-malloc.mjs';

type Memory = Record<string, number>;
type Probe = { probe: 'mem' | 'gc' | 'snapshot'; id: number; file?: string };

const mb = (n: number) => Math.round(n / 1024 / 1024);

function memory(): Memory {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  const m = process.memoryUsage();
  const h = v8.getHeapStatistics();
  return {
    rss: Math.round(kb('VmRSS') / 1024),
    rssAnon: Math.round(kb('RssAnon') / 1024),
    heapUsed: mb(m.heapUsed),
    heapTotal: mb(m.heapTotal),
    external: mb(m.external),
    arrayBuffers: mb(m.arrayBuffers),
    v8Physical: mb(h.total_physical_size),
    malloced: mb(h.malloced_memory),
    ...smaps(),
  };
}

/**
 * Resident anonymous memory by kind of mapping: the main malloc heap ([heap]), glibc's thread
 * arenas (64 MB-aligned, from worker threads), and the rest (V8's pages, mmap'd blocks).
 */
function smaps(): Memory {
  const out = { brkHeap: 0, arenas: 0, otherAnon: 0 };
  let kind: keyof typeof out | null = null;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (m) {
      const size = parseInt(m[2]!, 16) - parseInt(m[1]!, 16);
      const name = m[4]!;
      kind =
        name === '[heap]'
          ? 'brkHeap'
          : name !== '' || m[3] !== '0'
            ? null
            : size === 64 * 1024 * 1024 || parseInt(m[1]!, 16) % (64 * 1024 * 1024) === 0
              ? 'arenas'
              : 'otherAnon';
      continue;
    }
    const rss = /^Rss:\s+(\d+)/.exec(line);
    if (rss && kind) out[kind] += Number(rss[1]) * 1024;
  }
  return { brkHeap: mb(out.brkHeap), arenas: mb(out.arenas), otherAnon: mb(out.otherAnon) };
}

if (process.argv[2] === '--child') {
  // The host, with a probe on its IPC channel.
  const { startBrowserHost } = await import('../electron/node/browser-host');
  const dir = process.argv[3]!;
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>irqlab</title>');
  const host = await startBrowserHost({
    port: 0,
    staticDir: dir,
    sessionsDir: path.join(dir, 'sessions'),
    configDir: path.join(dir, 'config'),
  });
  process.on('message', (m: Probe) => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (m.probe !== 'mem') gc?.();
    if (m.probe === 'snapshot') v8.writeHeapSnapshot(m.file);
    // V8 gives freed pages back from a thread of its own: measured a second later.
    setTimeout(() => process.send!({ id: m.id, memory: memory() }), m.probe === 'mem' ? 0 : 1000);
  });
  process.send!({ url: host.url, origin: host.origin, token: host.token });
} else {
  const preset = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'large';
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-host-memory-'));
  const child: ChildProcess = fork(import.meta.filename, ['--child', dir], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    // As scripts/start.mjs starts the host (GLIBC_TUNABLES=... in this script's own environment
    // to try another policy: a trim threshold set there is kept).
    env: withHostMalloc(process.env),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const started = await new Promise<{ origin: string; token: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { origin: string; token: string }));
    child.once('exit', (code) => reject(new Error(`the host exited (${code})`)));
  });
  let probes = 0;
  const probe = (kind: Probe['probe'], file?: string) =>
    new Promise<Memory>((resolve) => {
      const id = ++probes;
      const on = (m: { id?: number; memory?: Memory }) => {
        if (m.id !== id) return;
        child.off('message', on);
        resolve(m.memory!);
      };
      child.on('message', on);
      child.send({ probe: kind, id, file });
    });
  const rows: [string, Memory][] = [];
  const mark = async (label: string) => {
    rows.push([label, await probe('mem')]);
    process.stderr.write(`${label}: ${JSON.stringify(rows.at(-1)![1])}\n`);
    // A collection changes what comes next: only where asked (and after close, last).
    if (label === 'after close' || process.argv.includes('--gc-each'))
      rows.push([`${label} +gc`, await probe('gc')]);
  };

  const transport = createWireTransport({
    origin: started.origin,
    token: started.token,
    openSocket: (url, protocols) =>
      new WebSocket(url, protocols, {
        headers: { Origin: started.origin },
      }) as unknown as SocketLike,
    fetch,
  });
  const call = async <T>(channel: string, request: unknown): Promise<T> => {
    const r: ApiResult = await transport(channel, request);
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  try {
    await call('app.info', {});
    await call('session.recent', {});
    await sleep(2000);
    await mark('before open');

    const machine = await call<{ name: string; text: string }>('machine.fromPreset', {
      name: preset,
    });
    const s = await call<{ sessionId: string }>('session.new', {
      machineName: machine.name,
      machineText: machine.text,
    });
    const { jobId } = await call<{ jobId: string }>('run.start', {
      sessionId: s.sessionId,
      machineText: machine.text,
    });
    for (;;) {
      const st = await call<{ state: string; runId: number | null; error: string | null }>(
        'job.status',
        { jobId },
      );
      if (st.state === 'done') break;
      if (st.state !== 'running') throw new Error(`the run ${st.state}: ${st.error}`);
      await sleep(250);
    }
    // The results view, then the trace explorer with a function filter.
    let fine = false;
    const views = async (sessionId: string) => {
      const runs = await call<{ id: number }[]>('runs.list', { sessionId });
      const runId = runs.at(-1)!.id;
      await call('run.result', { sessionId, runId });
      if (fine) await mark(`run.result`);
      await call('run.devices', { sessionId, runId, offset: 0, limit: 50, filter: '' });
      return runId;
    };
    const runId = await views(s.sessionId);
    await mark('after run');
    fine = process.argv.includes('--fine');
    await call('trace.symbols', { sessionId: s.sessionId, runId });
    if (fine) await mark('trace.symbols');
    await call('trace.timeline', { sessionId: s.sessionId, runId, bins: 800 });
    if (fine) await mark('trace.timeline');
    await call('trace.page', { sessionId: s.sessionId, runId, fromSeq: 0, limit: 200 });
    await call('trace.page', {
      sessionId: s.sessionId,
      runId,
      fromSeq: 0,
      limit: 200,
      filter: { fn: 'modify_irte' },
    });
    if (fine) await mark('trace.page');
    await call('session.saveAs', {
      sessionId: s.sessionId,
      machineName: machine.name,
      machineText: machine.text,
      name: 'large-bench.irqlab',
      overwrite: false,
    });
    if (process.argv.includes('--fine')) await mark('saved as');
    await call('session.close', { sessionId: s.sessionId });
    const recent = await call<{ recentId: string; title: string }[]>('session.recent', {});
    const again = await call<{ sessionId: string }>('session.openRecent', {
      recentId: recent.find((r) => r.title === 'large-bench.irqlab')!.recentId,
    });
    fine = process.argv.includes('--fine');
    if (fine) await mark('openRecent');
    await views(again.sessionId);
    await mark('reopened');
    await call('session.close', { sessionId: again.sessionId });
    await call('session.recent', {});
    await sleep(5000);
    await mark('after close');
    if (process.argv.includes('--trim')) {
      // Diagnosis only: glibc's malloc_trim(0) called in the host by gdb. What it gives back
      // was free memory malloc kept (thread arenas, the main heap), not live objects.
      execFileSync('gdb', ['-p', String(child.pid), '-batch', '-ex', 'call (int)malloc_trim(0)'], {
        stdio: 'ignore',
      });
      rows.push(['after malloc_trim', await probe('mem')]);
    }
    if (process.argv.includes('--snapshot')) {
      const file = path.join(tmpdir(), `irqlab-host-${child.pid}.heapsnapshot`);
      await probe('snapshot', file);
      process.stderr.write(`heap snapshot: ${file}\n`);
    }
    const keys = Object.keys(rows[0]![1]);
    console.log(['step'.padEnd(18), ...keys.map((k) => k.padStart(12))].join(''));
    for (const [label, m] of rows)
      console.log([label.padEnd(18), ...keys.map((k) => String(m[k]).padStart(12))].join(''));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
