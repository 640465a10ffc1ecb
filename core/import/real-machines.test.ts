// Real machines loaded as a new user would: a log and a plain or -nn lspci, no ACPI tables. What
// the log states must reach the machine (IR scopes, full class codes, PCIe ports and their
// services), what it cannot state is assumed and said, and a real /proc/interrupts adds the
// capabilities in use and, as *observed*, the drivers irqlab does not model.
import { describe, expect, it } from 'vitest';
import { simulate } from '../scenario';
import { driverFor } from '../kernel/drivers/catalogue';
import { compareWithSimulation } from './compare';
import { parseArtefact, importArtefacts } from './index';
import { parseProcInterrupts } from './interrupts';
import { msiRowsByDevice } from './observed';
import { importFiles } from './node/read';
import { repoRoot } from '../testing/shared';
import { CRAASK, craaskArtefacts, craaskWithUnknownDevice } from '../testing/craask';
import { keyFacts, realPath, sourceFacts } from '../testing/sources';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

describe('what a log states reaches the machine', () => {
  it("without a DMAR table, the log's DMAR-IR lines scope the IOAPIC and HPET, so remapping comes up as it did", async () => {
    const r = await importFiles([realPath(CRAASK.dmesg)]);
    const m = r.machine!;
    // SOURCES.md: "DMAR-IR: IOAPIC 2 and HPET 0 under 0xfed91000 (IOMMU 1); IR in x2apic mode".
    expect(sourceFacts(CRAASK.dmesg)).toMatch(/IOAPIC 2 and HPET 0 under 0xfed91000/);
    const unit = m.iommus.find((u) => u.register_base === '0xfed91000')!;
    expect(unit.kind === 'intel-vtd' && unit.scopes.map((s) => [s.type, s.id])).toEqual([
      ['ioapic', 2],
      ['hpet', 0],
    ]);
    expect(r.provenance['$.iommus[1].scopes[0]']![0]!.line).toBeGreaterThan(0);
    expect(r.missing.join('\n')).toMatch(/source-ids are not logged/);
    const sim = simulate(m);
    const log = sim.dmesg.join('\n');
    expect(log).not.toMatch(/has no mapping iommu/);
    expect(log).toMatch(/DMAR-IR: Enabled IRQ remapping in x2apic mode/);
    expect(sim.procInterrupts()).toMatch(/IR-IO-APIC\s+1-edge\s+i8042/);
  });

  it("the kernel's six-digit class wins over lspci -nn's four digits, without a conflict", () => {
    const log = parseArtefact(
      'dmesg',
      '[    0.1] pci 0000:00:14.0: [8086:a36d] type 00 class 0x0c0330\n[    0.2] pci 0000:00:17.0: [8086:a352] type 00 class 0x010601\n',
    );
    const lspci = parseArtefact(
      'lspci',
      '00:14.0 USB controller [0c03]: Intel Corporation Cannon Lake PCH USB 3.1 xHCI Host Controller [8086:a36d] (rev 10)\n00:17.0 SATA controller [0106]: Intel Corporation Cannon Lake PCH SATA AHCI Controller [8086:a352] (rev 10)\n',
    );
    const r = importArtefacts([log, lspci]);
    expect(r.conflicts).toEqual([]);
    expect(r.machine!.pci.map((f) => f.class)).toEqual(['0x0c0330', '0x010601']);
    expect(driverFor('8086:a36d', r.machine!.pci[0]!.class)?.name).toBe('xhci_hcd');
  });

  it('a different subclass is still a conflict', () => {
    const log = parseArtefact(
      'dmesg',
      '[    0.1] pci 0000:00:14.0: [8086:a36d] type 00 class 0x0c0330\n',
    );
    const lspci = parseArtefact(
      'lspci',
      '00:14.0 Serial bus controller [0c80]: Intel Corporation Device [8086:a36d]\n',
    );
    const r = importArtefacts([log, lspci]);
    expect(r.conflicts.map((c) => c.path)).toEqual(['$.pci[0].class']);
  });

  it('a bridge the port driver started services on is a root port, with those services', async () => {
    const r = await importFiles([realPath(CRAASK.dmesg), realPath(CRAASK.lspci)]);
    const port = r.machine!.pci.find((f) => f.bdf === '0000:00:1c.0')!;
    expect(port.kind).toBe('root-port');
    expect(port.port_services).toEqual(['pme', 'aer', 'pciehp']);
    expect(driverFor(port.vendor_device, port.class)?.name).toBe('pcieport');
  });

  it('4.x port service lines name the services too', () => {
    const log = parseArtefact(
      'dmesg',
      [
        '[    0.1] pci 0000:00:1c.0: [8086:a110] type 01 class 0x060400',
        '[    0.2] pci 0000:00:1c.0: PCI bridge to [bus 02]',
        '[    0.3] pcieport 0000:00:1c.0: Signaling PME with IRQ 122',
        '[    0.4] aer 0000:00:1c.0:pcie002: service driver aer loaded',
        '[    0.5] pciehp 0000:00:1c.0:pcie004: Slot #0 AttnBtn- PwrCtrl- MRL- AttnInd- PwrInd- HotPlug+',
      ].join('\n'),
    );
    const r = importArtefacts([log]);
    const port = r.machine!.pci[0]!;
    expect([port.kind, port.port_services]).toEqual(['root-port', ['pme', 'aer', 'pciehp']]);
  });

  it('a bridge with no port services and no PCIe evidence stays a PCI bridge', () => {
    const log = parseArtefact(
      'dmesg',
      '[    0.1] pci 0000:00:1e.0: [8086:244e] type 01 class 0x060401\n[    0.2] pci 0000:00:1e.0: PCI bridge to [bus 05]\n',
    );
    expect(importArtefacts([log]).machine!.pci[0]!.kind).toBe('pci-bridge');
  });
});

