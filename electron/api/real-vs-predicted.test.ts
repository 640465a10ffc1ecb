// "Real vs predicted" through the API: a machine imported with its real /proc/interrupts keeps
// that file in its session, and run.realVsPredicted sets it beside a run's prediction, row by
// row (matched by chip and hwirq), each difference with what made the predicted row.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session } from '../../core/store/session';
import { craaskArtefacts, craaskWithUnknownDevice } from '../../core/testing/craask';
import { call } from './dispatch';
import { useServiceFixture } from './service-fixture';

const fx = useServiceFixture('real-vs-predicted');
/** The Craask's dmesg, lspci and /proc/interrupts imported, booted, the real file kept. */
async function importAndBoot(files = craaskArtefacts()) {
  const imported = await call(fx.service.handlers, 'import.artefacts', { files });
  expect(imported.machineText).not.toBeNull();
  const interrupts = files[2]!;
  const { session: created, status } = await fx.runInNewSession(
    { name: imported.machineName!, text: imported.machineText! },
    { fileName: interrupts.name, text: interrupts.text, missing: imported.missing },
  );
  expect(status.state, status.error ?? '').toBe('done');
  return { sessionId: created.sessionId, imported, realText: interrupts.text };
}

describe('run.realVsPredicted', () => {
  it('sets the real /proc/interrupts beside the prediction, row by row', async () => {
    const { sessionId, realText } = await importAndBoot();
    const view = (await call(fx.service.handlers, 'run.realVsPredicted', { sessionId, runId: 1 }))!;
    expect(view).not.toBeNull();
    expect(view.realFile).toBe('google-craask-chromebook-alderlake-n-newformat.interrupts.txt');
    expect(view.cpus).toEqual({ real: 4, predicted: 4 });
    // Every real row is in the view once: matched, or on the real side only.
    const realRows = realText.split('\n').filter((l) => /^\s*\d+:/.test(l)).length;
    expect(view.rows.filter((r) => r.real).length).toBe(realRows);
    expect(view.total).toBe(view.rows.length);
    expect(view.identical).toBe(
      view.rows.filter((r) => r.real && r.predicted && r.differs.length === 0).length,
    );
    expect(view.identical).toBeGreaterThan(0);
    // Rows are matched by chip and hwirq, whatever their irq numbers.
    for (const r of view.rows)
      if (r.real && r.predicted) {
        expect(r.predicted.chip).toBe(r.real.chip);
        expect(r.predicted.hwirq).toBe(r.real.hwirq);
      }
    // A difference says which fact or model made the predicted row.
    for (const r of view.rows)
      if (r.differs.length || !r.real || !r.predicted)
        expect(r.explanation.length, r.key).toBeGreaterThan(0);
  });

  it('marks a device irqlab does not model as observed from the real file', async () => {
    // Every driver of this machine is modelled; its processor thermal device given an id that no
    // driver model claims stands for one irqlab does not know.
    const { sessionId } = await importAndBoot(craaskWithUnknownDevice());
    const view = (await call(fx.service.handlers, 'run.realVsPredicted', { sessionId, runId: 1 }))!;
    const observed = view.rows.filter((r) => r.owner?.behaviour === 'observed');
    expect(observed.length).toBeGreaterThan(0);
    // Its row is the real file's own.
    const thermal = observed.find((r) => r.real?.chip === 'IR-PCI-MSI-0000:00:04.0')!;
    expect(thermal.differs).toEqual([]);
    // The audio DSP is modelled (SOF); the codec's GPIO pin (intel-gpio 87, observed) is mapped
    // before it, as on the machine: both rows identical.
    const dsp = view.rows.find((r) => r.real?.chip === 'IR-PCI-MSI-0000:00:1f.3')!;
    expect(dsp.owner?.behaviour).toBe('modelled');
    expect(dsp.differs).toEqual([]);
    const gpio = view.rows.find((r) => r.real?.chip === 'intel-gpio')!;
    expect(gpio.predicted).toMatchObject({ irq: 135, hwirq: 87, actions: 'rt5682s' });
    expect(gpio.differs).toEqual([]);
  });

  it('keeps the real file in the session file, saved under a name', async () => {
    const { sessionId, imported, realText } = await importAndBoot();
    await call(fx.service.handlers, 'session.saveAs', {
      sessionId,
      machineName: imported.machineName!,
      machineText: imported.machineText!,
      name: 'craask.irqlab',
    });
    const s = Session.open(path.join(fx.dir, 'sessions', 'craask.irqlab'), { readonly: true });
    try {
      expect(s.realInterrupts()?.text).toBe(realText);
      expect(s.realInterrupts()?.missing).toEqual(imported.missing);
    } finally {
      s.close();
    }
  });

  it('is null for a session without a real /proc/interrupts', async () => {
    const machine = await call(fx.service.handlers, 'machine.fromPreset', { name: 'example' });
    const { session: created } = await fx.runInNewSession(machine);
    expect(
      await call(fx.service.handlers, 'run.realVsPredicted', {
        sessionId: created.sessionId,
        runId: 1,
      }),
    ).toBeNull();
  });

  it('refuses a real file that is not text of a sane size', async () => {
    const machine = await call(fx.service.handlers, 'machine.fromPreset', { name: 'example' });
    await expect(
      call(fx.service.handlers, 'session.new', {
        machineName: machine.name,
        machineText: machine.text,
        realInterrupts: { fileName: '', text: 'x', missing: [] },
      }),
    ).rejects.toThrow(/fileName/);
  });
});
