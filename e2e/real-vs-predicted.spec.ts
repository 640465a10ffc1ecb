// Real vs predicted in the app: a machine imported with its real /proc/interrupts, booted, shows
// the real table beside the predicted one in the run's results. Expected values come from the
// app's own service in-process (the same import and boot), never from numbers copied here.
import { expect } from '@playwright/test';
import { craaskWithUnknownDevice, localService, runBoot, shot, test, uploads } from './helpers';

// The real file without its GPIO pin's row (intel-gpio 87, the codec's): the import then knows
// nothing of that irq, so the prediction gives the audio DSP irq 135 where the machine had 136.
const FILES = craaskWithUnknownDevice().map((f) =>
  f.name.includes('interrupts') ? { ...f, text: f.text.replace(/^.*intel-gpio.*\n/m, '') } : f,
);

/** The same import and boot through the service in-process: what the view must show. */
async function expectedView() {
  const h = localService().handlers;
  const files = FILES;
  const imported = await h['import.artefacts']({ files });
  const s = await h['session.new']({
    machineName: imported.machineName!,
    machineText: imported.machineText!,
    realInterrupts: { fileName: files[2]!.name, text: files[2]!.text, missing: imported.missing },
  });
  const { jobId } = await h['run.start']({
    sessionId: s.sessionId,
    machineText: imported.machineText!,
  } as never);
  for (;;) {
    const st = await h['job.status']({ jobId });
    if (st.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return (await h['run.realVsPredicted']({ sessionId: s.sessionId, runId: 1 }))!;
}

test('real vs predicted: counts, a differing field highlighted, an observed device marked', async ({
  page,
}) => {
  const expected = await expectedView();
  await page.goto('/');
  await page.getByTestId('import-file-input').setInputFiles(uploads(FILES));
  const review = page.getByTestId('import-review');
  await expect(review).toBeVisible();
  await review.getByRole('button', { name: 'Accept and open' }).click();
  await expect(page.getByTestId('status')).toContainText('valid machine');
  await runBoot(page);
  await page.getByRole('tab', { name: 'Real vs predicted' }).click();
  const view = page.getByTestId('real-vs-predicted');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('rvp-summary')).toContainText(
    `${expected.identical} of ${expected.total} rows identical`,
  );
  await expect(page.getByTestId('rvp-summary')).toContainText('CPUs: real 4, predicted 4');
  // The audio DSP's MSI (SOF, modelled): only its irq number differs — that cell is highlighted
  // on both sides.
  const dsp = expected.rows.find((r) => r.real?.chip === 'IR-PCI-MSI-0000:00:1f.3')!;
  expect(dsp.owner?.behaviour).toBe('modelled');
  const row = page.getByTestId(`rvp-${dsp.key}`);
  await expect(row.locator('td[data-differs="irq"]')).toHaveCount(2);
  await expect(row.locator('td[data-differs="irq"]').first()).toHaveText(String(dsp.real!.irq));
  await expect(row.locator('td[data-differs="irq"]').last()).toHaveText(String(dsp.predicted!.irq));
  // The device irqlab does not know: its row is marked observed, the real file's own.
  const thermal = expected.rows.find((r) => r.real?.chip === 'IR-PCI-MSI-0000:00:04.0')!;
  expect(thermal.owner?.behaviour).toBe('observed');
  const thermalRow = page.getByTestId(`rvp-${thermal.key}`);
  await expect(thermalRow.getByTestId('rvp-behaviour-observed')).toBeVisible();
  // Rows of one side only are marked.
  const realOnly = expected.rows.filter((r) => !r.predicted).length;
  await expect(view.locator('tr.rvp-real-only')).toHaveCount(realOnly);
  await shot(page, '60-real-vs-predicted');
  await page.getByLabel('differences only').check();
  await expect(view.locator('tbody tr')).toHaveCount(expected.total - expected.identical);
  await shot(page, '61-real-vs-predicted-differences');
});
