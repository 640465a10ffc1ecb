// The trace explorer's SQL runs in a worker thread of its own, kept alive between queries (a
// worker takes a second to start from source): a query over a 10-million-event run takes
// seconds and must not stop the host answering the page. A query still running after the time
// limit is stopped by terminating the worker; the next query starts a new one.
import { Worker } from 'node:worker_threads';

type Answer = {
  columns: string[];
  rows: (string | number | null)[][];
  truncated: boolean;
  milliseconds: number;
};

const QUERY_TIMEOUT_MS = 30_000;

export class QueryRunner {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<
    number,
    {
      resolve: (a: Answer) => void;
      reject: (e: Error) => void;
      timer: ReturnType<typeof setTimeout>;
      worker: Worker;
    }
  >();

  /** `entry`: the simulation worker (it answers `{query}` messages too). */
  constructor(
    private readonly entry: URL | string,
    private readonly timeoutMs = QUERY_TIMEOUT_MS,
  ) {}

  private spawn(): Worker {
    const w = new Worker(this.entry);
    w.on('message', (m: { queryId: number; ok: boolean; value?: Answer; message?: string }) => {
      const p = this.pending.get(m.queryId);
      if (!p) return;
      this.pending.delete(m.queryId);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.value!);
      else p.reject(new Error(m.message));
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = null;
      for (const [id, p] of this.pending) {
        if (p.worker !== w) continue;
        clearTimeout(p.timer);
        p.reject(err);
        this.pending.delete(id);
      }
    };
    w.on('error', fail);
    w.on('exit', () => fail(new Error('the query worker stopped')));
    w.unref();
    return w;
  }

  query(file: string, sql: string, limit: number): Promise<Answer> {
    this.worker ??= this.spawn();
    const worker = this.worker;
    const id = this.next++;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the query took longer than ${this.timeoutMs / 1000} s and was stopped`));
        // The only way to stop a running better-sqlite3 statement: end its thread.
        if (this.worker === worker) this.worker = null;
        void worker.terminate();
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer, worker });
      worker.postMessage({ query: { id, file, sql, limit } });
    });
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = null;
  }
}
