// Drivers whose interrupt names or types changed by release (issue 15): mlx5_core's vector
// layout, Intel LPSS's INTx then MSI, the processor thermal participant's MSI then INTx. Each
// era is checked at a profile inside it, and the INTx eras against real /proc/interrupts rows.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProcInterrupts } from '../../import/interrupts';
import { realPath } from '../../testing/sources';
import { PROFILES } from '../profiles';
import { driverFor, type DriverContext } from './catalogue';

const ctx = (profile: string, over: Partial<DriverContext> = {}): DriverContext => ({
  cpus: 4,
  msixTableSize: 64,
  msiMax: 1,
  hasIntx: true,
  bdf: '0000:03:00.0',
  instance: 0,
  netdev: '',
  vendorDevice: '0000:0000',
  vfs: 0,
  profile: PROFILES[profile]!,
  ...over,
});

/** Every vector's name of the driver's one round, as many as it asks for at most. */
function names(vendorDevice: string, cls: string, c: DriverContext): string[] {
  const d = driverFor(vendorDevice, cls)!;
  const [plan] = d.plan(c);
  return Array.from({ length: plan!.max }, (_, i) => plan!.name(i, plan!.modes[0]!));
}

describe('mlx5_core: its vectors by era', () => {
  const cx5 = '15b3:1017';
  const at = '@pci:0000:03:00.0';
  it('4.x: the pages, command and async EQs on vectors 0-2, completions from 3', () => {
    expect(names(cx5, '0x020000', ctx('4.20'))).toEqual([
      `mlx5_pages_eq${at}`,
      `mlx5_cmd_eq${at}`,
      `mlx5_async_eq${at}`,
      ...[0, 1, 2, 3].map((i) => `mlx5_comp${i}${at}`),
    ]);
  });
  it('5.3-5.13 one control vector "mlx5_async", 5.14 "mlx5_async0", then completions', () => {
    expect(names(cx5, '0x020000', ctx('5.11')).slice(0, 2)).toEqual([
      `mlx5_async${at}`,
      `mlx5_comp0${at}`,
    ]);
    expect(names(cx5, '0x020000', ctx('5.14')).slice(0, 2)).toEqual([
      `mlx5_async0${at}`,
      `mlx5_comp0${at}`,
    ]);
  });
  it('5.16-6.3: completions first, the control vector last, named by its index', () => {
    expect(names(cx5, '0x020000', ctx('6.1'))).toEqual([
      ...[0, 1, 2, 3].map((i) => `mlx5_comp${i}${at}`),
      `mlx5_async4${at}`,
    ]);
  });
  it('6.4 on: the control vector first again', () => {
    const n = names(cx5, '0x020000', ctx('mainline'));
    expect([n[0], n[1], n.length]).toEqual([`mlx5_async0${at}`, `mlx5_comp0${at}`, 5]);
  });
  it('the table bounds the completions', () => {
    expect(names(cx5, '0x020000', ctx('4.20', { msixTableSize: 5 }))).toHaveLength(5);
  });
});

describe('Intel LPSS: idma64 and the function driver share one interrupt', () => {
  const rows = parseProcInterrupts(
    readFileSync(realPath('interrupts/intel-16cpu-i915-nvme-2drhd-ir.interrupts.txt'), 'utf8'),
    'x',
  ).rows.filter((r) => r.actions.some((a) => a.startsWith('idma64.')));

  it('up to 6.9 the INTx, "idma64.<devid>, i2c_designware.<devid>" as the real rows show', () => {
    // UART functions (Alder Lake-N's 54a8) are left to what the artefacts show.
    expect(driverFor('8086:54a8', '0x078000')).toBeNull();
    const adln = driverFor('8086:54e8', '0x0c8000')!;
    const [plan] = adln.plan(ctx('6.6', { instance: 3 }));
    expect(plan!.modes).toEqual(['intx']);
    const shown = [plan!.name(0, 'intx'), ...plan!.sharedActions!(0, 'intx')].join(', ');
    expect(shown).toBe('idma64.3, i2c_designware.3');
    // The same shape as each real LPSS row (IO-APIC, fasteoi, the two actions of one devid).
    for (const r of rows) {
      expect(r.chip).toMatch(/IO-APIC/);
      expect(r.actions).toEqual([r.actions[0], r.actions[0]!.replace('idma64', 'i2c_designware')]);
    }
    expect(rows.length).toBeGreaterThan(0);
  });

  it('from 6.10 one vector of any type; SPI functions name pxa2xx-spi', () => {
    const [i2c] = driverFor('8086:9d60', '0x118000')!.plan(ctx('6.10'));
    expect(i2c!.modes).toEqual(['msix', 'msi', 'intx']);
    const [spi] = driverFor('8086:9d29', '0x118000')!.plan(ctx('6.12', { instance: 1 }));
    expect(spi!.sharedActions!(0, 'msi')).toEqual(['pxa2xx-spi.1']);
  });
});

describe('processor thermal participant by era', () => {
  const modes = (id: string, profile: string) =>
    driverFor(id, '0x118000')!.plan(ctx(profile))[0]!.modes;
  it('Alder Lake: one vector of any type (an MSI) up to 6.6, the INTx from the 6.8 profile', () => {
    expect(modes('8086:461d', '6.6')).toEqual(['msix', 'msi', 'intx']);
    expect(modes('8086:461d', '6.8')).toEqual(['intx']);
    expect(modes('8086:a71d', 'mainline')).toEqual(['intx']);
    expect(driverFor('8086:461d', '0x118000')!.plan(ctx('6.1'))[0]!.name(0, 'msi')).toBe(
      'processor_thermal_device_pci',
    );
  });
  it('Broxton (the legacy driver): an MSI named proc_thermal; Skylake asks for nothing', () => {
    const [bxt] = driverFor('8086:0a8c', '0x118000')!.plan(ctx('4.4'));
    expect([bxt!.modes, bxt!.name(0, 'msi')]).toEqual([['msi'], 'proc_thermal']);
    expect(driverFor('8086:1903', '0x118000')).toBeNull();
  });
});
