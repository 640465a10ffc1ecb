// The machine being edited: one JSON text that both views edit, with its undo history.
//
// The text is the document. The graph shows the machine the text describes when it is valid,
// and the last valid one (saying so) while it is not. Graph edits are made on the parsed JSON,
// validated with the model's own schema (core/model), and applied only when the result is a
// valid machine: an invalid edit is refused with where and why, and the model is unchanged.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Machine } from '../../../core/model/schema';
import { parseMachine, parseMachineJson, type Problem } from '../../../core/model/validate';
import type { PathKey } from './json-locate';

export type { Problem };

export interface Analysis {
  /** The text analysed (typing is analysed after a pause, so it may be older than the document). */
  text: string;
  /** The JSON value of the text, when it is JSON at all. */
  value: unknown;
  /** The machine, when the text is a valid machine. */
  machine: Machine | null;
  problems: Problem[];
}

export function analyse(text: string): Analysis {
  let value: unknown = undefined;
  try {
    value = JSON.parse(text);
  } catch {
    // parseMachineJson gives the line:column
  }
  const parsed = parseMachineJson(text);
  return parsed.ok
    ? { text, value, machine: parsed.machine, problems: [] }
    : { text, value, machine: null, problems: parsed.errors };
}

/** A change to the machine's JSON value, made by the graph or the property panel. */
export type Edit = (draft: Record<string, unknown>) => void;

