// Entry point behind bin/irqlab.mjs.
import { createInterface } from 'node:readline';
import { main, ttyProgress } from './main';

process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
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
});