describe('a log and a plain lspci alone (no /proc/interrupts)', () => {
  it('predict the Craask rows up to its first device irqlab does not model, at the same irqs', async () => {
    const r = await importFiles([realPath(CRAASK.dmesg), realPath(CRAASK.lspci)]);
    expect(r.missing.join('\n')).toMatch(/MSI\/MSI-X capabilities: not listed/);
    const answer = await importFiles([realPath(CRAASK.interrupts)]);
    const real = answer.interrupts[0]!;
    const cmp = compareWithSimulation(real, simulate(r.machine!));
    const wrong = new Set(cmp.differences.flatMap((d) => ('irq' in d ? [d.irq] : [])));
    // Every row before 00:04.0's (processor_thermal_device_pci, the first MSI after the boot's
    // platform and port rows) must be exact.
    const thermal = real.rows.find((x) => x.actions.includes('processor_thermal_device_pci'))!;
    // IO-APIC rows of ACPI devices (touchpad, EC, I2C controllers) are known from the real file
    // only; the platform's own (i8042, RTC, SCI) are in the log.
    const platform = /^(i8042|rtc\d|acpi|timer)$/;
    const before = real.rows.filter(
      (x) => x.irq < thermal.irq && (!/IO-APIC/.test(x.chip) || platform.test(x.actions[0]!)),
    );
    expect(before.length).toBeGreaterThanOrEqual(10);
    expect(before.filter((x) => wrong.has(x.irq)).map((x) => `${x.irq} ${x.actions}`)).toEqual([]);
  });
});

describe('probe order from the log', () => {
  it('virtioN is the N-th virtio function in the order the root buses were enumerated (ACPI order, not bus numbers)', async () => {
    const dir = path.join(repoRoot, 'fixtures', 'qemu', 'q35-pxb-numa@6.1.0-57-amd64');
    const r = await importFiles(
      ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt'].map((f) => path.join(dir, f)),
    );
    const real = (await importFiles([path.join(dir, 'interrupts.txt')])).interrupts[0]!;
    const predicted = parseProcInterrupts(simulate(r.machine!).procInterrupts(), 'predicted');
    const hwirqOf = (rows: typeof real.rows, action: string) =>
      rows.find((x) => x.actions.includes(action))?.hwirq;
    // The log enumerates [PC40] (bus 40) before [PC20] (bus 20): virtio0 is 42:00.0.
    for (const action of ['virtio0-config', 'virtio1-config'])
      expect(hwirqOf(predicted.rows, action), action).toBe(hwirqOf(real.rows, action));
  });
});

