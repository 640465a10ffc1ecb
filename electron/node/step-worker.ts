// The debugger's stepping worker thread in the desktop app: core/step's worker, bundled under
// this name beside main.cjs (vite.step-worker.config.ts). From source, core/step/node/worker.mjs
// runs it instead.
import '../../core/step/node/worker';
