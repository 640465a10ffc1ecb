// The current kernel function as readable pseudo-source in Monaco (read-only, C highlighting),
// the current line highlighted, lines with a function breakpoint marked in the gutter (a click
// there sets or clears it). A step that changes none of its props does not render it; one that
// moves the line only moves the decorations and the cursor (the text is set when it changes).
import { memo, useEffect, useRef } from 'react';
import { monaco } from '../editor/monaco';

interface Props {
  /** The shown function's pseudo-source ('' for none). */
  text: string;
  /** The current line (1-based), 0 for none. */
  line: number;
  dark: boolean;
  /** Lines of the shown function whose callee has a function breakpoint. */
  breakpointLines: number[];
  onGutterClick(line: number): void;
  /** Tells the debugger where the cursor is (run to cursor, toggle breakpoint). */
  onCursor(line: number): void;
}

const SOURCE_URI = monaco.Uri.parse('irqlab://debugger/pseudo-source.c');

export const SourceView = memo(function SourceView({
  text,
  line,
  dark,
  breakpointLines,
  onGutterClick,
  onCursor,
}: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  /** The text in the model (kept here: a step does not copy it out of the model to compare). */
  const shownText = useRef('');
  const callbacks = useRef({ onGutterClick, onCursor });
  callbacks.current = { onGutterClick, onCursor };

  useEffect(() => {
    const model =
      monaco.editor.getModel(SOURCE_URI) ?? monaco.editor.createModel('', 'cpp', SOURCE_URI);
    shownText.current = model.getValue();
    const ed = monaco.editor.create(host.current!, {
      model,
      readOnly: true,
      domReadOnly: true,
      automaticLayout: true,
      minimap: { enabled: false },
      glyphMargin: true,
      lineNumbersMinChars: 3,
      fontSize: 13,
      tabSize: 4,
      scrollBeyondLastLine: false,
      renderLineHighlight: 'none',
      ariaLabel: 'pseudo-source of the current kernel function',
      contextmenu: false,
      folding: false,
      // A step renders the pane again, most steps with another function's text: what the
      // read-only pseudo-source does not use is off, so a step renders and measures less and
      // leaves no delayed work (highlights, links, sticky lines) behind to land on the next one.
      // Indentation guides are measured in the DOM line by line, on every new text.
      guides: { indentation: false },
      stickyScroll: { enabled: false },
      occurrencesHighlight: 'off',
      selectionHighlight: false,
      matchBrackets: 'never',
      links: false,
      colorDecorators: false,
      codeLens: false,
      lightbulb: { enabled: monaco.editor.ShowLightbulbIconMode.Off },
      inlayHints: { enabled: 'off' },
      quickSuggestions: false,
      hideCursorInOverviewRuler: true,
      overviewRulerLanes: 0,
    });
    editor.current = ed;
    decorations.current = ed.createDecorationsCollection();
    const mouse = ed.onMouseDown((e) => {
      const line = e.target.position?.lineNumber;
      if (line && e.target.type === monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN)
        callbacks.current.onGutterClick(line);
    });
    const cursor = ed.onDidChangeCursorPosition((e) =>
      callbacks.current.onCursor(e.position.lineNumber),
    );
    return () => {
      mouse.dispose();
      cursor.dispose();
      ed.dispose();
      model.dispose();
      editor.current = null;
    };
  }, []);

  useEffect(() => {
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }, [dark]);

  useEffect(() => {
    const ed = editor.current;
    const model = ed?.getModel();
    if (!ed || !model) return;
    if (shownText.current !== text) {
      model.setValue(text);
      shownText.current = text;
    }
    const marks: monaco.editor.IModelDeltaDecoration[] = breakpointLines.map((l) => ({
      range: new monaco.Range(l, 1, l, 1),
      options: {
        glyphMarginClassName: 'dbg-breakpoint-glyph',
        glyphMarginHoverMessage: { value: 'Function breakpoint' },
      },
    }));
    if (line > 0 && text) {
      marks.push({
        range: new monaco.Range(line, 1, line, 1),
        options: {
          isWholeLine: true,
          className: 'dbg-current-line',
          glyphMarginClassName: 'dbg-current-glyph',
          stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges,
        },
      });
      ed.revealLineInCenterIfOutsideViewport(line);
      const at = ed.getPosition();
      if (at?.lineNumber !== line || at.column !== 1)
        ed.setPosition({ lineNumber: line, column: 1 });
    }
    decorations.current?.set(marks);
  }, [text, line, breakpointLines]);

  return (
    <div className="dbg-source-host" data-testid="pseudo-source" data-line={line} ref={host} />
  );
});
