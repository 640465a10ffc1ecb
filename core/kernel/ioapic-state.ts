// One IOAPIC as the kernel holds it (struct ioapic in arch/x86/kernel/apic/io_apic.c): kept apart
// from ioapic.ts (the code) so the kernel object can hold it without importing the code.
import type { IrqDomain } from './irq/irqdesc';

/** Per IOAPIC: its domain type and the redirection table (two 32-bit halves per pin). */
export interface IoapicState {
  index: number;
  id: number;
  gsiBase: number;
  pins: number;
  /** IOAPIC_DOMAIN_LEGACY (hosts ISA irqs: irq = GSI) or IOAPIC_DOMAIN_DYNAMIC. */
  type: 'legacy' | 'dynamic';
  domain: IrqDomain;
  rteLow: Uint32Array;
  rteHigh: Uint32Array;
  /** Linux irq per pin (-1: not mapped). */
  pinIrq: Int32Array;
}