describe('interface names', () => {
  it("a driver that requests its irqs at open() names them after udev's rename, as the log shows it", () => {
    const log = parseArtefact(
      'dmesg',
      [
        '[    0.1] pci 0000:00:19.0: [8086:15bb] type 00 class 0x020000',
        '[    0.9] e1000e 0000:00:19.0 eth0: (PCI Express:2.5GT/s:Width x1) 00:00:00:00:00:00',
        '[    4.5] e1000e 0000:00:19.0 eno1: renamed from eth0',
      ].join('\n'),
    );
    const m = importArtefacts([log]).machine!;
    expect(m.pci[0]!.netdev).toBe('eno1');
    expect(simulate(m).procInterrupts()).toMatch(/-edge\s+eno1\n/);
  });
});

describe('a real /proc/interrupts beside the log', () => {
  it('capabilities in use are taken from the rows when lspci did not list them, and said', async () => {
    const r = await importFiles(Object.values(CRAASK).map(realPath));
    const wifi = r.machine!.pci.find((f) => f.bdf === '0000:00:14.3')!;
    expect(wifi.msix?.table_size).toBe(6);
    expect(wifi.msi).toBeNull();
    // iwlwifi is modelled: its table is assumed at what the driver asks for on 4 CPUs (6), which
    // the rows confirm; so is the thermal participant's MSI (processor_thermal_device_pci before
    // 6.7), assumed and said, and none of them needs a capability read from its row.
    expect(r.missing.join('\n')).toMatch(/0000:00:04\.0 MSI \(proc_thermal_pci\)/);
    expect(r.machine!.pci.find((f) => f.bdf === '0000:00:04.0')!.msi?.vectors_max).toBe(1);
    expect(r.notes.join('\n')).not.toMatch(/0000:00:04\.0: MSI capability .* \(seen in use\)/);
  });

  it('devices whose driver is not modelled get an observed request; modelled ones never do', async () => {
    const r = await importFiles(Object.values(CRAASK).map(realPath));
    const m = r.machine!;
    for (const req of m.irq_requests) {
      expect(req.source).toBe('observed');
      const f = m.pci.find((x) => x.bdf === req.device)!;
      expect(driverFor(f.vendor_device, f.class)).toBeNull();
    }
    // The processor thermal participant is modelled (Alder Lake: an MSI up to 6.6, as this
    // ChromeOS 6.6 kernel took; INTx from 6.7), and so is iwlwifi: neither is observed, and the
    // participant's row is predicted at the real irq.
    expect(m.irq_requests.find((q) => q.device === '0000:00:04.0')).toBeUndefined();
    expect(m.irq_requests.find((q) => q.device === '0000:00:14.3')).toBeUndefined();
    const row = (text: string) =>
      parseProcInterrupts(text, 'x').rows.find((x) =>
        x.actions.includes('processor_thermal_device_pci'),
      );
    const real = row(readFileSync(realPath(CRAASK.interrupts), 'utf8'))!;
    expect(row(simulate(m).procInterrupts())).toMatchObject({
      irq: real.irq,
      chip: real.chip,
      hwirq: real.hwirq,
    });
    expect(m.platform_irqs.filter((p) => p.source === 'observed').map((p) => p.name)).toContain(
      'chromeos-ec',
    );
  });

  it('predicts every row of the Craask pair at the same irq, with its chip, hwirq and actions', async () => {
    const r = await importFiles(Object.values(CRAASK).map(realPath));
    const real = r.interrupts[0]!;
    const predicted = parseProcInterrupts(simulate(r.machine!).procInterrupts(), 'predicted');
    const row = (x: (typeof real.rows)[number]) =>
      `${x.irq} ${x.chip} ${x.hwirq}${x.handler ? `-${x.handler}` : ''} ${x.actions.join(', ')}`;
    // Every row, the GPIO pin's (intel-gpio 87, rt5682s, mapped between iwlwifi's MSI-X and the
    // AudioDSP's MSI) included.
    expect(real.rows.some((x) => x.chip === 'intel-gpio')).toBe(true);
    expect(predicted.rows.map(row)).toEqual(real.rows.map(row));
    const cmp = compareWithSimulation(real, simulate(r.machine!));
    expect(cmp.differences.filter((d) => d.kind !== 'counter')).toEqual([]);
    expect(cmp.matched).toBe(real.rows.length);
  });

  it("places a GPIO pin's consumer where the log shows its driver's first line, else by its irq", async () => {
    const r = await importFiles(Object.values(CRAASK).map(realPath));
    const gpio = r.machine!.gpio_irqs;
    expect(gpio).toEqual([
      {
        controller: 'INTC1057:00',
        chip: 'intel-gpio',
        pin: 87,
        name: 'rt5682s',
        device: 'i2c-RTL5682:00',
        after: '0000:00:14.3',
        source: 'observed',
      },
    ]);
    /** The Craask's artefacts, its log's lines edited. */
    const withLog = (edit: (lines: string[]) => void) =>
      importArtefacts(
        craaskArtefacts().map((f) => {
          if (!f.name.endsWith('.dmesg.txt')) return parseArtefact(f.name, f.text);
          const lines = f.text.split('\n');
          edit(lines);
          return parseArtefact(f.name, lines.join('\n'));
        }),
      );
    const codecLine = (lines: string[]) =>
      lines.findIndex((l) => / rt5682s i2c-RTL5682:00: /.test(l));
    // A log that does not show the consumer: it is placed by its irq, after the device whose
    // dynamic irqs come just below it.
    const silent = withLog((lines) => {
      for (let i = codecLine(lines); i >= 0; i = codecLine(lines)) lines.splice(i, 1);
    });
    expect(silent.machine!.gpio_irqs.map((g) => [g.name, g.after, g.device])).toEqual([
      ['rt5682s', '0000:00:14.3', undefined],
    ]);
    // A log whose consumer line comes before iwlwifi's: the log wins.
    const earlier = withLog((lines) => {
      const wifi = lines.findIndex((l) => / iwlwifi 0000:00:14\.3: /.test(l));
      const [moved] = lines.splice(codecLine(lines), 1);
      lines.splice(wifi, 0, moved!);
    });
    const g = earlier.machine!.gpio_irqs[0]!;
    expect(g.after).not.toBe('0000:00:14.3');
    const sim = parseProcInterrupts(simulate(earlier.machine!).procInterrupts(), 'p');
    const codecIrq = sim.rows.find((x) => x.actions.includes('rt5682s'))!.irq;
    const wifiIrqs = sim.rows.filter((x) => x.chip.endsWith('0000:00:14.3')).map((x) => x.irq);
    expect(codecIrq).toBeLessThan(Math.min(...wifiIrqs));
  });

  it('reads which device each MSI row is, per-device chip (6.2+) or global hwirq (<= 6.1)', () => {
    const rows = msiRowsByDevice(
      parseProcInterrupts(
        [
          '            CPU0       CPU1',
          ' 122:          0          0  IR-PCI-MSI-0000:00:1c.0    0-edge      PCIe PME',
          ' 129:          0          0  IR-PCI-MSIX-0000:00:14.3    2-edge      iwlwifi:queue_2',
          '  25:          0          0  IR-PCI-MSI 32768-edge      virtio0-config',
          '  26:          0          0  IR-PCI-MSI 32769-edge      virtio0-input.0',
        ].join('\n'),
        'interrupts',
      ),
    );
    expect([...rows].map(([bdf, d]) => [bdf, d.mode, [...d.entries.keys()]])).toEqual([
      ['0000:00:1c.0', 'msi', [0]],
      ['0000:00:14.3', 'msix', [2]],
      ['0000:00:02.0', null, [0, 1]],
    ]);
  });
});

