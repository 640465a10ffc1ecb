// A mask's cpulist ("%*pbl") as the kernel prints it: CpuMask.toList, which reads whole words,
// against bitmapList, which tests bit by bit, on masks with runs across and along word edges.
import { describe, expect, it } from 'vitest';
import { bitmapList, CpuMask } from './cpumask';

describe('CpuMask.toList', () => {
  it('prints the ranges of set bits as bitmapList does', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
    for (const nbits of [1, 31, 32, 33, 64, 100, 1536]) {
      const masks = [new CpuMask(nbits), CpuMask.all(nbits)];
      for (let k = 0; k < 40; k++) {
        // Runs of random lengths: some end on a word's edge, some at nbits.
        const m = new CpuMask(nbits);
        let set = random() < 0.5;
        for (let cpu = 0; cpu < nbits;) {
          const run = 1 + Math.floor(random() * (k % 2 ? 40 : 4));
          for (let i = cpu; i < Math.min(cpu + run, nbits); i++) if (set) m.set(i);
          cpu += run;
          set = !set;
        }
        masks.push(m);
      }
      for (const m of masks) expect(m.toList()).toBe(bitmapList((i) => m.test(i), nbits));
    }
    expect(CpuMask.of(1536, [0, 1, 2, 31, 32, 63, 64, 1535]).toList()).toBe('0-2,31-32,63-64,1535');
  });
});
