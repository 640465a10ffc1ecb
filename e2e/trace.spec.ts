// The trace explorer end to end: a 10-million-event session scrolled from end to end (pages read
// from SQLite as they come into view), filters, the read-only SQL box, the timeline, and a row
// opened in the debugger at its step.
import { expect, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Session } from '../core/store/session';
import { writeSyntheticRun } from '../core/store/synthetic-run';
import { presetText, runBoot, sessionsDir, shot, test } from './helpers';

const TEN_MILLION = 10_000_000;

/** A session whose run has 10 million events, written the way a run is (blocks, postings). */
async function tenMillionEventSession(name: string): Promise<void> {
  const file = path.join(sessionsDir(), name);
  if (existsSync(file)) return;
  const session = Session.open(file, { create: true });
  session.saveMachine('example', await presetText('example'));
  writeSyntheticRun(session, TEN_MILLION);
  session.close();
}

const firstRowStep = async (page: Page) =>
  Number(
    (
      await page
        .getByTestId('trace-table')
        .locator('.vt-row')
        .first()
        .locator('.vt-cell')
        .first()
        .innerText()
    ).replace(/,/g, ''),
  );

test('trace explorer: 10 million events scroll end to end, paged from SQLite', async ({ page }) => {
  test.setTimeout(240_000);
  await tenMillionEventSession('ten-million.irqlab');
  await page.goto('/');
  await page
    .getByTestId('recent-sessions')
    .getByRole('button', { name: /ten-million\.irqlab/ })
    .click();
  await expect(page.getByTestId('session-title')).toHaveText('ten-million.irqlab');
  await page.getByTestId('mode-trace').click();
  const table = page.getByTestId('trace-table');
  await expect(page.getByTestId('trace-count')).toHaveText('10,000,000 events');
  await expect(table.locator('.vt-row').first()).toContainText('request_irq(irq=0');
  expect(await table.getAttribute('aria-rowcount')).toBe(String(TEN_MILLION));

  // The wheel moves a few rows at a time, as in any table.
  await table.locator('.vt-body').hover();
  await page.mouse.wheel(0, 22 * 10);
  await expect.poll(() => firstRowStep(page)).toBe(10);

  // The scrollbar's thumb dragged to the bottom: the last events, fetched for that place.
  const thumb = page.getByTestId('trace-table-thumb');
  const box = (await thumb.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 4);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + 2000, { steps: 8 });
  await page.mouse.up();
  await expect(table.locator('.vt-row').last()).toContainText('9,999,999', { timeout: 15_000 });
  await expect(table.locator('.vt-row.loading')).toHaveCount(0);
  await shot(page, '33-trace-ten-million-end');

  // Half way, by the keyboard: Home, then PageDown moves a page.
  await table.locator('.vt-body').focus();
  await page.keyboard.press('Home');
  await expect.poll(() => firstRowStep(page)).toBe(0);
  await page.keyboard.press('PageDown');
  await expect.poll(() => firstRowStep(page)).toBeGreaterThan(0);

  // A filter: only the state changes on CPU 7, found page by page.
  await page.getByLabel('Filter by Function').fill('matrix_alloc');
  await page.getByLabel('Filter by CPU').fill('7');
  await expect(page.getByTestId('trace-count')).toContainText('matching events');
  await expect(table.locator('.vt-row').first()).toContainText('matrix_alloc');
  const rows = table.locator('.vt-row:not(.loading)');
  // The CPU column (step, kind, irq, CPU, ...).
  for (const cell of await rows.locator('.vt-cell:nth-child(4)').allInnerTexts())
    expect(cell).toBe('7');
  await shot(page, '34-trace-ten-million-filtered');
});

test('trace explorer: a real run with its faults on the timeline, SQL, and a fault opened in the debugger', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: /^seed-vf-compat-blocked/ }).click();
  await expect(page.getByTestId('session-title')).toHaveText('Untitled');
  await runBoot(page);
  await page.getByTestId('mode-trace').click();
  await expect(page.getByTestId('timeline')).toBeVisible();
  // Only the faults: the IOMMU blocking the VFs' compatibility-format interrupts.
  await page.getByLabel('Filter by kind').selectOption('fault');
  const table = page.getByTestId('trace-table');
  await expect(page.getByTestId('trace-count')).toContainText(/^\d+ matching events$/);
  const fault = table.locator('.vt-row').first();
  await expect(fault).toContainText('fault reason 0x25');
  await shot(page, '35-trace-faults');

  // The SQL box: read-only SQL over the session, with Monaco's SQL highlighting.
  await page.getByRole('button', { name: 'SQL', exact: true }).click();
  const sql = page.getByTestId('sql-box');
  await sql.getByRole('button', { name: 'Run query' }).click();
  // The default query: the 20 functions called most, by name.
  await expect(sql.getByTestId('sql-result')).toHaveAttribute('aria-rowcount', '20');
  await expect(sql.getByTestId('sql-result').locator('[role=columnheader]')).toHaveText([
    'name',
    'calls',
  ]);
  await expect(sql.getByTestId('sql-summary')).toContainText('rows');
  await expect(
    sql.locator('.monaco-editor .mtk6, .monaco-editor [class*="mtk"]').first(),
  ).toBeVisible();
  await shot(page, '36-trace-sql');
  // A write is refused by SQLite itself.
  await sql.getByTestId('sql-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText('DELETE FROM runs');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(sql.getByTestId('sql-error')).toContainText('DELETE statement refused');
  await expect(sql.getByTestId('sql-error')).toContainText('read-only');
  // Ctrl+Enter in the SQL box ran the query, not the boot: still one run.
  await expect(page.getByLabel('Run shown').locator('option')).toHaveCount(1);
  await page.getByRole('button', { name: 'SQL', exact: true }).click();

  // The fault, opened in the debugger: stopped at its step, the blocked message explained.
  const step = Number((await fault.locator('.vt-cell').first().innerText()).replace(/,/g, ''));
  await fault.dblclick();
  await expect(page.getByTestId('debugger')).toBeVisible();
  await expect(page.getByTestId('dbg-reason')).toContainText(`step ${step}`, { timeout: 30_000 });
  await expect(page.getByTestId('state-event')).toContainText('fault');
  await expect(page.getByTestId('finding').first()).toContainText('Compatibility-format message');
  // And back to the trace at the debugger's step.
  await page.getByRole('button', { name: 'show in trace' }).click();
  await expect(page.getByTestId('trace-table').locator('.vt-row.selected')).toContainText(
    step.toLocaleString('en-US'),
  );
  await shot(page, '37-trace-at-debugger-step');
});

