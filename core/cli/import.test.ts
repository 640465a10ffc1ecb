// irqlab import and irqlab explain, end to end: the QEMU captures imported from their dmesg,
// lspci and ACPI dump, then simulated, must give the /proc/interrupts the real kernel printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareInterrupts, describeDifference } from '../import/compare';
import { parseProcInterrupts } from '../import/interrupts';
import { importFiles } from '../import/node/read';
import { simulate } from '../scenario';
import { repoRoot, sharedPath } from '../testing/shared';
import { main } from './main';

const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const qemu = (name: string, file: string) => sharedPath('fixtures', 'qemu', name, file);
const artefacts = (name: string) =>
  ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt'].map((f) => qemu(name, f));

/** Import, write the machine, simulate it through the CLI, compare with the real /proc/interrupts. */
async function importAndSimulate(name: string) {
  const m = path.join(dir, `${name}.json`);
  const imported = await run('import', ...artefacts(name), '-o', m);
  expect(imported.code, imported.err).toBe(0);
  const sim = await run('simulate', m, '--interrupts');
  expect(sim.code, sim.err).toBe(0);
  const real = parseProcInterrupts(
    readFileSync(qemu(name, 'interrupts.txt'), 'utf8'),
    'interrupts.txt',
  );
  const predicted = parseProcInterrupts(sim.out, 'predicted');
  return { imported, real, predicted, cmp: compareInterrupts(real, predicted) };
}

// Interrupt remapping is being built in core/kernel: the IR machine's test runs once the
// simulator models it, i.e. no longer warns that it ignores the IOMMU.
const irMachine = (await importFiles(artefacts('q35-ir-4cpu'))).machine;
const irModeled =
  !!irMachine && !simulate(irMachine).warnings.some((w) => /remapping is not modeled/.test(w));

describe('irqlab import + simulate on the QEMU captures', () => {
  it('q35-noir-2cpu: reproduces interrupts.txt (every irq, chip, hwirq, handler, action; counts aside)', async () => {
    const { real, cmp } = await importAndSimulate('q35-noir-2cpu');
    expect(cmp.differences.map(describeDifference)).toEqual([]);
    expect(cmp.matched).toBe(real.rows.length);
  });

  it.skipIf(!irModeled)(
    'q35-ir-4cpu: reproduces interrupts.txt with interrupt remapping (waits for IR in core/kernel)',
    async () => {
      const { real, cmp } = await importAndSimulate('q35-ir-4cpu');
      expect(cmp.differences.map(describeDifference)).toEqual([]);
      expect(cmp.matched).toBe(real.rows.length);
    },
  );

  it('carries the kernel version and command line the dmesg names, so the matching profile is used', async () => {
    const m = path.join(dir, 'noir.json');
    await run('import', ...artefacts('q35-noir-2cpu'), '-o', m);
    const machine = JSON.parse(readFileSync(m, 'utf8'));
    const cmdline = readFileSync(qemu('q35-noir-2cpu', 'proc-cmdline.txt'), 'utf8').trim();
    expect(machine.kernel.cmdline).toBe(cmdline);
    expect(readFileSync(qemu('q35-noir-2cpu', 'cpuinfo.txt'), 'utf8')).toContain(
      machine.kernel.version,
    );
    const sim = await run('simulate', m, '--json');
    expect(JSON.parse(sim.out).profile).toBe('6.1');
  });

  it('prints what it found and what is missing, and compares a /proc/interrupts given with the rest', async () => {
    const r = await run(
      'import',
      ...artefacts('q35-noir-2cpu'),
      qemu('q35-noir-2cpu', 'interrupts.txt'),
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^.*dmesg\.txt: kernel log/m);
    expect(r.out).toMatch(/^.*acpi\.acpidump\.txt: ACPI tables APIC, MCFG, HPET, FACP$/m);
    expect(r.out).toMatch(/^CPUs: 2 \(2 online\)/m);
    expect(r.out).toMatch(/^missing: /m);
    const rows = parseProcInterrupts(
      readFileSync(qemu('q35-noir-2cpu', 'interrupts.txt'), 'utf8'),
      'x',
    ).rows.length;
    expect(r.out).toContain(`${rows} of ${rows} irqs identical, 0 difference(s)`);
  });

  it('writes the provenance of every fact beside the machine with --provenance', async () => {
    const p = path.join(dir, 'prov.json');
    const m = path.join(dir, 'prov-machine.json');
    expect(
      (await run('import', ...artefacts('q35-ir-4cpu'), '-o', m, '--provenance', p)).code,
    ).toBe(0);
    const doc = JSON.parse(readFileSync(p, 'utf8'));
    const machine = JSON.parse(readFileSync(m, 'utf8'));
    expect(doc.provenance['$.iommus[0]']).toContainEqual(
      expect.objectContaining({
        file: qemu('q35-ir-4cpu', 'acpi.acpidump.txt'),
        table: 'DMAR',
        offset: 0x30,
      }),
    );
    expect(doc.provenance['$.kernel.version']).toEqual([
      expect.objectContaining({ file: qemu('q35-ir-4cpu', 'dmesg.txt'), line: 1 }),
    ]);
    machine.pci.forEach((_: unknown, i: number) =>
      expect(doc.provenance[`$.pci[${i}]`]).toBeDefined(),
    );
  });

  it('recognises files by content, not by name', async () => {
    const renamed = path.join(dir, 'lspci.txt');
    writeFileSync(renamed, readFileSync(qemu('q35-noir-2cpu', 'dmesg.txt')));
    const r = await run('import', renamed);
    expect(r.out).toMatch(/lspci\.txt: kernel log/);
  });
});

