// The desktop conventions' decisions, as plain functions (no Electron here, so Node tests run
// them): which file a command line asks to open, whether saved window bounds still fit a
// screen, and what the About panel says. main.ts makes the Electron calls.
import path from 'node:path';
import { z } from 'zod';

export const SESSION_EXTENSION = '.irqlab';

/**
 * The session file a command line asks to open (`irqlab some.irqlab`, a double-click, or a second
 * instance's argv), made absolute against the folder it was started in; null when none. Switches
 * (Chromium adds its own to a second instance's argv) and anything not named *.irqlab are
 * skipped, which also skips the executable and, unpackaged, the app's own path. The last one wins.
 */
export function fileToOpen(argv: readonly string[], cwd: string): string | null {
  let found: string | null = null;
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    if (!arg.toLowerCase().endsWith(SESSION_EXTENSION)) continue;
    found = path.resolve(cwd, arg);
  }
  return found;
}

/**
 * Windows: the Squirrel installer starts the app with `--squirrel-install` (and -updated,
 * -uninstall, -obsolete) and expects it to make or remove its shortcuts through Update.exe and
 * quit; `--squirrel-firstrun` is a normal start. Returns Update.exe's arguments, [] for "just
 * quit", or null for a normal start.
 */
export function squirrelCommand(argv: readonly string[], exeName: string): string[] | null {
  switch (argv[1]) {
    case '--squirrel-install':
    case '--squirrel-updated':
      return [`--createShortcut=${exeName}`];
    case '--squirrel-uninstall':
      return [`--removeShortcut=${exeName}`];
    case '--squirrel-obsolete':
      return [];
    default:
      return null;
  }
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 };
export const MIN_SIZE = { width: 640, height: 400 };
/** How much of the window must lie on one screen for its saved place to be used. */
const MIN_VISIBLE = { width: 200, height: 100 };

const WindowStateSchema = z.object({
  bounds: z.object({
    x: z.number().int().min(-100_000).max(100_000),
    y: z.number().int().min(-100_000).max(100_000),
    width: z.number().int().min(MIN_SIZE.width).max(100_000),
    height: z.number().int().min(MIN_SIZE.height).max(100_000),
  }),
  maximized: z.boolean(),
});

/**
 * The saved window state (window-state.json in userData, any JSON: the file may be old, edited or
 * damaged) if it is well formed and enough of the window would be on one of the screens' work
 * areas now (a monitor may have gone); null means "open at the default size, centred". A window
 * bigger than that screen is shrunk to it.
 */
export function restoredWindowState(
  saved: unknown,
  workAreas: readonly Rect[],
): WindowState | null {
  const parsed = WindowStateSchema.safeParse(saved);
  if (!parsed.success) return null;
  const { bounds, maximized } = parsed.data;
  for (const area of workAreas) {
    const overlapW =
      Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const overlapH =
      Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    if (overlapW >= MIN_VISIBLE.width && overlapH >= MIN_VISIBLE.height) {
      return {
        bounds: {
          x: bounds.x,
          y: bounds.y,
          width: Math.min(bounds.width, area.width),
          height: Math.min(bounds.height, area.height),
        },
        maximized,
      };
    }
  }
  return null;
}

export interface Versions {
  irqlab: string;
  electron: string;
  chromium: string;
  node: string;
  sqlite: string;
}

/** One line per component, as the About panel and bug reports show them. */
export function aboutText(v: Versions): string {
  return [
    `irqlab ${v.irqlab}`,
    `Electron ${v.electron}`,
    `Chromium ${v.chromium}`,
    `Node ${v.node}`,
    `SQLite ${v.sqlite}`,
  ].join('\n');
}

/**
 * app.setAboutPanelOptions()'s argument. Each platform shows some of the fields: macOS the
 * version and credits, Windows the credits, Linux (GTK) only the version line, so there it
 * carries every component.
 */
export function aboutPanelOptions(
  v: Versions,
  platform: NodeJS.Platform,
): {
  applicationName: string;
  applicationVersion: string;
  version?: string;
  credits?: string;
  copyright: string;
} {
  const components = aboutText(v).split('\n').slice(1).join(', ');
  const common = { applicationName: 'irqlab', copyright: 'MIT License' };
  if (platform === 'linux') return { ...common, applicationVersion: `${v.irqlab} (${components})` };
  return {
    ...common,
    applicationVersion: v.irqlab,
    // macOS shows it in brackets after the version.
    ...(platform === 'darwin' ? { version: `Electron ${v.electron}` } : {}),
    credits: aboutText(v),
  };
}
