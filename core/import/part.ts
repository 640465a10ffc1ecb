// What one artefact says about the machine: the machine model's fields, each present only when
// the artefact states it (undefined = it does not say; null = it says there is none), with the
// provenance of every fact keyed by its JSON path inside this part. merge.ts combines parts.
import type { MachineInput } from '../model/schema';
import { addProvenance, type Provenance, type SourceLocation } from './errors';

type Elem<T> = T extends readonly (infer E)[] ? E : never;
type In = MachineInput;

export type CpuPart = Partial<Elem<In['cpus']['list']>> & { apic_id: number };
export type IoApicPart = Partial<Elem<NonNullable<In['ioapics']>>> & { id: number };
export type OverridePart = Partial<Elem<NonNullable<In['interrupt_source_overrides']>>> & {
  bus_irq: number;
};
export type PciPart = Partial<Elem<NonNullable<In['pci']>>> & { bdf: string };
export type IommuPart = Elem<NonNullable<In['iommus']>>;

export interface MachinePart {
  name?: string;
  kernel?: { version?: string; cmdline?: string };
  cpus?: {
    apic_mode?: 'xapic' | 'x2apic';
    cpu_has_x2apic?: boolean;
    fadt_apic_physical?: boolean;
    arat?: boolean;
    list?: CpuPart[];
    /** CPUs the kernel allowed ("Allowing N CPUs"), present + hotplug. */
    possible?: number;
    /** CPUs brought up ("Brought up N CPUs"). */
    online_count?: number;
  };
  ioapics?: IoApicPart[];
  interrupt_source_overrides?: OverridePart[];
  hpet?: Partial<NonNullable<In['hpet']>> | null;
  dmar?: NonNullable<In['dmar']> | null;
  iommus?: IommuPart[];
  pci?: PciPart[];
  platform_irqs?: NonNullable<In['platform_irqs']>;
  probe_order?: string[];
}

/** A part under construction, with a helper that records where each fact came from. */
export class PartBuilder {
  readonly part: MachinePart = {};
  readonly provenance: Provenance = {};
  note(path: string, at: SourceLocation): void {
    addProvenance(this.provenance, path, at);
  }
}
