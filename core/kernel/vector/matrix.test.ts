import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CpuMask, popcount } from '../cpumask';
import { EINVAL, ENOSPC } from '../errno';
import { IrqMatrix } from './matrix';
import { createVectorMatrix, systemVectors } from './vector-domain';

const PROFILE_6_1 = { firstSystemVector: 0xec, hasMoveCleanupVector: true };

function fresh(cpus: number): IrqMatrix {
  const m = createVectorMatrix(cpus, PROFILE_6_1, true);
  for (let c = 0; c < cpus; c++) m.irq_matrix_online(c);
  return m;
}

describe('irq_matrix_alloc', () => {
  it('picks the online CPU with the most available vectors, ties to the lowest CPU', () => {
    const m = fresh(4);
    const all = CpuMask.all(4);
    expect(m.irq_matrix_alloc(all, false)).toBe(33); // 0x20 is the cleanup vector (system)
    expect(m.lastCpu).toBe(0);
    m.irq_matrix_alloc(all, false);
    expect(m.lastCpu).toBe(1);
    m.irq_matrix_offline(2);
    m.irq_matrix_alloc(all, false);
    expect(m.lastCpu).toBe(3);
  });

  it('takes the lowest free vector, skipping system vectors (0x32 cascade, 0x80 syscall)', () => {
    const m = fresh(1);
    const one = CpuMask.of(1, [0]);
    const got: number[] = [];
    for (let i = 0; i < 100; i++) got.push(m.irq_matrix_alloc(one, false));
    expect(got).not.toContain(0x32);
    expect(got).not.toContain(0x80);
    expect(got[0]).toBe(0x21);
  });

  it('fails with -ENOSPC when the CPUs of the mask are full, -EINVAL for an empty mask', () => {
    const m = fresh(1);
    const one = CpuMask.of(1, [0]);
    const slots = m.available[0]!;
    for (let i = 0; i < slots; i++) expect(m.irq_matrix_alloc(one, false)).toBeGreaterThan(0);
    expect(m.irq_matrix_alloc(one, false)).toBe(-ENOSPC);
    expect(m.irq_matrix_alloc(new CpuMask(1), false)).toBe(-EINVAL);
  });

  it('has 201 vectors per CPU with the 6.1 system vectors (204 slots less 0x20, 0x32, 0x80)', () => {
    expect(fresh(2).available[1]).toBe(201);
    expect(systemVectors(PROFILE_6_1, true)).toContain(0x32);
  });
});

describe('managed vectors', () => {
  it('irq_matrix_alloc_managed picks the CPU with the fewest managed allocations, ties to the last', () => {
    const m = fresh(3);
    const all = CpuMask.all(3);
    expect(m.irq_matrix_reserve_managed(all)).toBe(0);
    expect(m.irq_matrix_reserve_managed(all)).toBe(0);
    m.irq_matrix_alloc_managed(all);
    expect(m.lastCpu).toBe(2);
    m.irq_matrix_alloc_managed(all);
    expect(m.lastCpu).toBe(1);
  });

  it('irq_matrix_reserve_managed undoes every CPU done so far when one is full', () => {
    const m = fresh(2);
    const cpu1 = CpuMask.of(2, [1]);
    while (m.irq_matrix_alloc(cpu1, false) > 0);
    const before = m.snapshot();
    expect(m.irq_matrix_reserve_managed(CpuMask.all(2))).toBe(-ENOSPC);
    expect(m.snapshot()).toEqual(before);
  });
});

/** The invariants of the matrix, checked against its own bitmaps. */
function checkInvariants(m: IrqMatrix): void {
  let globalAvailable = 0;
  let total = 0;
  for (let cpu = 0; cpu < m.nrCpus; cpu++) {
    let alloc = 0;
    let managed = 0;
    let managedAllocated = 0;
    for (let w = 0; w < 8; w++) {
      const a = m.allocMap[cpu * 8 + w]!;
      const mm = m.managedMap[cpu * 8 + w]!;
      expect(a & m.systemMap[w]!).toBe(0); // no device vector on a system vector
      alloc += popcount(a);
      managed += popcount(mm);
      managedAllocated += popcount(a & mm);
    }
    expect(m.allocated[cpu]).toBe(alloc);
    expect(m.managed[cpu]).toBe(managed);
    expect(m.managedAllocated[cpu]).toBe(managedAllocated);
    if (m.initialized[cpu]) {
      // available = slots - system - unmanaged allocations - managed reservations
      expect(m.available[cpu]).toBe(
        m.allocSize - m.systembitsInalloc - (alloc - managedAllocated) - managed,
      );
    }
    if (m.online[cpu]) globalAvailable += m.available[cpu]!;
    total += alloc;
  }
  expect(m.globalAvailable).toBe(globalAvailable);
  expect(m.totalAllocated).toBe(total);
}