describe('the Huananzhi X99 log with the X99 lspci', () => {
  // The fixtures hold the QD4 board's log and the BD4 board's lspci (one vendor, one chipset,
  // one firmware family): the two disagree on which root port bus 08 is behind. That used to
  // make no machine at all.
  const X99 = {
    dmesg: 'dmesg/huananzhi-x99-qd4-xeon-e5v3-2drhd-xapic-ir.dmesg.txt',
    lspci: 'lspci/huananzhi-x99-bd4-xeon-e5v3.lspci-nnvvvxxxx.txt',
  };
  const flat = (f: string) => keyFacts(f).replace(/\s+/g, ' ');

  it('imports into a machine with every fact SOURCES.md reads from the log', async () => {
    const r = await importFiles([realPath(X99.dmesg), realPath(X99.lspci)]);
    expect(r.problems).toEqual([]);
    const m = r.machine!;
    const facts = flat(X99.dmesg);
    expect(m.cpus.list).toHaveLength(Number(/Allowing (\d+) CPUs/.exec(facts)![1]));
    const ioapics = [...facts.matchAll(/id (\d+) @(0x[0-9a-f]+) GSI (\d+)-(\d+)/g)];
    expect(ioapics.length).toBe(Number(/(\d+) IOAPICs/.exec(facts)![1]));
    expect(
      m.ioapics.map((io) => [io.id, io.address, io.gsi_base, io.gsi_base + io.pins - 1]),
    ).toEqual(ioapics.map((x) => [Number(x[1]), x[2], Number(x[3]), Number(x[4])]));
    const isos = [...facts.matchAll(/IRQ(\d+) -> GSI (\d+)/g)];
    expect(m.interrupt_source_overrides.map((o) => [o.bus_irq, o.gsi])).toEqual(
      isos.map((x) => [Number(x[1]), Number(x[2])]),
    );
    expect(m.hpet?.timers).toBe(Number(/(\d+) comparators/.exec(facts)![1]));
    expect(m.dmar?.host_address_width).toBe(Number(/HAW (\d+)/.exec(facts)![1]));
    const drhds = [...facts.matchAll(/DRHD (0x[0-9a-f]+) flags 0x(\d)/g)];
    expect(
      m.iommus.map((u) => [u.register_base, u.kind === 'intel-vtd' && u.include_pci_all]),
    ).toEqual(drhds.map((x) => [x[1], x[2] === '1']));
    // "DMAR-IR: IOAPIC 1 and IOAPIC 2 both under 0xfbffc000 (IOMMU 1); HPET 0 under 0xfbffc000."
    const ir = /DMAR-IR: (.*?); HPET (\d+) under (0x[0-9a-f]+)/.exec(facts)!;
    const unit = m.iommus.find((u) => u.register_base === ir[3])!;
    expect(unit.kind === 'intel-vtd' && unit.scopes.map((s) => `${s.type} ${s.id}`)).toEqual([
      ...[...ir[1]!.matchAll(/IOAPIC (\d+)/g)].map((x) => `ioapic ${x[1]}`),
      `hpet ${ir[2]}`,
    ]);
    // The x2APIC opt-out: remapping on, in xAPIC mode, as the log says.
    expect(facts).toMatch(/x2APIC opt-out/);
    expect(m.dmar?.x2apic_opt_out).toBe(true);
    const boot = simulate(m).dmesg.join('\n');
    expect(boot).toMatch(/DMAR-IR: Enabled IRQ remapping in xapic mode/);
    expect(boot).not.toMatch(/has no mapping iommu/);
  });

  it("keeps lspci's reading of the PCI tree where the two disagree, and says so", async () => {
    const r = await importFiles([realPath(X99.dmesg), realPath(X99.lspci)]);
    const m = r.machine!;
    const facts = flat(X99.lspci);
    const byBdf = (bdf: string) => m.pci.find((f) => f.bdf === `0000:${bdf}`)!;
    // "PCIe root ports 00:01.0/01.1/02.0/03.0 MSI+ Count=1/2"
    const [, first, rest, count] =
      /root ports (\d\d:\d\d\.\d)((?:\/\d\d\.\d)*) MSI\+ Count=\d+\/(\d+)/.exec(facts)!;
    const ports = [
      first!,
      ...rest!
        .split('/')
        .filter(Boolean)
        .map((d) => `00:${d}`),
    ];
    for (const p of ports)
      expect([p, byBdf(p).kind, byBdf(p).msi?.vectors_max]).toEqual([
        p,
        'root-port',
        Number(count),
      ]);
    // "r8169 08:00.0 MSI-X+ Count=4": behind lspci's 00:1c.3, not the log's 00:1c.2.
    const [, nic, table] = /r8169 (\d\d:\d\d\.\d) MSI-X\+ Count=(\d+)/.exec(facts)!;
    expect(byBdf(nic!).msix?.table_size).toBe(Number(table));
    expect(byBdf(nic!).parent).toBe('0000:00:1c.3');
    expect(byBdf('00:1c.2').secondary_bus).toBeUndefined();
    expect(byBdf('00:1c.2').kind).toBe('root-port');
    expect(r.conflicts.map((c) => c.what).join('\n')).toMatch(
      /bus 08 is the secondary bus of 0000:00:1c\.3 and of 0000:00:1c\.2/,
    );
    // "00:05.4 is the IOAPIC function": a type 0 function, and the DMI2 host bridge (whose Express
    // capability says "Root Port") stays a host bridge.
    expect(facts).toMatch(/00:05\.4 is the IOAPIC function/);
    expect(byBdf('00:05.4').class).toMatch(/^0x0800/);
    expect(byBdf('00:00.0').kind).toBe('host-bridge');
    expect(r.conflicts.map((c) => c.path)).not.toContain('$.pci[0].kind');
    // Every lspci function is in the machine.
    const lspciCount = Number(/(\d+) functions/.exec(facts)![1]);
    const fromLspci = m.pci.filter((_, i) =>
      (r.provenance[`$.pci[${i}]`] ?? []).some((at) => at.file.endsWith(X99.lspci.split('/')[1]!)),
    );
    expect(fromLspci).toHaveLength(lspciCount);
    expect(simulate(m).procInterrupts()).toMatch(/IR-PCI-MSIX-0000:08:00\.0\s+0-edge\s+enp8s0/);
  });
});

