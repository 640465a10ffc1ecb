// The Electron main process: one window, locked down, talking to the service layer over a single
// validated IPC channel. One instance: a session file opened from the OS (double-click, `irqlab
// file.irqlab`, a second start) opens in the running app.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  screen,
  session,
  shell,
  type MenuItemConstructorOptions,
} from 'electron';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeBindingError, openDatabase } from '../../core/store/native-binding';
import { IPC_INVOKE } from '../api/channels';
import { dispatch } from '../api/dispatch';
import { createService } from '../api/service';
import { CONTENT_SECURITY_POLICY } from '../node/csp';
import { QueryRunner } from '../node/query-runner';
import { SimulationRunner } from '../node/simulation-runner';
import {
  aboutPanelOptions,
  DEFAULT_SIZE,
  fileToOpen,
  MIN_SIZE,
  restoredWindowState,
  squirrelCommand,
  type WindowState,
} from './desktop';

// Set by Electron Forge's Vite plugin at build time.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

// Worker threads load better-sqlite3's Electron build too (core/store/native-binding.ts).
process.env.IRQLAB_RUNTIME = 'electron';

// Simulations run in a worker thread (built beside main.cjs), never on the main process's loop.
const simulations = new SimulationRunner(path.join(__dirname, 'simulation-worker.cjs'));
const queries = new QueryRunner(path.join(__dirname, 'simulation-worker.cjs'));
const SESSION_FILTERS = [{ name: 'irqlab sessions', extensions: ['irqlab'] }];
let mainWindow: BrowserWindow | null = null;

// Windows installer events: make or remove the shortcuts, then quit (no window, no lock).
const squirrel =
  process.platform === 'win32'
    ? squirrelCommand(process.argv, path.basename(process.execPath))
    : null;
if (squirrel !== null) {
  if (squirrel.length === 0) app.quit();
  else
    spawn(path.resolve(path.dirname(process.execPath), '..', 'Update.exe'), squirrel, {
      detached: true,
    })
      .on('error', () => app.quit())
      .on('close', () => app.quit());
}

// The first instance holds the lock; a later one hands its command line over ('second-instance')
// and quits before making anything.
const primary = squirrel === null && app.requestSingleInstanceLock();
if (!primary && squirrel === null) app.quit();

/**
 * A file the OS asked us to open: the next open-dialog request takes it instead of asking (the
 * page runs its own File > Open, unsaved-changes question included). Picking File > Open from
 * the menu forgets it.
 */
let pendingOpen: string | null = primary ? fileToOpen(process.argv, process.cwd()) : null;
let pageLoaded = false;

function openFromOs(file: string): void {
  pendingOpen = file;
  const win = mainWindow;
  if (!win) return; // the window's first load sends it
  if (win.isMinimized()) win.restore();
  win.focus();
  if (pageLoaded) win.webContents.send('irqlab:menu', 'file.open');
}

app.on('second-instance', (_event, argv, workingDirectory) => {
  const file = fileToOpen(argv, workingDirectory);
  if (file) openFromOs(file);
  else if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});
// macOS hands files (Finder, the Dock) over by event, from before 'ready' on.
app.on('open-file', (event, file) => {
  event.preventDefault();
  openFromOs(file);
});

