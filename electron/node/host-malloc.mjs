// The browser-mode host's malloc policy, set where the host is started (scripts/start.mjs for
// `npm start`, the benchmarks as it), since glibc reads it only at a process's start.
//
// Why: a session of a large machine has the host read tens of MB at a time (a run's outputs, trace
// blocks). glibc's malloc raises its thresholds with the largest block freed (the trim threshold
// up to 64 MB), so that memory, once free, stayed in the host: after a session of `large` was
// closed, the host held ~50 MB more than before it opened (scripts/host-memory.ts). A fixed trim
// threshold (which also fixes the mmap threshold, at 128 KiB) hands freed memory back.
//
// Not for a job's process: there, each boot's memory would be given back and faulted in again
// (twice the page faults, the stored boot ~5% slower). Where the C library is not glibc, the
// variable means nothing. Plain JavaScript: scripts/start.mjs imports it without a transpiler.

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

/** `env` for a process the host starts (a job's): without the entry withHostMalloc added. */
export function withoutHostMalloc(env) {
  const out = { ...env };
  const tunables = entries(env.GLIBC_TUNABLES).filter((e) => e !== HOST_MALLOC_TUNABLE);
  if (tunables.length > 0) out.GLIBC_TUNABLES = tunables.join(':');
  else delete out.GLIBC_TUNABLES;
  return out;
}
