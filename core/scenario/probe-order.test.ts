// The order probes allocate their vectors, held to the pxb-numa oracle captures (two nvme on two
// NUMA nodes, virtio-net and virtio-blk on two pxb host bridges), under 6.1 and 6.12: virtio-pci
// binds both virtio functions first (virtio0 = 42:00.0, the first in bind order), virtio_net's
// module loads before virtio_blk's, and the two nvme controllers set up side by side, each era
// its own way (6.1: admin and I/O vectors together in nvme_reset_work; 6.12: admin vectors in
// probe, I/O vectors after Identify), in the order the log's queue lines show.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProcInterrupts } from '../import/interrupts';
import { importFiles } from '../import/node/read';
import { repoRoot } from '../testing/shared';
import { simulate } from './index';

const capture = (release: string) =>
  path.join(repoRoot, 'fixtures', 'qemu', `q35-pxb-numa@${release}`);

async function load(release: string) {
  const dir = capture(release);
  const r = await importFiles(
    ['dmesg.txt', 'lspci.txt', 'acpi.acpidump.txt'].map((f) => path.join(dir, f)),
  );
  const real = (await importFiles([path.join(dir, 'interrupts.txt')])).interrupts[0]!;
  return { machine: r.machine!, real };
}

const layout = (text: string) =>
  parseProcInterrupts(text, 'x').rows.map((r) => `${r.irq} ${r.chip} ${r.hwirq} ${r.actions}`);

describe('probe order on the pxb-numa machine', () => {
  for (const release of ['6.1.0-57-amd64', '6.12.117+deb12-amd64'])
    it(`${release}: every row at the real irq, chip, hwirq and action`, async () => {
      const { machine, real } = await load(release);
      const predicted = layout(simulate(machine).procInterrupts());
      expect(predicted).toEqual(real.rows.map((r) => `${r.irq} ${r.chip} ${r.hwirq} ${r.actions}`));
    });

  it('the log orders the controllers\u2019 asynchronous work: reversed, the I/O vectors swap', async () => {
    const { machine } = await load('6.12.117+deb12-amd64');
    expect(machine.async_order).toEqual(['0000:21:00.0', '0000:41:00.0']);
    const firstIo = (m: typeof machine) =>
      parseProcInterrupts(simulate(m).procInterrupts(), 'x').rows.find((r) =>
        /^nvme\dq1$/.test(r.actions[0]!),
      )!.actions[0];
    expect(firstIo(machine)).toBe('nvme0q1');
    expect(firstIo({ ...machine, async_order: ['0000:41:00.0', '0000:21:00.0'] })).toBe('nvme1q1');
  });
});
