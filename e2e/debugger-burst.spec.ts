// Keys pressed faster than the engine answers. A host of its own is started with every debugger
// answer held IRQLAB_DEBUG_DELAY_MS (as a busy machine would), and bursts of F5, F10, F11,
// Shift+F11 and Shift+F7 are pressed without waiting. Each key must be one command, taken in
// order at the stop the previous one reached: the window ends where the same commands, sent one
// by one through the API (a WebSocket of the test's own, on another session of the same
// machine), end — step, event, stack and reason. And every stop the window showed on the way was
// one the engine had reached, its step, stack and reason from the same answer.
import { expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { StepStateView } from '../electron/api/channels';
import { API_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../electron/api/wire';
import { e2eToken, test } from './helpers';

/** How long the host holds each debugger answer: several keys fit in one. */
const DELAY_MS = 300;
const BREAKPOINT = 'msi_domain_alloc';

let host: ChildProcess | null = null;
let origin = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-burst-'));
  host = spawn(
    path.resolve('node_modules/.bin/tsx'),
    ['electron/node/browser-host.ts', '--port', '0', '--sessions-dir', path.join(dir, 'sessions')],
    {
      // The run's token: the pages of helpers' `test` present it, and so does apiClient().
      env: { ...process.env, IRQLAB_DEBUG_DELAY_MS: String(DELAY_MS), IRQLAB_TOKEN: e2eToken() },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    host!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running at (http:\/\/[^\s/]+)\//.exec(out);
      if (m && out.includes('IRQLAB_DEBUG_DELAY_MS')) resolve(m[1]!);
    });
    host!.once('exit', (code) => reject(new Error(`the host exited (${code}): ${out}`)));
  });
});

test.afterAll(() => {
  host?.kill('SIGTERM');
});

/** The API over a WebSocket of the test's own (same origin, as the page's). */
async function apiClient() {
  const ws = new WebSocket(
    `${origin.replace('http', 'ws')}/api`,
    [API_PROTOCOL, TOKEN_PROTOCOL_PREFIX + e2eToken()],
    { headers: { Origin: origin } },
  );
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let next = 1;
  const waiting = new Map<number, (r: { ok: boolean; value?: unknown; error?: unknown }) => void>();
  ws.on('message', (data) => {
    const reply = JSON.parse(data.toString()) as { id: number; result: never };
    waiting.get(reply.id)?.(reply.result);
    waiting.delete(reply.id);
  });
  const call = async <T>(channel: string, request: unknown): Promise<T> => {
    const id = next++;
    const result = await new Promise<{ ok: boolean; value?: unknown; error?: unknown }>((r) => {
      waiting.set(id, r);
      ws.send(JSON.stringify({ id, channel, request }));
    });
    if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
    return result.value as T;
  };
  return { call, close: () => ws.close() };
}

type Key = 'F5' | 'F7' | 'F10' | 'F11' | 'Shift+F11' | 'Shift+F7';
const COMMAND: Record<Key, { op: string; n?: number }> = {
  F5: { op: 'continue' },
  F7: { op: 'step' },
  F10: { op: 'over' },
  F11: { op: 'into' },
  'Shift+F11': { op: 'out' },
  'Shift+F7': { op: 'back', n: 1 },
};

const BURSTS: Key[][] = [
  ['F5', 'F5'],
  ['F11', 'F11', 'F11'],
  ['Shift+F11', 'Shift+F11'],
  ['F10', 'F10', 'F10', 'F10', 'F10'],
  ['Shift+F7', 'Shift+F7', 'Shift+F7'],
  ['F10', 'F11', 'Shift+F11', 'F5', 'Shift+F7', 'F10', 'F7'],
  ['F5', 'F5', 'F5'],
  ['F11', 'F11', 'Shift+F7', 'Shift+F7', 'F10', 'F10', 'Shift+F11', 'F11', 'F10', 'F10'],
];

/** What the window shows of a stop. */
interface Shown {
  seq: number;
  stack: string[];
  line: string;
  pending: string | null;
}

/** A stop as one DOM update painted it (recorded in the page). */
type Painted = Omit<Shown, 'pending'> & { pending: number };

async function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => {
    const text = (id: string) =>
      (document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null)?.innerText ?? '';
    const strong = document.querySelector('[data-testid="dbg-position"] strong') as HTMLElement;
    return {
      seq: Number(strong.innerText.replace(/,/g, '')),
      stack: [...document.querySelectorAll('[data-testid="call-stack"] .frame-fn')].map(
        (e) => (e as HTMLElement).innerText,
      ),
      line: text('dbg-reason').trim(),
      pending:
        document.querySelector('[data-testid="dbg-reason"]')?.getAttribute('data-pending') ?? null,
    };
  });
}

