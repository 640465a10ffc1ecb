// One report builder for the app and the CLI: a run the app booted, exported through the API's
// report.export and through `irqlab report` on the same session file, gives the same report,
// section by section; and what it says about interrupt remapping is the run's own data (the
// IRTE tables, the DMAR-IR IOAPIC scope lines, each irq's domain chain), the same data a run of
// the same preset stored by `irqlab simulate --out` gives.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../core/cli/main';
import { call } from './dispatch';
import { useServiceFixture } from './service-fixture';

const fx = useServiceFixture('report-parity');

async function cli(argv: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  expect(code, err).toBe(0);
  return out;
}

/** The report's sections by id (`<section id="remapping">...</section>`), in order. */
function htmlSections(html: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const m of html.matchAll(/<section id="([^"]+)">([\s\S]*?)<\/section>/g))
    sections.set(m[1]!, m[2]!);
  return sections;
}

/** The Markdown report's sections by their "## " heading. */
function mdSections(md: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of md.split(/^## /m).slice(1)) {
    const nl = part.indexOf('\n');
    sections.set(part.slice(0, nl), part.slice(nl + 1));
  }
  return sections;
}

/** Boots a preset through the API into a saved session; returns its file and session id. */
async function bootInApp(preset: string) {
  const machine = await call(fx.service.handlers, 'machine.fromPreset', { name: preset });
  const { session: created, status } = await fx.runInNewSession(machine);
  expect(status.state, status.error ?? '').toBe('done');
  const name = `${preset}.irqlab`;
  await call(fx.service.handlers, 'session.saveAs', {
    sessionId: created.sessionId,
    machineName: machine.name,
    machineText: machine.text,
    name,
  });
  return { sessionId: created.sessionId, file: path.join(fx.dir, 'sessions', name) };
}

async function exportInApp(sessionId: string, format: 'html' | 'md' | 'json'): Promise<string> {
  const started = await call(fx.service.handlers, 'report.export', {
    sessionId,
    runId: 1,
    format,
  });
  const status = await fx.finished(started!.jobId);
  expect(status.state, status.error ?? '').toBe('done');
  return readFileSync(
    fx.service.exportFile(new URL(status.output!.url!, 'http://x').pathname)!,
    'utf8',
  );
}

describe.each(['seed-vf-compat-blocked', 'dmar-server'])(
  'the report of an app run of %s',
  (preset) => {
    let app: { sessionId: string; file: string };
    const html = { api: '', cli: '', simulated: '' };

    it('is the same exported by the app and by irqlab report, section by section', async () => {
      app = await bootInApp(preset);
      html.api = await exportInApp(app.sessionId, 'html');
      html.cli = await cli(['report', app.file, '--run', '1', '--format', 'html']);
      const api = htmlSections(html.api);
      const fromCli = htmlSections(html.cli);
      expect([...api.keys()]).toEqual([...fromCli.keys()]);
      expect([...api.keys()]).toContain('remapping');
      for (const [id, body] of api) expect(fromCli.get(id), `section ${id}`).toBe(body);

      const md = mdSections(await exportInApp(app.sessionId, 'md'));
      const mdCli = mdSections(await cli(['report', app.file, '--run', '1', '--format', 'md']));
      expect([...md.keys()]).toEqual([...mdCli.keys()]);
      for (const [heading, body] of md) expect(mdCli.get(heading), heading).toBe(body);
    });

    it("shows the run's IRTE tables, as a run irqlab simulate stored does", async () => {
      const simulated = path.join(fx.dir, `${preset}-cli.irqlab`);
      await cli(['simulate', `preset:${preset}`, '--out', simulated]);
      html.simulated = await cli(['report', simulated, '--format', 'html']);
      const fromApp = htmlSections(html.api).get('remapping')!;
      expect(fromApp).not.toMatch(/recorded no|not recorded/);
      expect(fromApp).toMatch(/Remapping x2apic \(intel driver\), 2 units/);
      // Same units, IRTEs and routes as the CLI's own run of the preset.
      expect(fromApp).toBe(htmlSections(html.simulated).get('remapping'));
    });

    it('connects each IO-APIC to the unit the kernel put it under', () => {
      const remapping = htmlSections(html.api).get('remapping')!;
      const topology = htmlSections(html.api).get('topology')!;
      const dmesg = htmlSections(html.api).get('dmesg')!;
      const scopes = [
        ...dmesg.matchAll(/DMAR-IR: IOAPIC id (\d+) under DRHD base\s+(0x[0-9a-f]+) IOMMU (\d+)/g),
      ];
      expect(scopes.length).toBeGreaterThan(0);
      for (const [, id, base, seq] of scopes) {
        expect(remapping).toContain(`IO-APIC id ${id} → dmar${seq} (DRHD base ${base})`);
        expect(topology).toMatch(
          new RegExp(`IO-APIC \\d+ · id ${id}</text>(?:(?!</g>).)*remapped by dmar${seq}<`),
        );
      }
    });

    it('draws the irqs whose chain has no remapping domain as not remapped', () => {
      const topology = htmlSections(html.api).get('topology')!;
      const remapping = htmlSections(html.api).get('remapping')!;
      // The units' own fault irqs: DMAR-MSI -> VECTOR.
      expect(remapping).toContain('DMAR-MSI: 2 irqs not remapped (straight to VECTOR)');
      expect(topology).toMatch(/DMAR-MSI<\/text>(?:(?!<\/g>).)*not remapped</);
      expect(topology).toContain('<title>not remapped: straight to the vector domain</title>');
      if (preset === 'seed-vf-compat-blocked') {
        // The VFs' irqs: PCI-MSI-3 -> VECTOR (the VF's device is outside every DRHD's scope).
        expect(remapping).toMatch(/PCI-MSI: 32 irqs not remapped \(straight to VECTOR\)/);
        expect(topology).toMatch(/>PCI-MSI<\/text>(?:(?!<\/g>).)*not remapped</);
        expect(topology).toMatch(/>IR-PCI-MSI<\/text>(?:(?!<\/g>).)*via dmar0, dmar1</);
      }
    });

    it('labels every CPU of the vector strip', () => {
      const vectors = htmlSections(html.api).get('vectors')!;
      // One cell per CPU on these machines, each with its numbers on hover.
      const cpus = [...vectors.matchAll(/<title>CPU \d+:/g)].length;
      expect(cpus).toBeGreaterThan(1);
      for (let cpu = 0; cpu < cpus; cpu++)
        expect(vectors, `CPU ${cpu}`).toContain(`class="n">${cpu}</text>`);
    });
  },
);
