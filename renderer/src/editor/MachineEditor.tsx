import { useEffect, useRef } from 'react';
import { MACHINE_MODEL_URI, monaco } from './monaco';

interface Props {
  text: string;
  dark: boolean;
  onChange(text: string): void;
}

/** The machine as JSON in Monaco, validated against the model's JSON Schema. */
export function MachineEditor({ text, dark, onChange }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

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
    });
    editor.current = ed;
    const sub = model.onDidChangeContent(() => onChangeRef.current(model.getValue()));
    return () => {
      sub.dispose();
      ed.dispose();
      model.dispose();
      editor.current = null;
    };
    // Created once; text updates from outside go through the effect below.
  }, []);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (model && model.getValue() !== text) model.setValue(text);
  }, [text]);

  useEffect(() => {
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
  }, [dark]);

  return <div className="editor-host" ref={host} data-testid="machine-editor" />;
}
