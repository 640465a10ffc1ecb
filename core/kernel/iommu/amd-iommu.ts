// The AMD-Vi units' state as the kernel holds it (drivers/iommu/amd/amd_iommu_types.h): the units,
// amd_iommu_rlookup_table, aliases, the IVRS special devices and the per-device-id remap tables.
// Kept apart from amd-ir.ts (the code) so the kernel object can hold it without importing the code.
import type { Machine } from '../../model/schema';
import type { IrqDomain } from '../irq/irqdesc';

type Ivhd = Extract<Machine['iommus'][number], { kind: 'amd-vi' }>;

/** MAX_IRQS_PER_TABLE (512 since 5.11; 256 before). */
export const MAX_IRQS_PER_TABLE = 512;

/** struct irq_remap_table of one device id. */
export class AmdIrqTable {
  minIndex = 0;
  readonly used = new Uint8Array(MAX_IRQS_PER_TABLE);
  readonly valid = new Uint8Array(MAX_IRQS_PER_TABLE);
  readonly vector = new Uint8Array(MAX_IRQS_PER_TABLE);
  readonly dest = new Uint32Array(MAX_IRQS_PER_TABLE);
  readonly dm = new Uint8Array(MAX_IRQS_PER_TABLE);
  readonly owner = new Int32Array(MAX_IRQS_PER_TABLE).fill(-1);
}

export class AmdIommu {
  readonly name: string;
  irDomain: IrqDomain | null = null;
  irMsiDomain: IrqDomain | null = null;
  constructor(
    readonly index: number,
    readonly ivhd: Ivhd,
  ) {
    this.name = `AMD-Vi${index}`;
  }
}

/** The AMD-Vi state of a run: who owns which device id, aliases, special devices, tables. */
export interface AmdIrState {
  iommus: AmdIommu[];
  rlookup: Map<number, AmdIommu>;
  alias: Map<number, number>;
  ioapicDevid: Map<number, number>;
  hpetDevid: Map<number, number>;
  tables: Map<number, AmdIrqTable>;
  xtMode: boolean;
}