type Op =
  | { op: 'alloc'; cpus: number[] }
  | { op: 'allocAll' }
  | { op: 'reserveManaged'; cpus: number[] }
  | { op: 'allocManaged'; cpus: number[] }
  | { op: 'free'; pick: number }
  | { op: 'offline'; cpu: number }
  | { op: 'online'; cpu: number };

const opArb = (nr: number): fc.Arbitrary<Op> => {
  const cpus = fc.uniqueArray(fc.integer({ min: 0, max: nr - 1 }), { minLength: 1, maxLength: nr });
  return fc.oneof(
    { weight: 5, arbitrary: cpus.map((c) => ({ op: 'alloc' as const, cpus: c })) },
    { weight: 5, arbitrary: fc.constant({ op: 'allocAll' as const }) },
    { weight: 2, arbitrary: cpus.map((c) => ({ op: 'reserveManaged' as const, cpus: c })) },
    { weight: 2, arbitrary: cpus.map((c) => ({ op: 'allocManaged' as const, cpus: c })) },
    { weight: 4, arbitrary: fc.nat().map((pick) => ({ op: 'free' as const, pick })) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: nr - 1 })
        .map((cpu) => ({ op: 'offline' as const, cpu })),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: nr - 1 }).map((cpu) => ({ op: 'online' as const, cpu })),
    },
  );
};

describe('matrix invariants under random operation sequences', () => {
  it('no vector owned twice, counters equal the bitmaps, the fast path equals the scan, freeing all restores the start', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 40 })
          .chain((nr) => fc.tuple(fc.constant(nr), fc.array(opArb(nr), { maxLength: 400 }))),
        ([nr, ops]) => {
          const m = fresh(nr);
          const start = m.snapshot();
          const owned: { cpu: number; vector: number; managed: boolean }[] = [];
          const reservations: CpuMask[] = [];
          const all = CpuMask.all(nr);
          for (const o of ops) {
            if (o.op === 'alloc' || o.op === 'allocAll') {
              const mask = o.op === 'alloc' ? CpuMask.of(nr, o.cpus) : null;
              // The O(1) answer over all online CPUs is the scan's answer.
              if (mask === null) {
                const probe = new IrqMatrix(nr, m.allocStart, m.allocEnd);
                probe.restore(m.snapshot());
                const scanned = probe.irq_matrix_alloc(all, false);
                const v = m.irq_matrix_alloc(null, false);
                expect([v, m.lastCpu]).toEqual([scanned, scanned >= 0 ? probe.lastCpu : m.lastCpu]);
                if (v > 0) owned.push({ cpu: m.lastCpu, vector: v, managed: false });
              } else {
                const v = m.irq_matrix_alloc(mask, false);
                if (v > 0) owned.push({ cpu: m.lastCpu, vector: v, managed: false });
              }
            } else if (o.op === 'reserveManaged') {
              const mask = CpuMask.of(nr, o.cpus);
              if (m.irq_matrix_reserve_managed(mask) === 0) reservations.push(mask);
            } else if (o.op === 'allocManaged') {
              const v = m.irq_matrix_alloc_managed(CpuMask.of(nr, o.cpus));
              if (v > 0) owned.push({ cpu: m.lastCpu, vector: v, managed: true });
            } else if (o.op === 'free' && owned.length > 0) {
              const [x] = owned.splice(o.pick % owned.length, 1);
              m.irq_matrix_free(x!.cpu, x!.vector, x!.managed);
            } else if (o.op === 'offline' && m.online[o.cpu]) {
              m.irq_matrix_offline(o.cpu);
            } else if (o.op === 'online' && !m.online[o.cpu]) {
              m.irq_matrix_online(o.cpu);
            }
            const keys = owned.map((x) => `${x.cpu}:${x.vector}`);
            expect(new Set(keys).size).toBe(keys.length);
            checkInvariants(m);
          }
          // Free everything: the matrix is exactly as it started.
          for (const x of owned) m.irq_matrix_free(x.cpu, x.vector, x.managed);
          for (const mask of reservations) m.irq_matrix_remove_managed(mask);
          for (let cpu = 1; cpu < nr; cpu++) if (!m.online[cpu]) m.irq_matrix_online(cpu);
          expect(m.snapshot()).toEqual(start);
        },
      ),
      { numRuns: 150 },
    );
  });
});
