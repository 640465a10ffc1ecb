// Entry point behind bin/irqlab.mjs.
import { main, ttyProgress } from './main';

process.exitCode = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  // Progress only on a terminal: pipes and tests get none.
  progress: process.stderr.isTTY ? ttyProgress((text) => process.stderr.write(text)) : undefined,
});