export function stringifyMachine(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Reads the value at a path of a JSON value. */
export function getAt(value: unknown, path: readonly PathKey[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/** Sets (or with `undefined`, deletes) the value at a path, creating objects on the way. */
export function setAt(root: Record<string, unknown>, path: readonly PathKey[], value: unknown) {
  let v: Record<string | number, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    let next = v[key];
    if (next === null || typeof next !== 'object') {
      next = typeof path[i + 1] === 'number' ? [] : {};
      v[key] = next;
    }
    v = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(v) && typeof last === 'number') v.splice(last, 1);
    else delete v[last];
  } else v[last] = value;
}

const HISTORY_MAX_ENTRIES = 100;
/** History is bounded by size too: a large machine's JSON is megabytes. */
const HISTORY_MAX_CHARS = 64 * 1024 * 1024;
/** Typing is one undo step per pause. */
const TYPING_COMMIT_MS = 700;

export interface MachineDocument {
  text: string;
  analysis: Analysis;
  /** The machine the graph shows: the current one, or the last valid one. */
  shown: Machine | null;
  shownIsCurrent: boolean;
  /** The text as last saved (or as opened). */
  savedText: string;
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  /** From the JSON editor: the user typed. */
  setTextFromEditor(text: string): void;
  /** Replaces the document (a new or opened session): that text counts as saved. */
  reset(text: string): void;
  markSaved(text: string): void;
  /** Applies an edit if the result is a valid machine; otherwise returns its problems. */
  tryEdit(edit: Edit): Problem[];
  undo(): void;
  redo(): void;
}

export function useMachineDocument(): MachineDocument {
  const [text, setText] = useState('');
  const [savedText, setSavedText] = useState('');
  const history = useRef<{ entries: string[]; index: number }>({ entries: [''], index: 0 });
  const [, setHistoryVersion] = useState(0);
  const bump = () => setHistoryVersion((n) => n + 1);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const textRef = useRef(text);
  textRef.current = text;

  const [analysis, setAnalysis] = useState<Analysis>(() => analyse(''));
  const lastValid = useRef<Machine | null>(null);

  // Analysis of what is typed is debounced; of whole-document changes, immediate (and not again
  // when the debounce comes: a 2,000-device machine takes a few hundred ms to validate).
  const analysedText = useRef<string | null>(null);
  const analyseNow = useCallback((t: string) => {
    analysedText.current = t;
    const a = analyse(t);
    if (a.machine) lastValid.current = a.machine;
    setAnalysis(a);
    return a;
  }, []);
  const analyseTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (analyseTimer.current) clearTimeout(analyseTimer.current);
    if (analysedText.current === text) return;
    // The timer may fire after a whole-document change (a new session) was set but before React
    // rendered it and cleared this timer: analysing the old text then would overwrite the new
    // text's verdict with a stale one. Only the current text is analysed.
    analyseTimer.current = setTimeout(
      () => {
        if (textRef.current === text) analyseNow(text);
      },
      text.length > 1_000_000 ? 600 : 200,
    );
    return () => {
      if (analyseTimer.current) clearTimeout(analyseTimer.current);
    };
  }, [text, analyseNow]);

  const commit = useCallback((t: string) => {
    const h = history.current;
    if (h.entries[h.index] === t) return;
    h.entries = h.entries.slice(0, h.index + 1);
    h.entries.push(t);
    let chars = h.entries.reduce((n, e) => n + e.length, 0);
    while (
      h.entries.length > 1 &&
      (h.entries.length > HISTORY_MAX_ENTRIES || chars > HISTORY_MAX_CHARS)
    ) {
      chars -= h.entries.shift()!.length;
    }
    h.index = h.entries.length - 1;
    bump();
  }, []);

  const flushTyping = useCallback(() => {
    if (typingTimer.current) {
      clearTimeout(typingTimer.current);
      typingTimer.current = null;
      commit(textRef.current);
    }
  }, [commit]);

  const setTextFromEditor = useCallback(
    (t: string) => {
      if (t === textRef.current) return;
      setText(t);
      textRef.current = t;
      if (typingTimer.current) clearTimeout(typingTimer.current);
      typingTimer.current = setTimeout(() => {
        typingTimer.current = null;
        commit(textRef.current);
      }, TYPING_COMMIT_MS);
    },
    [commit],
  );

  const replace = useCallback(
    (t: string) => {
      textRef.current = t;
      setText(t);
      analyseNow(t);
    },
    [analyseNow],
  );

  const reset = useCallback(
    (t: string) => {
      if (typingTimer.current) clearTimeout(typingTimer.current);
      typingTimer.current = null;
      history.current = { entries: [t], index: 0 };
      lastValid.current = null;
      setSavedText(t);
      replace(t);
      bump();
    },
    [replace],
  );

  const tryEdit = useCallback(
    (edit: Edit): Problem[] => {
      flushTyping();
      const current = analyse(textRef.current);
      if (
        current.value === undefined ||
        current.value === null ||
        typeof current.value !== 'object'
      )
        return [{ path: '$', message: 'the JSON has errors: fix them in the JSON editor first' }];
      const draft = structuredClone(current.value) as Record<string, unknown>;
      try {
        edit(draft);
      } catch (err) {
        return [{ path: '$', message: (err as Error).message }];
      }
      const checked = parseMachine(draft);
      if (!checked.ok) return checked.errors;
      const t = stringifyMachine(draft);
      commit(textRef.current);
      replace(t);
      commit(t);
      return [];
    },
    [commit, flushTyping, replace],
  );

  const undo = useCallback(() => {
    flushTyping();
    const h = history.current;
    if (h.index === 0) return;
    h.index--;
    replace(h.entries[h.index]!);
    bump();
  }, [flushTyping, replace]);

  const redo = useCallback(() => {
    flushTyping();
    const h = history.current;
    if (h.index >= h.entries.length - 1) return;
    h.index++;
    replace(h.entries[h.index]!);
    bump();
  }, [flushTyping, replace]);

  const markSaved = useCallback((t: string) => setSavedText(t), []);

  const h = history.current;
  const shown = analysis.machine ?? lastValid.current;
  return useMemo(
    () => ({
      text,
      analysis,
      shown,
      shownIsCurrent: analysis.machine !== null,
      savedText,
      dirty: savedText !== text,
      canUndo: h.index > 0 || typingTimer.current !== null,
      canRedo: h.index < h.entries.length - 1,
      setTextFromEditor,
      reset,
      markSaved,
      tryEdit,
      undo,
      redo,
    }),
    [text, analysis, shown, savedText, h.index, h.entries.length, setTextFromEditor, reset],
  );
}
