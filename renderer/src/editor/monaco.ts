// Monaco, bundled locally with its web workers (no CDN): the core editor API, the JSON language
// with its worker, C and SQL highlighting, and nothing else we do not use.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import 'monaco-editor/esm/vs/editor/editor.all.js';
// Highlighting for the debugger's pseudo-source and the trace explorer's SQL box.
import 'monaco-editor/esm/vs/basic-languages/cpp/cpp.contribution.js';
import 'monaco-editor/esm/vs/basic-languages/sql/sql.contribution.js';
import * as jsonContribution from 'monaco-editor/esm/vs/language/json/monaco.contribution.js';
import type { json as MonacoJson } from 'monaco-editor';
import EditorWorker from 'monaco-editor/esm/vs/editor/editor.worker.js?worker';
import JsonWorker from 'monaco-editor/esm/vs/language/json/json.worker.js?worker';

// The ESM build's .d.ts for the JSON contribution declares no exports; its JS exports what the
// full editor's `monaco.json` namespace describes.
const { jsonDefaults } = jsonContribution as unknown as typeof MonacoJson;

self.MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return label === 'json' ? new JsonWorker() : new EditorWorker();
  },
};

export const MACHINE_MODEL_URI = monaco.Uri.parse('irqlab://machine/machine.json');

// What the JSON worker does for the machine file: not its colour pickers (a machine file names no
// colours) nor its document symbols (the outline; sticky scroll reads indentation instead): a
// 1536-CPU machine is 20,000 lines, and both were recomputed and sent to the page after each edit
// and at open, holding the page ~0.2 s while the user pressed Run (issue #17). Nor its folding
// ranges: the editor folds by indentation (MachineEditor), the same regions in the formatted JSON
// irqlab writes. On that machine, ▶ Run pressed as soon as it opened showed its results sooner
// without the worker's ranges in 5 of 5 pairs (3.28-3.44 s against 3.44-3.81 s), the page's
// process using a median 0.18 s less CPU during the run.
jsonDefaults.setModeConfiguration({
  ...jsonDefaults.modeConfiguration,
  colors: false,
  documentSymbols: false,
  foldingRanges: false,
});

/** Gives Monaco the machine model's JSON Schema: validation markers, completion, hover docs. */
export function useMachineSchema(schema: Record<string, unknown>): void {
  jsonDefaults.setDiagnosticsOptions({
    validate: true,
    allowComments: false,
    enableSchemaRequest: false,
    schemas: [
      {
        uri: 'irqlab://schema/machine.schema.json',
        fileMatch: [MACHINE_MODEL_URI.toString()],
        schema,
      },
    ],
  });
}

export { monaco };
