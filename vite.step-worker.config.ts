// The debugger's stepping worker thread in the desktop app (electron/node/step-worker.ts, which is
// core/step/node/worker.ts): a CommonJS bundle beside main.cjs, as the simulation worker is.
// TypeScript first: beside worker.ts lies worker.mjs, its tsx bootstrap for running from source.
import { defineConfig } from 'vite';

export default defineConfig({
  resolve: { extensions: ['.ts', '.js', '.json'] },
  build: {
    lib: {
      entry: 'electron/node/step-worker.ts',
      formats: ['cjs'],
      fileName: () => 'step-worker.cjs',
    },
    rollupOptions: { external: ['electron', /^node:/] },
  },
});
