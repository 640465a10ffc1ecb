// What memory costs on this machine at the moment: the microseconds a first touch of a fresh 4 KiB
// page takes (a minor page fault: the kernel, and on a VM the hypervisor, backing the page).
//
// Every figure that starts a process, grows a heap or allocates a run's buffers pays it per 4 KiB
// touched, so it is printed beside them as the machine's condition. On the 2-core VM irqlab is
// built on it was 12-16 us (64 MiB touched: ~0.9 s); `node -e 0` alone faults ~2,200 times, and
// the large preset's first boot in a fresh process 40,000-46,000 (11,000-28,000 for the warm
// boots after it). A reader comparing two runs of `npm run bench` compares this first.
//
// Taken in a small process of its own (this one's heap is large by the time the bench ends): a
// 64 MiB typed array (calloc: fresh zero pages, untouched) written once per 4 KiB, the loop's time
// over its 16,384 pages (where the kernel backs several at a fault, as with huge pages, that is
// still what 4 KiB of fresh memory costs); the median of 3 processes.
//   npx tsx bench/machine.ts
import { spawnSync } from 'node:child_process';
import { median } from './stats';

const TOUCHED_BYTES = 64 * 1024 * 1024;
const TOUCH_ONE_BYTE_PER_PAGE = `
const bytes = new Uint8Array(${TOUCHED_BYTES});
const t0 = performance.now();
for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
process.stdout.write(String((performance.now() - t0) * 1000));
`;

/** Microseconds per first touch of a 4 KiB page; median of `processes` runs. */
export function pageFaultMicroseconds(processes = 3): number {
  const each: number[] = [];
  for (let i = 0; i < processes; i++) {
    const r = spawnSync(process.execPath, ['-e', TOUCH_ONE_BYTE_PER_PAGE], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the page-touch process exited ${r.status}: ${r.stderr}`);
    each.push(Number(r.stdout) / (TOUCHED_BYTES / 4096));
  }
  return Number(median(each).toFixed(2));
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(`page_fault_us: ${pageFaultMicroseconds()}`);
