// irqlab explain on the real fault lines (shared/fixtures/real/faults) and the interrupt errors
// of linux-irq-model.md §9.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IRQ_REMAP_FAULT_REASONS } from '../kernel/iommu/fault-reasons';
import { PRESETS } from '../model/presets';
import { parseMachine } from '../model/validate';
import { realFixtures, realPath } from '../testing/sources';
import { parseDmesg } from './dmesg';
import { explainLine } from './explain';

describe('explaining real fault lines', () => {
  for (const f of realFixtures('faults')) {
    it(`${f}: every fault record is explained with the kernel's reason text`, () => {
      const r = parseDmesg(readFileSync(realPath(f), 'utf8'), f);
      expect(r.observations.faults.length).toBeGreaterThan(0);
      for (const { fault } of r.observations.faults) {
        const e = explainLine(
          `DMAR: [${fault.kind === 'INTR-REMAP' ? 'INTR-REMAP' : `DMA ${fault.access}`}] Request device [${fault.device}] ${fault.kind === 'INTR-REMAP' ? `fault index 0x${fault.index.toString(16)}` : `fault addr ${fault.address}`} [fault reason 0x${fault.reason.toString(16).padStart(2, '0')}] ${fault.reasonText}`,
        )!;
        expect(e.title).toContain(fault.device);
        expect(e.meaning.join(' ')).toContain(fault.reasonText);
        expect(e.check.length).toBeGreaterThan(0);
      }
    });
  }

  it("reads the raw line in each era's format the same way", () => {
    const lines = [
      '[Thu Oct 22 08:54:51 2020] DMAR: [INTR-REMAP] Request device [42:00.2] fault index 1600 [fault reason 37] Blocked a compatibility format interrupt request',
      'DMAR: [INTR-REMAP] Request device [0x42:0x00.2] fault index 0x1600 [fault reason 0x25] Blocked a compatibility format interrupt request',
      '<3>[  1.0] DMAR: [INTR-REMAP] Request device [42:00.2] fault index 0x1600 [fault reason 0x25] Blocked a compatibility format interrupt request',
    ];
    const [a, b, c] = lines.map((l) => explainLine(l)!);
    expect(b!.causes).toEqual(a!.causes);
    expect(c!.causes).toEqual(a!.causes);
    expect(a!.meaning[0]).toBe(b!.meaning[0]);
    expect(a!.meaning.join(' ')).toMatch(/≤5\.13/);
    expect(b!.meaning.join(' ')).toMatch(/~5\.14/);
  });

  it('has a cause for every interrupt-remapping reason the kernel knows', () => {
    IRQ_REMAP_FAULT_REASONS.forEach((text, i) => {
      const e = explainLine(
        `DMAR: [INTR-REMAP] Request device [01:00.0] fault index 0x10 [fault reason 0x${(0x20 + i).toString(16)}] ${text}`,
      )!;
      expect(e.causes.join(' ')).not.toMatch(/Not an interrupt-remapping reason/);
    });
  });

  it('with a machine: an SR-IOV VF that is not in the machine is found through its PF', () => {
    const base = PRESETS.example!.make();
    const parsed = parseMachine({
      ...base,
      pci: [
        ...base.pci,
        {
          bdf: '0000:02:00.1',
          vendor_device: '15b3:101b',
          class: '0x020000',
          parent: base.pci.find((f) => f.bdf === '0000:02:00.0')!.parent,
          sriov: { total_vfs: 8, num_vfs: 2, vf_device: '101c', first_vf_offset: 1, vf_stride: 1 },
        },
      ],
    });
    expect(parsed.ok).toBe(true);
    const m = parsed.ok ? parsed.machine : base;
    const e = explainLine(
      'DMAR: [INTR-REMAP] Request device [02:00.3] fault index 1600 [fault reason 37] Blocked a compatibility format interrupt request',
      m,
    )!;
    expect(e.causes.join(' ')).toContain('02:00.3 is SR-IOV VF 1 of 0000:02:00.1 [15b3:101b]');
    expect(e.causes.join(' ')).toMatch(/5\.10-rc1\.\.rc3 regression/);
  });
});

describe('explaining interrupt errors', () => {
  it.each([
    ['DMAR: DRHD: handling fault status reg 102', /first fault record index \(FRI\) 1/],
    [
      'DMAR-IR: [Firmware Bug]: ioapic 2 has no mapping iommu, interrupt remapping will be disabled',
      /IOAPIC 2 not in any DRHD scope/,
    ],
    ['DMAR-IR: x2apic is disabled because BIOS sets x2apic opt out bit.', /x2APIC opt-out/],
    ["x2apic: IRQ remapping doesn't support X2APIC mode", /x2APIC without interrupt remapping/],
    ['irq 35: Affinity broken due to vector space exhaustion.', /irq 35: affinity broken/],
    ["DMAR-IR: IR0: can't allocate an IRTE", /interrupt-remapping table full/],
    ['Interrupt reservation exceeds available resources', /vector reservations exceed/],
    [
      "pcieport 0000:00:1c.0: can't enable MSI (MSI-X already enabled)",
      /driver mixed MSI and MSI-X/,
    ],
    [
      'DMAR: DRHD fed91000: failed to enable fault, interrupt, ret -28',
      /fed91000: no fault interrupt \(-28 \(ENOSPC\)\)/,
    ],
  ])('%s', (line, want) => {
    const e = explainLine(line)!;
    expect([e.title, ...e.meaning].join(' ')).toMatch(want);
    expect(e.check.length).toBeGreaterThan(0);
  });

  it('says what a line means in words, with no internal catalogue references such as "(F12)"', () => {
    const machine = PRESETS.example!.make();
    for (const line of [
      "x2apic: IRQ remapping doesn't support X2APIC mode",
      'DMAR-IR: [Firmware Bug]: ioapic 2 has no mapping iommu, interrupt remapping will be disabled',
      'DMAR-IR: x2apic is disabled because BIOS sets x2apic opt out bit.',
      'BUG: kernel NULL pointer dereference, address: 0000000000000000',
      'DMAR: DRHD fed91000: failed to enable fault, interrupt, ret -28',
      'DMAR: [INTR-REMAP] Request device [42:00.2] fault index 1600 [fault reason 37] Blocked a compatibility format interrupt request',
      'DMAR: [INTR-REMAP] Request device [42:00.2] fault index 1600 [fault reason 38] Detected reserved fields in the IRTE entry',
    ]) {
      const e = explainLine(line, machine)!;
      const text = [e.title, ...e.meaning, ...e.causes, ...e.check].join('\n');
      expect(text, line).not.toMatch(/\bF\d+\b/);
    }
  });

  it('never lists the kernel version as a likely cause', () => {
    const machine = PRESETS['seed-vf-compat-blocked']!.make();
    expect(machine.kernel.version).toBeTruthy();
    const e = explainLine(
      'DMAR: [INTR-REMAP] Request device [42:00.2] fault index 2100 [fault reason 37] Blocked a compatibility format interrupt request',
      machine,
    )!;
    expect(e.causes.length).toBeGreaterThan(0);
    for (const c of e.causes)
      expect(c).not.toMatch(new RegExp(`^Kernel ${machine.kernel.version}`));
    expect(e.causes).not.toContain(`Kernel ${machine.kernel.version}.`);
  });

  it('returns null for lines it does not know', () => {
    expect(explainLine('usb 1-1: new high-speed USB device number 2 using xhci_hcd')).toBeNull();
  });
});