// Files are opened and saved only where the user chose in a native dialog: the page asks for a
// dialog, never hands over a path.
const service = createService({
  mode: 'electron',
  version: app.getVersion(),
  platform: process.platform,
  execute: simulations.execute,
  query: (file, sql, limit) => queries.query(file, sql, limit),
  // The debugger's stepping worker, bundled beside main.cjs (vite.step-worker.config.ts).
  stepWorker: path.join(__dirname, 'step-worker.cjs'),
  sessions: {
    sessionsDir: path.join(app.getPath('documents'), 'irqlab'),
    scratchDir: path.join(os.tmpdir(), `irqlab-scratch-${process.pid}`),
    // The recent list: the user's config folder (configDirOf), one per sessions folder.
    chooseOpenPath: async () => {
      if (pendingOpen !== null) {
        const file = pendingOpen;
        pendingOpen = null;
        return file;
      }
      const options = {
        title: 'Open an irqlab session',
        filters: SESSION_FILTERS,
        properties: ['openFile' as const],
      };
      const r = mainWindow
        ? await dialog.showOpenDialog(mainWindow, options)
        : await dialog.showOpenDialog(options);
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
    },
    chooseSavePath: async (suggestedName) => {
      const options = {
        title: 'Save the session as',
        defaultPath: path.join(app.getPath('documents'), suggestedName),
        filters: SESSION_FILTERS,
      };
      const r = mainWindow
        ? await dialog.showSaveDialog(mainWindow, options)
        : await dialog.showSaveDialog(options);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    opened: (file) => app.addRecentDocument(file),
  },
  chooseExportPath: async (suggestedName) => {
    const options = {
      title: 'Export the report',
      defaultPath: path.join(app.getPath('documents'), suggestedName),
    };
    const r = mainWindow
      ? await dialog.showSaveDialog(mainWindow, options)
      : await dialog.showSaveDialog(options);
    return r.canceled || !r.filePath ? null : r.filePath;
  },
});
const handlers = service.handlers;

/** The native menu: each item sends the renderer's command id (renderer/src/shell/commands.ts). */
function buildMenu(): Menu {
  const send = (commandId: string) => () => {
    if (commandId === 'file.open') pendingOpen = null; // the user asked for the dialog
    mainWindow?.webContents.send('irqlab:menu', commandId);
  };
  const item = (label: string, commandId: string, accelerator?: string) => ({
    label,
    accelerator,
    click: send(commandId),
  });
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        item('New Session…', 'file.new', 'CmdOrCtrl+N'),
        item('Open…', 'file.open', 'CmdOrCtrl+O'),
        { type: 'separator' },
        item('Save', 'file.save', 'CmdOrCtrl+S'),
        item('Save As…', 'file.saveAs', 'CmdOrCtrl+Shift+S'),
        item('Export Report…', 'file.export', 'CmdOrCtrl+E'),
        { type: 'separator' },
        item('Close Session', 'file.close', 'CmdOrCtrl+Shift+W'),
        { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('Undo', 'edit.undo', 'CmdOrCtrl+Z'),
        item('Redo', 'edit.redo', 'CmdOrCtrl+Shift+Z'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        item('Add Device', 'edit.addDevice', 'CmdOrCtrl+Shift+A'),
        item('Duplicate Device', 'edit.duplicate', 'CmdOrCtrl+D'),
        item('Remove Device', 'edit.delete'),
      ],
    },
    {
      label: 'View',
      submenu: [
        item('Find a Device…', 'view.find', 'CmdOrCtrl+K'),
        item('Fit the Graph', 'view.fit', 'CmdOrCtrl+0'),
        item('Show/Hide JSON', 'view.toggleJson', 'CmdOrCtrl+J'),
        item('Format the JSON', 'view.formatJson', 'CmdOrCtrl+Shift+F'),
        item('Show/Hide Results', 'view.toggleResults', 'CmdOrCtrl+R'),
        item('Command Palette…', 'view.palette', 'CmdOrCtrl+Shift+P'),
        { type: 'separator' },
        item('Machine', 'view.machine'),
        item('Allocation Debugger', 'view.debugger'),
        item('Trace Explorer', 'view.trace'),
        item('Analysis Views', 'view.analysis'),
        item('Compare Two Runs', 'view.compare'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    {
      label: 'Run',
      submenu: [
        item('Run the Boot', 'run.boot', 'CmdOrCtrl+Enter'),
        item('Cancel the Run', 'run.cancel', 'CmdOrCtrl+.'),
        { type: 'separator' },
        item('Fault Injections…', 'run.injections'),
        item('Edit a Kernel Profile…', 'run.editProfile'),
      ],
    },
    {
      label: 'Debug',
      submenu: [
        item('Continue', 'debug.continue', 'F5'),
        item('Step Over', 'debug.over', 'F10'),
        item('Step Into', 'debug.into', 'F11'),
        item('Step Out', 'debug.out', 'Shift+F11'),
        item('Next Event', 'debug.step', 'F7'),
        item('Step Back', 'debug.back', 'Shift+F7'),
        item('Run to the Cursor Line', 'debug.runToCursor', 'CmdOrCtrl+F10'),
        item('Toggle Breakpoint', 'debug.toggleBreakpoint', 'F9'),
        { type: 'separator' },
        item('Restart at Step 0', 'debug.restart', 'CmdOrCtrl+Shift+F5'),
      ],
    },
    {
      label: 'Help',
      submenu: [
        item('User Guide', 'help.guide'),
        item('Keyboard Shortcuts', 'help.shortcuts', 'F1'),
        { type: 'separator' },
        item('About irqlab (Version, Kernel Profiles, Licence)', 'help.about'),
        { role: 'about' },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

/** Window size and place, kept between starts (userData/window-state.json). */
function windowStateFile(): string {
  return path.join(app.getPath('userData'), 'window-state.json');
}

function savedWindowState(): WindowState | null {
  try {
    const saved: unknown = JSON.parse(readFileSync(windowStateFile(), 'utf8'));
    return restoredWindowState(
      saved,
      screen.getAllDisplays().map((d) => d.workArea),
    );
  } catch {
    return null; // none yet, or unreadable: the default size, centred
  }
}

function saveWindowState(win: BrowserWindow): void {
  const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized() };
  try {
    mkdirSync(path.dirname(windowStateFile()), { recursive: true });
    writeFileSync(windowStateFile(), JSON.stringify(state));
  } catch {
    // a read-only profile folder costs the window's place, nothing else
  }
}

function createWindow(): BrowserWindow {
  const saved = savedWindowState();
  pageLoaded = false;
  const win = new BrowserWindow({
    ...(saved ? saved.bounds : DEFAULT_SIZE),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'irqlab',
    show: false,
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => {
    if (saved?.maximized) win.maximize();
    win.show();
  });
  win.on('close', () => saveWindowState(win));
  // The page has its listener (preload keeps what comes before the page listens): a file the OS
  // asked to open before the window existed goes now.
  win.webContents.on('did-finish-load', () => {
    pageLoaded = true;
    if (pendingOpen !== null) win.webContents.send('irqlab:menu', 'file.open');
  });
  mainWindow = win;
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });

  // The page refuses to unload with unsaved changes (beforeunload): ask, as a desktop app does.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Close without saving', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'This session has unsaved changes.',
      detail: 'Close the window and lose them? (Cancel, then File > Save, keeps them.)',
    });
    if (choice === 0) event.preventDefault(); // = let it unload
  });

  // No navigation away from the app and no new windows; external links open in the OS browser.
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });

  if (typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' && MAIN_WINDOW_VITE_DEV_SERVER_URL) {
    void win.loadURL(MAIN_WINDOW_VITE_DEV_SERVER_URL);
  } else {
    void win.loadFile(path.join(__dirname, `../renderer/${MAIN_WINDOW_VITE_NAME}/index.html`));
  }
  return win;
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

