// Entry point behind bin/irqlab.mjs (through the bundle dist/cli/irqlab.mjs, or tsx).
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { config as zodConfig } from 'zod';
import { main, OutputClosed, ttyProgress } from './main';

// zod compiles a parser (new Function) for each object schema at its first parse: worth it in a
// process that parses many values, not in a command that validates one machine (the machine
// schema's compilation costs more than its parse). The same checks, interpreted. Set before the
// schemas are built: main() loads the command modules that build them.
zodConfig({ jitless: true });

/**
 * Standard output or error, written with write(2) on its file descriptor. Node's process.stdout
 * and process.stderr write files and pipes synchronously on Linux too, but making them costs a
 * start several milliseconds (a pipe's is a net.Socket), so they are made only if needed: when
 * the descriptor is non-blocking (shared with a parent that made it so) and the reader is behind
 * (EAGAIN), the rest goes through the stream, which waits for the reader.
 *
 * When the reader goes away (`irqlab simulate ... | head -1`), a write fails with EPIPE, or with
 * ECONNRESET when the output is a socket (a parent's stdio pair, as Node makes them) whose reader
 * closed with bytes unread (reader gone, reset): the channel is closed and the write throws OutputClosed, which stops the command there. Through the
 * stream, the failure is seen at the next write (the stream is then `errored`); the 'error' event
 * itself comes later and is only acknowledged.
 */
const readerGone = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET';
};

class Channel {
  closed = false;
  private stream: NodeJS.WriteStream | null = null;

  constructor(
    private readonly fd: 1 | 2,
    private readonly getStream: () => NodeJS.WriteStream,
  ) {}

  write(text: string): void {
    if (this.closed) throw new OutputClosed();
    if (this.stream) return this.toStream(text);
    const buf = Buffer.from(text);
    let done = 0;
    try {
      while (done < buf.length) done += writeSync(this.fd, buf, done);
    } catch (err) {
      if (readerGone(err)) {
        this.closed = true;
        throw new OutputClosed();
      }
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      const stream = (this.stream = this.getStream());
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (!readerGone(e)) throw e;
        // A command still waiting (on stdin, a worker) has nothing left to say.
        process.exit(0);
      });
      this.toStream(buf.subarray(done));
    }
  }

  /** Bytes written to the stream that it has not yet handed to the system. */
  get pending(): number {
    return this.stream?.writableLength ?? 0;
  }

  private toStream(data: string | Uint8Array): void {
    const stream = this.stream!;
    const gone = () => readerGone(stream.errored);
    if (!gone()) stream.write(data);
    if (gone()) {
      this.closed = true;
      throw new OutputClosed();
    }
  }
}

const stdout = new Channel(1, () => process.stdout);
const stderr = new Channel(2, () => process.stderr);
let progress: ((line: string | null) => void) | undefined | null = null;

// No top-level await: the bundle is a script compiled with V8's code cache (scripts/build-cli.mjs).
void main(process.argv.slice(2), {
  out: (text) => stdout.write(text),
  // Errors are not worth an exception once stderr is gone: dropped.
  err: (text) => {
    try {
      stderr.write(text);
    } catch (err) {
      if (!(err instanceof OutputClosed)) throw err;
    }
  },
  // Progress only on a terminal: pipes and tests get none. Asked only by long commands, which
  // alone pay for looking (process.stderr).
  get progress() {
    if (progress === null)
      progress = process.stderr.isTTY
        ? ttyProgress((text) => {
            try {
              stderr.write(text);
            } catch (err) {
              if (!(err instanceof OutputClosed)) throw err;
            }
          })
        : undefined;
    return progress;
  },
  // Read only by the commands that take input (irqlab step).
  get input() {
    // Iterate from the start: lines read while the command is still setting up are kept.
    const lines = createInterface({ input: process.stdin, terminal: false })[
      Symbol.asyncIterator
    ]();
    return { [Symbol.asyncIterator]: () => lines };
  },
}).then((code) => {
  // Stopped by a closed stdout, a command may leave workers behind (irqlab step): exit now.
  if (stdout.closed) process.exit(0);
  process.exitCode = code;
  // The command is done: exit now instead of when the event loop empties, which after a short
  // run means V8 first finishing the incremental marking it has just started (GC work, ~15 ms of
  // CPU, for a heap about to go). Only with nothing left unwritten on stdout and stderr: else the
  // exit waits for the writes, as before.
  if (stdout.pending === 0 && stderr.pending === 0) process.exit();
});
