import { useEffect, useRef } from 'react';
import type { Problem } from '../model/document';
import { locateJsonPath, parseJsonPath, type PathKey } from '../model/json-locate';
import { MACHINE_MODEL_URI, monaco } from './monaco';

interface Props {
  text: string;
  dark: boolean;
  /** The model's own problems (cross-field checks the JSON Schema cannot express, too). */
  problems: Problem[];
  /** Brought into view and selected when it changes. */
  reveal: { path: PathKey[]; seq: number } | null;
  onChange(text: string): void;
  /** The app's undo history covers both views: Monaco's keys go to it. */
  onUndo(): void;
  onRedo(): void;
  /** Formats the JSON each time this changes (View > Format the JSON). */
  formatSeq: number;
}

/** The machine as JSON in Monaco, validated against the model's JSON Schema. */
export function MachineEditor({
  text,
  dark,
  problems,
  reveal,
  onChange,
  onUndo,
  onRedo,
  formatSeq,
}: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const callbacks = useRef({ onChange, onUndo, onRedo });
  callbacks.current = { onChange, onUndo, onRedo };
  const applying = useRef(false);

  useEffect(() => {
    const model =
      monaco.editor.getModel(MACHINE_MODEL_URI) ??
      monaco.editor.createModel(text, 'json', MACHINE_MODEL_URI);
    const ed = monaco.editor.create(host.current!, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      scrollBeyondLastLine: false,
      renderWhitespace: 'none',
      ariaLabel: 'machine.json',
      fixedOverflowWidgets: true,
      // The enclosing keys ("cpus", "list") from indentation: no document symbols needed.
      stickyScroll: { enabled: true, defaultModel: 'indentationModel' },
      // Not the JSON worker's ranges (monaco.ts says why).
      foldingStrategy: 'indentation',
    });
    editor.current = ed;
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyZ, () => callbacks.current.onUndo());
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.KeyZ, () =>
      callbacks.current.onRedo(),
    );
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyY, () => callbacks.current.onRedo());
    const sub = model.onDidChangeContent(() => {
      if (!applying.current) callbacks.current.onChange(model.getValue());
    });
    return () => {
      sub.dispose();
      ed.dispose();
      model.dispose();
      editor.current = null;
    };
    // Created once; text updates from outside go through the effect below.
  }, []);

  // A change from the graph or undo: replace the text, keeping the scroll position.
  useEffect(() => {
    const ed = editor.current;
    const model = ed?.getModel();
    if (!ed || !model || model.getValue() === text) return;
    const state = ed.saveViewState();
    applying.current = true;
    try {
      model.setValue(text);
    } finally {
      applying.current = false;
    }
    if (state) ed.restoreViewState(state);
  }, [text]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    const value = model.getValue();
    const markers: monaco.editor.IMarkerData[] = [];
    for (const p of problems.slice(0, 100)) {
      let start = 0;
      let end = 0;
      const lc = /^(\d+):(\d+)$/.exec(p.path);
      if (lc) {
        const pos = { lineNumber: Number(lc[1]), column: Number(lc[2]) };
        start = model.getOffsetAt(pos);
        end = start + 1;
      } else {
        const keys = parseJsonPath(p.path);
        const at = keys ? locateJsonPath(value, keys) : null;
        if (!at) continue;
        start = at.keyStart ?? at.start;
        end = Math.min(at.end, start + 200);
      }
      const s = model.getPositionAt(start);
      const e = model.getPositionAt(Math.max(end, start + 1));
      markers.push({
        severity: monaco.MarkerSeverity.Error,
        message: `${p.path}: ${p.message}`,
        startLineNumber: s.lineNumber,
        startColumn: s.column,
        endLineNumber: e.lineNumber,
        endColumn: e.column,
        source: 'irqlab model',
      });
    }
    monaco.editor.setModelMarkers(model, 'irqlab', markers);
  }, [problems, text]);

  useEffect(() => {
    const ed = editor.current;
    const model = ed?.getModel();
    if (!ed || !model || !reveal) return;
    const at = locateJsonPath(model.getValue(), reveal.path);
    if (!at) return;
    const s = model.getPositionAt(at.keyStart ?? at.start);
    const e = model.getPositionAt(at.end);
    const range = new monaco.Range(s.lineNumber, s.column, e.lineNumber, e.column);
    ed.setSelection(new monaco.Range(s.lineNumber, s.column, s.lineNumber, s.column));
    ed.revealRangeNearTopIfOutsideViewport(range);
    const decorations = ed.createDecorationsCollection([
      { range, options: { isWholeLine: true, className: 'reveal-highlight' } },
    ]);
    const timer = setTimeout(() => decorations.clear(), 1500);
    return () => {
      clearTimeout(timer);
      decorations.clear();
    };
  }, [reveal]);

  useEffect(() => {
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }, [dark]);

  useEffect(() => {
    if (formatSeq === 0) return;
    void editor.current?.getAction('editor.action.formatDocument')?.run();
  }, [formatSeq]);

  return <div className="editor-host" ref={host} data-testid="machine-editor" />;
}
