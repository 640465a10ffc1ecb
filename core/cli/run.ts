// Entry point behind bin/irqlab.mjs (through the bundle dist/cli/irqlab.mjs, or tsx).
import { createInterface } from 'node:readline';
import { config as zodConfig } from 'zod';
import { main, OutputClosed, ttyProgress } from './main';

// zod compiles a parser (new Function) for each object schema at its first parse: worth it in a
// process that parses many values, not in a command that validates one machine (the machine
// schema's compilation costs more than its parse). The same checks, interpreted. Set before the
// schemas are built: main() loads the command modules that build them.
zodConfig({ jitless: true });

// When the reader of stdout goes away (`irqlab simulate ... | head -1`), a write fails with EPIPE.
// Writes to a pipe are synchronous on Linux, so the failure is seen at the next write (the stream
// is then `errored`) and stops the command there; the 'error' event itself comes later and is
// only acknowledged. The same on stderr (`2>&1 | head`).
const gone = (stream: NodeJS.WriteStream) =>
  (stream.errored as NodeJS.ErrnoException | null)?.code === 'EPIPE';
function write(stream: NodeJS.WriteStream, text: string): void {
  if (gone(stream)) throw new OutputClosed();
  stream.write(text);
  if (gone(stream)) throw new OutputClosed();
}
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    // A command still waiting (on stdin, a worker) has nothing left to say.
    process.exit(0);
  });
}

// No top-level await: the bundle is a script compiled with V8's code cache (scripts/build-cli.mjs).
void main(process.argv.slice(2), {
  out: (text) => write(process.stdout, text),
  // Errors are not worth an exception once stderr is gone: dropped.
  err: (text) => {
    if (!gone(process.stderr)) process.stderr.write(text);
  },
  // Progress only on a terminal: pipes and tests get none.
  progress: process.stderr.isTTY ? ttyProgress((text) => process.stderr.write(text)) : undefined,
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
  if (gone(process.stdout)) process.exit(0);
  process.exitCode = code;
  // The command is done: exit now instead of when the event loop empties, which after a short
  // run means V8 first finishing the incremental marking it has just started (GC work, ~15 ms of
  // CPU, for a heap about to go). Only with nothing left unwritten on stdout and stderr (pipes
  // are asynchronous on some systems): else the exit waits for the writes, as before.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
});
