// Runs each simulation in its own worker thread; `cancel()` terminates the ones under way.
import { Worker } from 'node:worker_threads';
import type { RequestOf, ResponseOf } from '../api/channels';

type Request = RequestOf<'machine.simulate'>;
type Response = ResponseOf<'machine.simulate'>;

export class SimulationRunner {
  private readonly running = new Set<Worker>();

  /** `entry`: the worker script (simulation-worker.mjs from source, the built .cjs in the app). */
  constructor(private readonly entry: URL | string) {}

  run(request: Request): Promise<Response> {
    const worker = new Worker(this.entry);
    this.running.add(worker);
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.running.delete(worker);
        void worker.terminate();
        fn();
      };
      worker.once('message', (m: { ok: true; value: Response } | { ok: false; message: string }) =>
        settle(() => (m.ok ? resolve(m.value) : reject(new Error(m.message)))),
      );
      worker.once('error', (err) => settle(() => reject(err)));
      worker.once('exit', (code) =>
        settle(() =>
          reject(
            new Error(code === 1 ? 'simulation cancelled' : `simulation worker exited (${code})`),
          ),
        ),
      );
      worker.postMessage(request);
    });
  }

  cancel(): void {
    for (const worker of this.running) void worker.terminate();
  }
}
