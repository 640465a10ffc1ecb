// The in-app menu bar (browser mode has no native menu; the desktop app has both) and the
// command palette.
import { useEffect, useMemo, useRef, useState } from 'react';
import { COMMANDS, type Command, type CommandId } from './commands';
import { Modal } from '../ui/Modal';

interface Props {
  enabled(id: CommandId): boolean;
  run(id: CommandId): void;
}

const MENUS = ['File', 'Edit', 'View', 'Run', 'Debug', 'Help'] as const;

export function MenuBar({ enabled, run }: Props) {
  const [open, setOpen] = useState<string | null>(null);
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!bar.current?.contains(e.target as Node)) setOpen(null);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(null);
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div className="menubar" role="menubar" ref={bar}>
      {MENUS.map((menu) => (
        <div className="menu" key={menu}>
          <button
            role="menuitem"
            aria-haspopup="menu"
            aria-expanded={open === menu}
            className={open === menu ? 'open' : ''}
            onClick={() => setOpen(open === menu ? null : menu)}
            onMouseEnter={() => open && setOpen(menu)}
          >
            {menu}
          </button>
          {open === menu && (
            <div className="menu-items" role="menu" aria-label={menu}>
              {COMMANDS.filter((c) => c.menu === menu).map((c) => (
                <button
                  key={c.id}
                  role="menuitem"
                  disabled={!enabled(c.id)}
                  onClick={() => {
                    setOpen(null);
                    run(c.id);
                  }}
                >
                  <span>{c.label}</span>
                  {c.shortcut && <kbd>{c.shortcut}</kbd>}
                </button>
              ))}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}

export function CommandPalette({ enabled, run, onClose }: Props & { onClose(): void }) {
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const list = useMemo(
    () =>
      COMMANDS.filter(
        (c) =>
          c.id !== 'view.palette' &&
          `${c.menu} ${c.label}`.toLowerCase().includes(query.toLowerCase()),
      ),
    [query],
  );
  const choose = (c: Command | undefined) => {
    if (!c || !enabled(c.id)) return;
    onClose();
    run(c.id);
  };
  return (
    <Modal title="Command palette" onClose={onClose} testId="command-palette">
      <input
        className="palette-input"
        placeholder="Type a command"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setIndex(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setIndex((i) => Math.min(list.length - 1, i + 1));
          if (e.key === 'ArrowUp') setIndex((i) => Math.max(0, i - 1));
          if (e.key === 'Enter') choose(list[index]);
        }}
        aria-label="Command"
      />
      <ul className="palette-list" role="listbox">
        {list.map((c, i) => (
          <li
            key={c.id}
            role="option"
            aria-selected={i === index}
            aria-disabled={!enabled(c.id)}
            className={`${i === index ? 'active' : ''}${enabled(c.id) ? '' : ' disabled'}`}
            onMouseDown={() => choose(c)}
          >
            <span className="palette-menu">{c.menu}</span> {c.label}
            {c.shortcut && <kbd>{c.shortcut}</kbd>}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcuts">
      <table className="grid">
        <tbody>
          {COMMANDS.filter((c) => c.shortcut).map((c) => (
            <tr key={c.id}>
              <td>
                {c.menu} › {c.label}
              </td>
              <td>
                <kbd>{c.shortcut}</kbd>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
