// The sandboxed preload script: one CommonJS file that requires nothing but `electron`.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    rollupOptions: {
      input: 'electron/main/preload.ts',
      output: { format: 'cjs', inlineDynamicImports: true, entryFileNames: 'preload.cjs' },
    },
  },
});