/** What the window should show of a state: innermost frame first. */
const expected = (s: StepStateView) => ({
  seq: s.seq,
  stack: s.stack.map((f) => f.fn).reverse(),
});

/**
 * The same machine, breakpoints and commands, one by one through the API, on a session of its
 * own: the states after 0, 1, ... n commands of each burst.
 */
async function oneByOne(
  bursts: Key[][] = BURSTS,
  breakpoints = [{ kind: 'function', spec: BREAKPOINT, enabled: true }],
): Promise<StepStateView[][]> {
  const api = await apiClient();
  const reference: StepStateView[][] = [];
  try {
    const { text } = await api.call<{ text: string }>('machine.fromPreset', {
      name: 'dmar-server',
    });
    const session = await api.call<{ sessionId: string }>('session.new', {
      machineName: 'dmar-server',
      machineText: text,
    });
    const { jobId } = await api.call<{ jobId: string }>('run.start', {
      sessionId: session.sessionId,
      machineText: text,
      injections: [],
    });
    await expect
      .poll(async () => (await api.call<{ state: string }>('job.status', { jobId })).state, {
        timeout: 60_000,
      })
      .not.toBe('running');
    await api.call('breakpoints.set', { sessionId: session.sessionId, breakpoints });
    const started = await api.call<{ debugId: string; state: StepStateView }>('debug.start', {
      sessionId: session.sessionId,
      runId: 1,
    });
    let at = started.state;
    for (const burst of bursts) {
      // States after 0, 1, ... n commands of the burst.
      const states = [at];
      for (const key of burst) {
        at = await api.call<StepStateView>('debug.command', {
          debugId: started.debugId,
          command: COMMAND[key],
        });
        states.push(at);
      }
      reference.push(states);
    }
  } finally {
    api.close();
  }
  return reference;
}

