// The debugger's stepping worker thread in the desktop app (core/step/node/worker.ts): a CommonJS
// bundle beside main.cjs, as the simulation worker is.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: {
      entry: 'core/step/node/worker.ts',
      formats: ['cjs'],
      fileName: () => 'step-worker.cjs',
    },
    rollupOptions: { external: ['electron', /^node:/] },
  },
});