test('trace explorer: a new filter starts at its first match, messages whole, and the SQL box with its schema and SQLite errors', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: /^seed-vf-compat-blocked/ }).click();
  await runBoot(page);
  await page.getByTestId('mode-trace').click();
  const table = page.getByTestId('trace-table');
  const body = table.locator('.vt-body');
  await expect(table.locator('.vt-row:not(.loading)').first()).toBeVisible();

  // Far down the run, then a filter with thousands of matches: shown from its first match.
  await body.focus();
  await page.keyboard.press('End');
  await expect.poll(() => firstRowStep(page)).toBeGreaterThan(1000);
  await page.getByLabel('Filter by kind').selectOption('call');
  await expect(page.getByTestId('trace-count')).toContainText('matching events');
  await expect(body).toHaveAttribute('data-top', '0');
  const first = table.locator('.vt-row').first();
  await expect(first).toHaveAttribute('aria-rowindex', '1');
  await expect(first.locator('.kind')).toHaveText('call');
  // Scrolled down that list, a narrower filter starts at its own first match again.
  await page.keyboard.press('PageDown');
  await body.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('PageDown');
  await expect(body).not.toHaveAttribute('data-top', '0');
  await page.getByLabel('Filter by Function').fill('modify_irte');
  await expect(first).toContainText('modify_irte', { timeout: 15_000 });
  await expect(body).toHaveAttribute('data-top', '0');
  await shot(page, '38-trace-filter-first-match');

  // The DMAR fault lines the kernel logged: the whole message is shown, not cut.
  await page.getByLabel('Filter by Function').fill('');
  await page.getByLabel('Filter by kind').selectOption('log');
  await expect(page.getByTestId('trace-count')).toContainText('matching events');
  await body.focus();
  await page.keyboard.press('End');
  await expect(table.locator('.vt-row', { hasText: 'fault index' }).first()).toBeVisible();
  const cut = await table
    .locator('.vt-row')
    .evaluateAll((rows) =>
      rows.flatMap((r) =>
        [...r.querySelectorAll<HTMLElement>('.vt-cell')]
          .filter((c) => c.scrollWidth > c.clientWidth + 1)
          .map((c) => c.innerText),
      ),
    );
  expect(cut).toEqual([]);
  // And the border between event and message can be dragged to give the message more room.
  const message = table.getByRole('columnheader', { name: 'log / fault' });
  const before = (await message.boundingBox())!.width;
  const edge = (await table
    .getByRole('separator', { name: 'Resize the event column' })
    .boundingBox())!;
  await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  await page.mouse.down();
  await page.mouse.move(edge.x - 150, edge.y + edge.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await message.boundingBox())!.width).toBeGreaterThan(before + 100);
  await shot(page, '39-trace-faults-whole');

  // The SQL box: the schema beside it (the events virtual table, the views, their columns).
  await page.getByRole('button', { name: 'SQL', exact: true }).click();
  const sql = page.getByTestId('sql-box');
  const schema = sql.getByTestId('sql-schema');
  await expect(schema.locator('[data-relation=events]')).toHaveAttribute(
    'data-type',
    'virtual table',
  );
  await expect(schema.locator('[data-relation=events_named]')).toContainText(
    'BDF of the device the kernel was working for',
  );
  // The default query uses the view with names.
  await sql.getByRole('button', { name: 'Run query' }).click();
  await expect(sql.getByTestId('sql-result').locator('[role=columnheader]')).toHaveText([
    'name',
    'calls',
  ]);
  await expect(sql.getByTestId('sql-result').locator('.vt-row').first()).toContainText(/[a-z_]+/);
  // A name clicked in the schema goes in at the cursor.
  await sql.getByTestId('sql-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText('SELECT summary FROM ');
  await schema.locator('[data-relation=faults] summary').getByRole('button').click();
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(sql.getByTestId('sql-result').locator('.vt-row').first()).toContainText(
    'fault reason 0x25',
  );
  // A typo: SQLite's own words, no path of the scratch file.
  await sql.getByTestId('sql-editor').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText('SELECT name FROM runs');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(sql.getByTestId('sql-error')).toHaveText('no such column: name');
  await schema.evaluate((el) => (el.scrollTop = 0));
  await shot(page, '40-trace-sql-schema-error');
});
