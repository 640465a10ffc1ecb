// A QEMU fixture's machine as the simulator should see it: the oracle's machine.json, with the
// drivers' probe order taken from the modules the fixture loaded (insmod.txt), in order.
import { readFileSync } from 'node:fs';
import { fromOracleMachine } from '../model/oracle';
import type { Machine } from '../model/schema';
import { sharedPath } from './shared';

const fixture = (name: string, file: string) =>
  readFileSync(sharedPath('fixtures', 'qemu', name, file), 'utf8');

/** Which loaded module binds which PCI functions (by vendor:device or the oracle's driver name). */
const MODULE_BINDS: Record<
  string,
  (f: { vendor_device: string; driver: string | null }) => boolean
> = {
  virtio_net: (f) => f.vendor_device === '1af4:1000' || f.vendor_device === '1af4:1041',
  virtio_blk: (f) => f.vendor_device === '1af4:1001' || f.vendor_device === '1af4:1042',
  nvme: (f) => f.driver === 'nvme',
  e1000e: (f) => f.driver === 'e1000e',
  ahci: (f) => f.driver === 'ahci',
  'i2c-i801': (f) => f.driver === 'i801_smbus',
};

/** The machine, with the drivers' probe order taken from the modules the fixture loaded, in order. */
export function qemuFixtureMachine(name: string): Machine {
  const oracle = JSON.parse(fixture(name, 'machine.json'));
  const machine = fromOracleMachine(oracle);
  const modules = fixture(name, 'insmod.txt')
    .split('\n')
    .map((l) => /\/([\w-]+)\.ko: ok/.exec(l)?.[1])
    .filter((m): m is string => !!m);
  machine.probe_order = modules.flatMap((mod) =>
    (oracle.pci as { bdf: string; vendor_device: string; driver: string | null }[])
      .filter((f) => MODULE_BINDS[mod]?.(f))
      .map((f) => f.bdf),
  );
  return machine;
}