/** The page on a new dmar-server session of this host, its boot run, the debugger at step 0. */
async function debuggerAtStart(page: Page): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('button', { name: /^dmar-server/ }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await page.getByRole('button', { name: '▶ Run boot' }).click();
  await expect(page.getByTestId('proc-interrupts')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('mode-debugger').click();
  await expect(page.getByTestId('state-panel')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('dbg-position')).toContainText('step 0 of');
}

test('debugger: bursts of keys faster than the engine answers land where the same commands one by one land', async ({
  page,
}) => {
  test.setTimeout(240_000);
  // Computed while the page boots its run (the host serves both).
  const referenceRun = oneByOne();
  referenceRun.catch(() => {});
  await debuggerAtStart(page);
  const panel = page.getByTestId('breakpoints');
  await panel.getByLabel('Breakpoint', { exact: true }).fill(BREAKPOINT);
  await panel.getByRole('button', { name: 'Add' }).click();
  await expect(panel.locator('li')).toHaveCount(1);
  const reference = await referenceRun;

  // Every stop the window shows, as it is painted (one record per DOM update).
  await page.evaluate(() => {
    const w = window as unknown as { __shown: unknown[] };
    w.__shown = [];
    const read = () => {
      const strong = document.querySelector('[data-testid="dbg-position"] strong') as HTMLElement;
      const reason = document.querySelector('[data-testid="dbg-reason"]') as HTMLElement;
      w.__shown.push({
        seq: Number(strong.innerText.replace(/,/g, '')),
        stack: [...document.querySelectorAll('[data-testid="call-stack"] .frame-fn')].map(
          (e) => (e as HTMLElement).innerText,
        ),
        line: reason.innerText.trim(),
        pending: Number(reason.getAttribute('data-pending') ?? 0),
      });
    };
    new MutationObserver(read).observe(document.querySelector('[data-testid="debugger"]')!, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });

  let mostPending = 0;
  const seen: Painted[][] = [];
  for (const [b, burst] of BURSTS.entries()) {
    await page.evaluate(() => ((window as unknown as { __shown: unknown[] }).__shown = []));
    for (const key of burst) await page.keyboard.press(key);
    const states = reference[b]!;
    const last = states[states.length - 1]!;
    // Where the commands one by one ended: step, stack, and the event there.
    await expect
      .poll(
        async () => {
          const s = await shown(page);
          return { seq: s.seq, stack: s.stack };
        },
        { message: `burst ${b + 1} (${burst.join(' ')})`, timeout: 30_000 },
      )
      .toEqual(expected(last));
    // Stopped there (nothing left in flight), for the reason the engine gave.
    await expect(page.getByTestId('dbg-reason')).toContainText(`Stopped: ${last.reason}`);
    if (last.event.kind !== 'log' && last.event.fn)
      await expect(page.getByTestId('state-event')).toContainText(last.event.fn);
    // And still there once stopped (not a stop on the way that happened to look the same).
    expect(await shown(page)).toMatchObject(expected(last));

    seen.push(
      (await page.evaluate(
        () => (window as unknown as { __shown: unknown[] }).__shown,
      )) as Painted[],
    );
  }

  // Each stop shown on the way was the engine's, in the order it reached them, whole; "Stopped"
  // only once nothing was left in flight.
  for (const [b, records] of seen.entries()) {
    const states = reference[b]!;
    let k = 0;
    for (const r of records) {
      mostPending = Math.max(mostPending, r.pending);
      const match = (i: number) => {
        const e = expected(states[i]!);
        return r.seq === e.seq && JSON.stringify(r.stack) === JSON.stringify(e.stack);
      };
      while (k < states.length && !match(k)) k++;
      expect(
        k,
        `burst ${b + 1}: shown ${JSON.stringify(r)} is no stop of the engine's, in order`,
      ).toBeLessThan(states.length);
      if (r.line.startsWith('Stopped:')) {
        expect(r.pending).toBe(0);
        expect(r.line).toContain(states[k]!.reason);
      } else expect(r.pending, `burst ${b + 1}: ${r.line}`).toBeGreaterThan(0);
    }
  }
  // The keys did outrun the engine (else this test would test nothing).
  expect(mostPending).toBeGreaterThanOrEqual(3);
});

/** Keys pressed one at a time, each once the last stop is on screen and the engine was asked. */
const ONE_AT_A_TIME: Key[] = [
  'F7',
  'F7',
  'F11',
  'F7',
  'F10',
  'Shift+F11',
  'Shift+F7',
  'Shift+F7',
  'F7',
];

test("debugger: a key whose answer the engine gave ahead shows it as it goes down, and it is the engine's answer", async ({
  page,
}) => {
  test.setTimeout(240_000);
  // Each key its own "burst" of one: the reference states after each.
  const referenceRun = oneByOne(
    ONE_AT_A_TIME.map((k) => [k]),
    [],
  );
  referenceRun.catch(() => {});
  await debuggerAtStart(page);
  const reference = await referenceRun;
  await page.getByTestId('call-stack').click();
  await page.evaluate(() => (window.__irqlabStepLatencies = []));

  // The page says so when the engine's own answer differs from the one it gave ahead.
  const otherwise: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('otherwise than ahead')) otherwise.push(m.text());
  });
  const reason = page.getByTestId('dbg-reason');
  for (const [i, key] of ONE_AT_A_TIME.entries()) {
    // The engine has said what the next step gives here (and, past step 0, the step back).
    await expect(reason).toHaveAttribute('data-ahead', /\bstep\b/, { timeout: 30_000 });
    await page.keyboard.press(key);
    const want = reference[i]![1]!;
    await expect(page.getByTestId('dbg-position')).toContainText(
      `step ${want.seq.toLocaleString('en-US')} of`,
    );
    expect(await shown(page)).toMatchObject({ ...expected(want), pending: '0' });
    await expect(reason).toContainText(`Stopped: ${want.reason}`);
  }
  const steps = await page.evaluate(() => window.__irqlabStepLatencies ?? []);
  // One record per key, each stop painted once; F7 and Shift+F7 were always shown ahead, the
  // others when their answer lay within the engine's look-ahead.
  expect(steps.map((m) => m.op)).toEqual(ONE_AT_A_TIME.map((k) => COMMAND[k].op));
  for (const [i, m] of steps.entries())
    if (ONE_AT_A_TIME[i] === 'F7' || ONE_AT_A_TIME[i] === 'Shift+F7')
      expect(m, `key ${i + 1} (${ONE_AT_A_TIME[i]})`).toMatchObject({ ahead: true, apiMs: 0 });
  // Once the engine has answered each (the answers given ahead were its own), nothing moved:
  // the window is where the same commands one by one end.
  await expect(reason).toHaveAttribute('data-ahead', /step/, { timeout: 30_000 });
  expect(otherwise).toEqual([]);
  expect(await shown(page)).toMatchObject({
    ...expected(reference[reference.length - 1]![1]!),
    pending: '0',
  });
});
