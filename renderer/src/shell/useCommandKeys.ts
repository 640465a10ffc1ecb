// Keyboard shortcuts and the desktop app's native menu: both run commands of the table by id.
import { useEffect, useRef } from 'react';
import { noteCommandKey } from '../debugger/useDebugger';
import { COMMANDS, isFunctionKey, matches, type CommandId } from './commands';

function isEditable(target: EventTarget | null): 'monaco' | 'field' | null {
  const el = target as HTMLElement | null;
  if (!el || !el.closest) return null;
  if (el.closest('.monaco-editor')) return 'monaco';
  if (el.closest('input, textarea, select, [contenteditable="true"]')) return 'field';
  return null;
}

/**
 * Routes keys and native menu items to `run` (the latest one given: it changes every render).
 * `ready`: the app's mode is known; native menu commands wait for it (a file the OS opened at
 * start-up is sent as one).
 */
export function useCommandKeys(run: (id: CommandId) => void, ready: boolean): void {
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('.modal-backdrop')) return;
      const where = isEditable(e.target);
      for (const c of COMMANDS) {
        if (!c.shortcut || !matches(c.shortcut, e)) continue;
        // Typing keys stay with the field being typed in; undo in a plain field is the field's.
        // Function keys are never typing (F10 steps from the source view too).
        if (where && !c.shortcut.includes('Ctrl') && !isFunctionKey(c.shortcut)) return;
        if (where === 'field' && (c.id === 'edit.undo' || c.id === 'edit.redo')) return;
        // An editor that runs its own text on a key (the SQL box: Ctrl+Enter) keeps it.
        const own = (e.target as HTMLElement | null)?.closest?.('[data-own-keys]');
        if (own?.getAttribute('data-own-keys')?.split(' ').includes(c.shortcut)) return;
        e.preventDefault();
        e.stopPropagation();
        if (c.id.startsWith('debug.')) noteCommandKey(e.timeStamp);
        runRef.current(c.id);
        return;
      }
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'y' && where !== 'field') {
        e.preventDefault();
        runRef.current('edit.redo');
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  // The desktop app's native menu sends the same commands.
  useEffect(
    () =>
      ready ? window.irqlab?.onMenuCommand?.((id) => runRef.current(id as CommandId)) : undefined,
    [ready],
  );
}
