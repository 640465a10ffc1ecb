// A full garbage collection when a session closes, so the host gives back what the session cost.
//
// A large run's views parse tens of MB of outputs in the host; once its session closes they are
// garbage, but V8 collects only when it next needs room, and an idle host never does: its heap
// (and RSS) stays at its peak until the next session (issue #17). `--expose-gc` is a flag the
// host is not started with; it may be set at run time, and a new context then has `gc`.
import v8 from 'node:v8';
import vm from 'node:vm';

type Gc = () => void;

let gc: Gc | null = null;

function collector(): Gc {
  if (!gc) {
    const own = (globalThis as { gc?: Gc }).gc;
    if (own) gc = own;
    else {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as Gc;
    }
  }
  return gc;
}

/** A full collection, now (Node 20's gc() with options may leave the old space as it is). */
export function collectGarbage(): void {
  collector()();
}

/**
 * One collection once the current work is done (after the answer went out and the session's
 * workers were told to end): several closes in a row cost one.
 */
export function collectSoon(): void {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    collectGarbage();
  }, COLLECT_DELAY_MS);
  pending.unref();
}

/** Long enough for a closing session's worker threads to have ended. */
const COLLECT_DELAY_MS = 500;

let pending: ReturnType<typeof setTimeout> | null = null;