describe('irqlab import --simulate: artefacts to the predicted boot in one command', () => {
  it('prints what simulate prints of the imported machine on stdout, the import on stderr', async () => {
    const oneStep = await run('import', ...artefacts('q35-noir-2cpu'), '--simulate');
    expect(oneStep.code, oneStep.err).toBe(0);
    // The same as importing to a file and simulating it.
    const m = path.join(dir, 'noir-sim.json');
    expect((await run('import', ...artefacts('q35-noir-2cpu'), '-o', m)).code).toBe(0);
    const twoSteps = await run('simulate', m);
    expect(oneStep.out).toBe(twoSteps.out);
    expect(oneStep.err).toMatch(/^.*dmesg\.txt: kernel log/m);
    expect(oneStep.err).toMatch(/^CPUs: 2 \(2 online\)/m);
  });

  it('prints only /proc/interrupts with --interrupts, under the profile --profile names', async () => {
    const r = await run(
      'import',
      ...artefacts('q35-noir-2cpu'),
      '--simulate',
      '--interrupts',
      '--profile',
      'v5.10',
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^\s+CPU0\s+CPU1\s*\n/);
    expect(r.out).not.toContain('IOAPIC[0]: apic_id');
    const json = await run(
      'import',
      ...artefacts('q35-noir-2cpu'),
      '--simulate',
      '--json',
      '--profile',
      'v5.10',
    );
    expect(JSON.parse(json.out).profile).toBe('v5.10');
  });

  it('compares a /proc/interrupts given with the same boot it prints', async () => {
    const r = await run(
      'import',
      ...artefacts('q35-noir-2cpu'),
      qemu('q35-noir-2cpu', 'interrupts.txt'),
      '--simulate',
      '--interrupts',
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /real vs predicted \(.*interrupts\.txt, profile 6\.1\): (\d+) of \1 irqs identical/,
    );
    expect(r.out).not.toContain('real vs predicted');
  });

  it('refuses --interrupts, --json without --simulate, an unknown profile and an unknown option', async () => {
    for (const [args, message] of [
      [['--interrupts'], '--interrupts goes with --simulate'],
      [['--json'], '--json goes with --simulate'],
      [['--simulate', '--profile', '2.4'], '--profile 2.4: unknown'],
      [['--simulat'], 'import: unknown option --simulat'],
    ] as const) {
      expect(await run('import', ...artefacts('q35-noir-2cpu'), ...args)).toMatchObject({
        code: 2,
        err: expect.stringContaining(message),
      });
    }
  });
});

