// The malloc policies of the browser-mode host and of its jobs' processes, each set where the
// process is started (the host's by scripts/start.mjs for `npm start` and by the benchmarks as it;
// a job's by simulation-runner.ts), since glibc reads it only at a process's start.
//
// Why: a session of a large machine has the host read tens of MB at a time (a run's outputs, trace
// blocks). glibc's malloc raises its thresholds with the largest block freed (the trim threshold
// up to 64 MB), so that memory, once free, stayed in the host: after a session of `large` was
// closed, the host held ~50 MB more than before it opened (scripts/host-memory.ts). A fixed trim
// threshold (which also fixes the mmap threshold, at 128 KiB) hands freed memory back.
//
// Not for a job's process: there, each boot's memory would be given back and faulted in again
// (twice the page faults, the stored boot ~5% slower). A job's process has the opposite policy
// (withJobMalloc): blocks up to 32 MiB come from malloc's heap rather than from mappings of their
// own, and its heap is not trimmed, so a run's large buffers (its outputs' 17 MB on a 1536-CPU
// machine and SQLite's copies of them, its store's blocks) reuse pages the runs before faulted in:
// on the 2-core VM a large run's storing after its outputs took 18-27 ms rather than 29-35, with
// 6,000-12,000 fewer page faults, for the same resident memory once runs are over (~495 MB after
// five). Where the C library is not glibc, the variable means nothing. Plain JavaScript:
// scripts/start.mjs imports it without a transpiler.

/** The GLIBC_TUNABLES entry the host runs with. */
export const HOST_MALLOC_TUNABLE = 'glibc.malloc.trim_threshold=131072';

const entries = (value) => (value ? value.split(':').filter((e) => e !== '') : []);

/**
 * `env` for the host's process: GLIBC_TUNABLES with HOST_MALLOC_TUNABLE added, unless it already
 * sets a trim threshold (the user's own choice stays).
 */
export function withHostMalloc(env) {
  const tunables = entries(env.GLIBC_TUNABLES);
  if (tunables.some((e) => e.startsWith('glibc.malloc.trim_threshold='))) return { ...env };
  return { ...env, GLIBC_TUNABLES: [...tunables, HOST_MALLOC_TUNABLE].join(':') };
}

/** The GLIBC_TUNABLES entries a job's process runs with (see above). */
export const JOB_MALLOC_TUNABLES = [
  `glibc.malloc.mmap_threshold=${32 * 2 ** 20}`,
  `glibc.malloc.trim_threshold=${2 ** 30}`,
];

/**
 * `env` for a job's process: without the entry withHostMalloc added, with JOB_MALLOC_TUNABLES
 * unless the user set either threshold (the user's own choice stays).
 */
export function withJobMalloc(env) {
  const out = withoutHostMalloc(env);
  const tunables = entries(out.GLIBC_TUNABLES);
  if (tunables.some((e) => /^glibc\.malloc\.(mmap|trim)_threshold=/.test(e))) return out;
  return { ...out, GLIBC_TUNABLES: [...tunables, ...JOB_MALLOC_TUNABLES].join(':') };
}

/** `env` for a process the host starts: without the entry withHostMalloc added. */
export function withoutHostMalloc(env) {
  const out = { ...env };
  const tunables = entries(env.GLIBC_TUNABLES).filter((e) => e !== HOST_MALLOC_TUNABLE);
  if (tunables.length > 0) out.GLIBC_TUNABLES = tunables.join(':');
  else delete out.GLIBC_TUNABLES;
  return out;
}
