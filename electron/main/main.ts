// The Electron main process: one window, locked down, talking to the service layer over a single
// validated IPC channel.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { IPC_INVOKE } from '../api/channels';
import { dispatch } from '../api/dispatch';
import { createHandlers } from '../api/service';
import { CONTENT_SECURITY_POLICY } from '../node/csp';
import { SimulationRunner } from '../node/simulation-runner';

// Set by Electron Forge's Vite plugin at build time.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

// Simulations run in a worker thread (built beside main.cjs), never on the main process's loop.
const simulations = new SimulationRunner(path.join(__dirname, 'simulation-worker.cjs'));
const handlers = createHandlers({
  mode: 'electron',
  version: app.getVersion(),
  platform: process.platform,
  simulate: (request) => simulations.run(request),
});

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
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
  win.once('ready-to-show', () => win.show());

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

void app.whenReady().then(() => {
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

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('before-quit', () => simulations.cancel());

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