describe('irqlab import: bad input', () => {
  it('reports a missing file and an unknown one with exit code 2 and the file', async () => {
    expect(await run('import', path.join(dir, 'nope.txt'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/irqlab: .*nope\.txt: no such file/),
    });
    const junk = path.join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from([0, 1, 2, 3, 0, 0, 0]));
    expect(await run('import', junk)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/junk\.bin: not an artefact irqlab reads/),
    });
  });

  it('reports a truncated ACPI table with its line, table and offset', async () => {
    const bad = path.join(dir, 'bad-acpi.txt');
    writeFileSync(
      bad,
      readFileSync(qemu('q35-ir-4cpu', 'acpi.acpidump.txt'), 'utf8').replace(
        / {4}0080: 02 0A 00 0B.*\n/,
        '',
      ),
    );
    const r = await run('import', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^irqlab: .*bad-acpi\.txt: line \d+: APIC: offset 0x80: table truncated/m,
    );
  });

  it('says a /proc/interrupts alone is not a machine', async () => {
    const r = await run('import', qemu('q35-noir-2cpu', 'interrupts.txt'));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/\/proc\/interrupts, 2 CPUs/);
    expect(r.err).toMatch(/nothing to build a machine from/);
  });

  it('needs at least one file', async () => {
    expect((await run('import')).code).toBe(2);
  });

  it('runs through bin/irqlab.mjs', () => {
    const r = spawnSync(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'irqlab.mjs'),
        'import',
        qemu('q35-noir-2cpu', 'acpi.acpidump.txt'),
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    // Each inferred fact ends with where it came from.
    expect(r.stdout).toMatch(
      /^IOAPICs: id 0 GSI 0-23 \[[^\]]+acpi\.acpidump\.txt: line \d+: APIC: offset 0x[0-9a-f]+\]$/m,
    );
  });
});

describe('irqlab explain', () => {
  const line = readFileSync(
    sharedPath(
      'fixtures',
      'real',
      'faults',
      'lkml-2020-mlx5-baremetal-sriov-vf-intr-remap-fault37.dmesg-T.txt',
    ),
    'utf8',
  )
    .split('\n')
    .find((l) => l.includes('INTR-REMAP'))!;

  it('explains an INTR-REMAP fault line: the reason, the device, the blocked destination', async () => {
    const r = await run('explain', line);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^DMAR INTR-REMAP fault from 42:00\.2$/m);
    expect(r.out).toContain('reason 0x25 (37): Blocked a compatibility format interrupt request');
    expect(r.out).toContain('destination APIC id 0x2c (address 0xfee2c000)');
    expect(r.out).toMatch(/what to check:/);
  });

  it('uses the machine: which function the requester is and which DRHD covers it', async () => {
    const m = path.join(dir, 'ir.json');
    expect((await run('import', ...artefacts('q35-ir-4cpu'), '-o', m)).code).toBe(0);
    const r = await run(
      'explain',
      '[    1.0] DMAR: [INTR-REMAP] Request device [00:04.0] fault index 0x0 [fault reason 0x25] Blocked a compatibility format interrupt request',
      '--machine',
      m,
    );
    expect(r.out).toMatch(/00:04\.0 is 0000:00:04\.0 \[8086:10d3\]/);
    expect(r.out).toMatch(/Its DRHD is 0xfed90000/);
    expect(r.out).toMatch(/APIC id 0x0 is CPU 0/);
  });

  it("explains vector exhaustion and CPU offline refusals with the machine's simulated vector use", async () => {
    const r = await run(
      'explain',
      'CPU 1 has 180 vectors, 20 available. Cannot disable CPU',
      '--machine',
      'preset:example',
    );
    expect(r.out).toMatch(/CPU 1 offline refused/);
    expect(r.out).toMatch(/Simulated boot of this machine: \d+ irqs/);
    expect((await run('explain', 'nvme 0000:01:00.0: request_irq failed: -28')).out).toMatch(
      /vector space exhausted/,
    );
    expect((await run('explain', 'DMAR: No free IRQ vectors')).out).toMatch(
      /DMAR fault interrupt could not be allocated/,
    );
  });

  it('says so, with exit code 1, for a line it does not know', async () => {
    expect(await run('explain', 'hello world')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/not a line irqlab can explain/),
    });
  });
});