describe('what a log says about probe order', () => {
  const fns = [
    '[    0.10] pci 0000:00:03.0: [1b36:000d] type 00 class 0x0c0330',
    '[    0.11] pci 0000:00:05.0: [8086:293e] type 00 class 0x040300',
    '[    0.12] pci 0000:00:07.0: [8086:10d3] type 00 class 0x020000',
    '[    0.13] pci 0000:20:00.0: [1b36:000c] type 01 class 0x060400',
    '[    0.14] pci 0000:40:00.0: [1b36:000c] type 01 class 0x060400',
  ];
  const lspci = parseArtefact(
    'lspci',
    [
      '00:03.0 USB controller [0c03]: Red Hat, Inc. QEMU XHCI Host Controller [1b36:000d] (rev 01) (prog-if 30 [XHCI])',
      '\tInterrupt: pin A routed to IRQ 23',
      '00:07.0 Ethernet controller [0200]: Intel Corporation 82574L Gigabit Network Connection [8086:10d3]',
      '\tInterrupt: pin A routed to IRQ 23',
      '20:00.0 PCI bridge [0604]: Red Hat, Inc. QEMU PCIe Root port [1b36:000c]',
      '\tInterrupt: pin A routed to IRQ 11',
      '40:00.0 PCI bridge [0604]: Red Hat, Inc. QEMU PCIe Root port [1b36:000c]',
      '\tInterrupt: pin A routed to IRQ 11',
    ].join('\n'),
  );
  const order = (lines: string[]) =>
    importArtefacts([parseArtefact('dmesg', [...fns, ...lines].join('\n')), lspci]).machine!
      .probe_order;

  it('a link enabled just before a driver line is that function’s, not the lowest BDF on it', () => {
    expect(
      order([
        '[    1.0] ACPI: \\_SB_.LNKD: Enabled at IRQ 11',
        '[    1.1] pcieport 0000:40:00.0: PME: Signaling with IRQ 25',
        '[    1.2] pcieport 0000:20:00.0: PME: Signaling with IRQ 26',
      ])!.slice(0, 2),
    ).toEqual(['0000:40:00.0', '0000:20:00.0']);
  });

  it('a USB controller’s link enabled before any driver is quirk_usb_early_handoff’s: no probe', () => {
    const o = order([
      '[    0.5] ACPI: \\_SB_.GSIH: Enabled at IRQ 23',
      '[    0.6] pci 0000:00:03.0: quirk_usb_early_handoff+0x0/0x760 took 28011 usecs',
      '[    4.0] e1000e 0000:00:07.0 eth0: Intel(R) PRO/1000 Network Connection',
      '[    5.0] xhci_hcd 0000:00:03.0: xHCI Host Controller',
    ])!;
    expect(o.indexOf('0000:00:07.0')).toBeLessThan(o.indexOf('0000:00:03.0'));
  });

  it('an HD audio codec line places its card’s controller, which names no BDF itself', () => {
    const o = order([
      '[    4.0] e1000e 0000:00:07.0 eth0: Intel(R) PRO/1000 Network Connection',
      '[    5.5] snd_hda_codec_generic hdaudioC0D0: autoconfig for Generic: line_outs=1',
      '[    5.7] xhci_hcd 0000:00:03.0: xHCI Host Controller',
    ])!;
    expect(o.slice(0, 3)).toEqual(['0000:00:07.0', '0000:00:05.0', '0000:00:03.0']);
  });

  it('nvme queue lines give the order the controllers’ asynchronous work ended', () => {
    const log = parseArtefact(
      'dmesg',
      [
        '[    0.1] pci 0000:21:00.0: [1b36:0010] type 00 class 0x010802',
        '[    0.2] pci 0000:41:00.0: [1b36:0010] type 00 class 0x010802',
        '[    6.8] nvme nvme0: pci function 0000:41:00.0',
        '[    6.9] nvme nvme1: pci function 0000:21:00.0',
        '[    7.0] nvme nvme1: 4/0/0 default/read/poll queues',
        '[    7.1] nvme nvme0: 4/0/0 default/read/poll queues',
      ].join('\n'),
    );
    const m = importArtefacts([log]).machine!;
    expect([m.probe_order, m.async_order]).toEqual([
      ['0000:41:00.0', '0000:21:00.0'],
      ['0000:21:00.0', '0000:41:00.0'],
    ]);
  });
});

