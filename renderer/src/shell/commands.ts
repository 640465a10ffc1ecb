// Every command of the app, once: the in-app menu bar, the command palette, the keyboard
// shortcuts and (in the desktop app) the native menu all run these by id.

export type CommandId =
  | 'file.new'
  | 'file.open'
  | 'file.save'
  | 'file.saveAs'
  | 'file.export'
  | 'file.close'
  | 'edit.undo'
  | 'edit.redo'
  | 'edit.addDevice'
  | 'edit.duplicate'
  | 'edit.delete'
  | 'view.find'
  | 'view.fit'
  | 'view.toggleJson'
  | 'view.formatJson'
  | 'view.toggleResults'
  | 'view.palette'
  | 'view.machine'
  | 'view.debugger'
  | 'view.trace'
  | 'view.analysis'
  | 'view.compare'
  | 'run.boot'
  | 'run.cancel'
  | 'run.injections'
  | 'run.editProfile'
  | 'debug.continue'
  | 'debug.over'
  | 'debug.into'
  | 'debug.out'
  | 'debug.step'
  | 'debug.back'
  | 'debug.runToCursor'
  | 'debug.toggleBreakpoint'
  | 'debug.restart'
  | 'help.shortcuts'
  | 'help.guide'
  | 'help.about';

export interface Command {
  id: CommandId;
  label: string;
  /** As shown: "Ctrl+S". Matched by `matches`. */
  shortcut?: string;
  menu: 'File' | 'Edit' | 'View' | 'Run' | 'Debug' | 'Help';
}

export const COMMANDS: Command[] = [
  { id: 'file.new', label: 'New session…', shortcut: 'Ctrl+N', menu: 'File' },
  { id: 'file.open', label: 'Open…', shortcut: 'Ctrl+O', menu: 'File' },
  { id: 'file.save', label: 'Save', shortcut: 'Ctrl+S', menu: 'File' },
  { id: 'file.saveAs', label: 'Save as…', shortcut: 'Ctrl+Shift+S', menu: 'File' },
  { id: 'file.export', label: 'Export report…', shortcut: 'Ctrl+E', menu: 'File' },
  { id: 'file.close', label: 'Close session', shortcut: 'Ctrl+Shift+W', menu: 'File' },
  { id: 'edit.undo', label: 'Undo', shortcut: 'Ctrl+Z', menu: 'Edit' },
  { id: 'edit.redo', label: 'Redo', shortcut: 'Ctrl+Shift+Z', menu: 'Edit' },
  { id: 'edit.addDevice', label: 'Add device', shortcut: 'Ctrl+Shift+A', menu: 'Edit' },
  { id: 'edit.duplicate', label: 'Duplicate device', shortcut: 'Ctrl+D', menu: 'Edit' },
  { id: 'edit.delete', label: 'Remove device', shortcut: 'Delete', menu: 'Edit' },
  { id: 'view.find', label: 'Find a device…', shortcut: 'Ctrl+K', menu: 'View' },
  { id: 'view.fit', label: 'Fit the graph', shortcut: 'Ctrl+0', menu: 'View' },
  { id: 'view.toggleJson', label: 'Show/hide the JSON', shortcut: 'Ctrl+J', menu: 'View' },
  { id: 'view.formatJson', label: 'Format the JSON', shortcut: 'Ctrl+Shift+F', menu: 'View' },
  { id: 'view.toggleResults', label: 'Show/hide the results', shortcut: 'Ctrl+R', menu: 'View' },
  { id: 'view.palette', label: 'Command palette…', shortcut: 'Ctrl+Shift+P', menu: 'View' },
  { id: 'view.machine', label: 'Machine (graph, JSON, results)', menu: 'View' },
  { id: 'view.debugger', label: 'Allocation debugger', menu: 'View' },
  { id: 'view.trace', label: 'Trace explorer', menu: 'View' },
  { id: 'view.analysis', label: 'Analysis views', menu: 'View' },
  { id: 'view.compare', label: 'Compare two runs', menu: 'View' },
  { id: 'run.boot', label: 'Run the boot', shortcut: 'Ctrl+Enter', menu: 'Run' },
  { id: 'run.cancel', label: 'Cancel the run', shortcut: 'Ctrl+.', menu: 'Run' },
  { id: 'run.injections', label: 'Fault injections…', menu: 'Run' },
  { id: 'run.editProfile', label: 'Edit a kernel profile…', menu: 'Run' },
  { id: 'debug.continue', label: 'Continue (to a breakpoint)', shortcut: 'F5', menu: 'Debug' },
  { id: 'debug.over', label: 'Step over', shortcut: 'F10', menu: 'Debug' },
  { id: 'debug.into', label: 'Step into', shortcut: 'F11', menu: 'Debug' },
  { id: 'debug.out', label: 'Step out', shortcut: 'Shift+F11', menu: 'Debug' },
  { id: 'debug.step', label: 'Next event', shortcut: 'F7', menu: 'Debug' },
  { id: 'debug.back', label: 'Step back', shortcut: 'Shift+F7', menu: 'Debug' },
  { id: 'debug.runToCursor', label: 'Run to the cursor line', shortcut: 'Ctrl+F10', menu: 'Debug' },
  {
    id: 'debug.toggleBreakpoint',
    label: 'Toggle breakpoint on the cursor line',
    shortcut: 'F9',
    menu: 'Debug',
  },
  { id: 'debug.restart', label: 'Restart at step 0', shortcut: 'Ctrl+Shift+F5', menu: 'Debug' },
  { id: 'help.guide', label: 'User guide', menu: 'Help' },
  { id: 'help.shortcuts', label: 'Keyboard shortcuts', shortcut: 'F1', menu: 'Help' },
  { id: 'help.about', label: 'About irqlab', menu: 'Help' },
];

/** Function keys (F1-F12, with Shift): never typed text, so they work from any field too. */
export function isFunctionKey(shortcut: string): boolean {
  return /^(Ctrl\+)?(Shift\+)?F\d{1,2}$/.test(shortcut);
}

/** Does a key event match a shortcut like "Ctrl+Shift+S" (Ctrl is Cmd on macOS)? */
export function matches(shortcut: string, e: KeyboardEvent): boolean {
  const parts = shortcut.split('+');
  const key = parts.pop()!;
  const want = new Set(parts);
  const ctrl = e.ctrlKey || e.metaKey;
  if (want.has('Ctrl') !== ctrl || want.has('Shift') !== e.shiftKey || e.altKey) return false;
  const pressed = e.key.length === 1 ? e.key.toUpperCase() : e.key;
  return pressed === key.toUpperCase() || (key === 'Enter' && e.key === 'Enter');
}
