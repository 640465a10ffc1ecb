#!/usr/bin/env node
// The installed `irqlab` command. It runs the JavaScript bundle of the CLI (dist/cli, made by
// `npm run build:cli`, which postinstall and `npm start` run) when that bundle is up to date with
// its sources; otherwise, as in a fresh checkout or after an edit, the TypeScript sources through
// tsx, which costs about a second per start, and says so on stderr. IRQLAB_FROM_SOURCE=1 asks
// for the sources (no note); IRQLAB_CLI_DIR names another bundle folder (tests). It imports one
// module, which has the stamp check and the runner (each ES module costs a start a resolve, a
// read and a compile). Built-ins come through process.getBuiltinModule, as there: an import of a
// built-in makes its ES module facade, which costs every start (scripts/cli-bundle.mjs).
import { checkStamp, runCliBundle } from '../scripts/cli-bundle.mjs';

const path = process.getBuiltinModule('node:path');
const { fileURLToPath } = process.getBuiltinModule('node:url');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.IRQLAB_CLI_DIR
  ? path.resolve(process.env.IRQLAB_CLI_DIR)
  : path.join(root, 'dist', 'cli');
const fromSource = process.env.IRQLAB_FROM_SOURCE === '1';
const state = fromSource ? null : checkStamp(path.join(dir, 'stamp.json'), root);

if (state?.fresh) {
  runCliBundle(dir);
} else {
  if (state)
    process.stderr.write(
      `irqlab: note: running the TypeScript sources through tsx (slow start): the CLI bundle is ${state.reason === 'not built' ? 'not built' : `out of date (${state.reason})`}; npm run build:cli\n`,
    );
  const { register } = await import('tsx/esm/api');
  register();
  await import('../core/cli/run.ts');
}