/**
 * The startup check: this runtime's better-sqlite3 build opens a database (its SQLite version
 * goes in the About panel). Without it the app cannot open a session: say which build is missing
 * and how to make it, and quit.
 */
function sqliteVersion(): string | null {
  try {
    const db = openDatabase(':memory:');
    try {
      return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    } finally {
      db.close();
    }
  } catch (err) {
    if (!(err instanceof NativeBindingError)) throw err;
    dialog.showErrorBox('irqlab cannot open sessions', err.message);
    return null;
  }
}

void app.whenReady().then(() => {
  if (!primary) return;
  const sqlite = sqliteVersion();
  if (sqlite === null) {
    app.exit(1);
    return;
  }
  app.setAboutPanelOptions(
    aboutPanelOptions(
      {
        irqlab: app.getVersion(),
        electron: process.versions.electron,
        chromium: process.versions.chrome,
        node: process.versions.node,
        sqlite,
      },
      process.platform,
    ),
  );
  // The CSP also travels in index.html's meta tag; the header covers the dev server.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
  // No remote content: refuse every permission request (camera, notifications, ...).
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
    callback(false),
  );

  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, request: unknown) => {
    // Only our own window's top frame may call the API.
    const url = event.senderFrame?.url ?? '';
    if (!url.startsWith('file://') && !url.startsWith('http://localhost:')) {
      return { ok: false, error: { code: 'failed', message: 'API call from an unknown origin' } };
    }
    return dispatch(handlers, channel, request);
  });

  Menu.setApplicationMenu(buildMenu());
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('before-quit', () => {
  simulations.cancel();
  queries.close();
  service.close();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
