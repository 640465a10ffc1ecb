import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ownerOf, simulate } from '../scenario';
import { qemuFixtureMachine } from '../testing/qemu';
import { sharedPath } from '../testing/shared';
import { decodeMsi } from './decode';

/** The MSI Address/Data lspci printed for a function of a QEMU fixture. */
function lspciMessage(fixture: string, bdf: string): { address: bigint; data: number } {
  const text = readFileSync(sharedPath('fixtures', 'qemu', fixture, 'lspci.txt'), 'utf8');
  const section = text.slice(text.indexOf(`\n${bdf} `));
  const m = /Address: ([0-9a-f]+)\s+Data: ([0-9a-f]+)/.exec(section)!;
  return { address: BigInt('0x' + m[1]), data: parseInt(m[2]!, 16) };
}

describe('decode msi', () => {
  it('reads a remappable message as handle + sub-handle and finds its IRTE and irq (q35-ir-4cpu AHCI)', () => {
    const { address, data } = lspciMessage('q35-ir-4cpu', '0000:00:1f.2');
    const d = decodeMsi(address, data);
    expect(d.format).toBe('remappable');
    const machine = qemuFixtureMachine('q35-ir-4cpu');
    const run = simulate(machine, { profile: '6.1' });
    const ahci = run.irqs.find((i) => i.owner === '0000:00:1f.2')!;
    const irte = run.remapping.units[0]!.irtes.find((e) => e.irq === ahci.irq)!;
    expect(d.index).toBe(irte.index);
    const ids = new Map(machine.cpus.list.map((c) => [c.cpu, c.apic_id]));
    expect(ownerOf(d, run, ids).join('\n')).toContain(`irq ${ahci.irq} (IR-PCI-MSI`);
  });

  it('reads a compatibility message: flat logical destination, vector, and the irq on that CPU (q35-noir-2cpu AHCI)', () => {
    const { address, data } = lspciMessage('q35-noir-2cpu', '0000:00:1f.2');
    const d = decodeMsi(address, data);
    expect(d.format).toBe('compatibility');
    expect(d.logical).toBe(true);
    const machine = qemuFixtureMachine('q35-noir-2cpu');
    const run = simulate(machine, { profile: '6.1' });
    const ahci = run.irqs.find((i) => i.owner === '0000:00:1f.2')!;
    expect([d.vector, d.destination]).toEqual([ahci.vector, 1 << ahci.cpu]);
    const ids = new Map(machine.cpus.list.map((c) => [c.cpu, c.apic_id]));
    expect(ownerOf(d, run, ids).join('\n')).toContain(`irq ${ahci.irq} (PCI-MSI`);
  });

  it("decodes the old kernels' level-assert, lowest-priority message of the lspci fixtures", () => {
    const d = decodeMsi(0xfee0300cn, 0x4152);
    expect([d.destination, d.logical, d.redirectionHint, d.vector, d.deliveryMode]).toEqual([
      3,
      true,
      true,
      0x52,
      'lowest-priority',
    ]);
  });

  it('says when an address is not an interrupt at all', () => {
    expect(decodeMsi(0xfed00000n, 0).format).toBe('not-an-interrupt');
  });
});