describe('what-ifs on an imported real machine', () => {
  /** The Craask, a device of it irqlab does not model: its interrupt comes from the real file. */
  async function craaskWithObservedDevice() {
    const dir = mkdtempSync(path.join(tmpdir(), 'irqlab-what-if-'));
    try {
      const files = craaskWithUnknownDevice().map((f) => {
        const to = path.join(dir, f.name);
        writeFileSync(to, f.text);
        return to;
      });
      return (await importFiles(files)).machine!;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const thermalRow = (sim: ReturnType<typeof simulate>) =>
    parseProcInterrupts(sim.procInterrupts(), 'predicted').rows.find((x) =>
      x.actions.includes('processor_thermal_device_pci'),
    );

  it('boots with more CPUs, with IR off and under another kernel, the observed device kept', async () => {
    const m = await craaskWithObservedDevice();
    expect(m.irq_requests.find((q) => q.device === '0000:00:04.0')?.source).toBe('observed');
    expect(thermalRow(simulate(m))?.chip).toBe('IR-PCI-MSI-0000:00:04.0');

    // Twice the CPUs: every row has a column for each.
    const more = structuredClone(m);
    const last = more.cpus.list[more.cpus.list.length - 1]!;
    const n = more.cpus.list.length;
    for (let i = 0; i < n; i++)
      more.cpus.list.push({ ...last, cpu: n + i, apic_id: last.apic_id + 2 * (i + 1) });
    const wider = simulate(more);
    expect(parseProcInterrupts(wider.procInterrupts(), 'predicted').cpus).toHaveLength(2 * n);
    expect(thermalRow(wider)?.chip).toBe('IR-PCI-MSI-0000:00:04.0');

    // intremap=off: the same request, now a plain PCI-MSI message.
    const irOff = structuredClone(m);
    irOff.kernel.cmdline = `${irOff.kernel.cmdline ?? ''} intremap=off`.trim();
    const plain = simulate(irOff);
    expect(plain.dmesg.join('\n')).not.toMatch(/Enabled IRQ remapping/);
    expect(thermalRow(plain)?.chip).toBe('PCI-MSI-0000:00:04.0');

    // A 5.15 kernel: one global IR-PCI-MSI domain (per-device MSI domains came in 6.2).
    expect(thermalRow(simulate(m, { profile: '5.15' }))?.chip).toBe('IR-PCI-MSI');
  });
});
