// The device side of VT-d spec 5.1, written as pseudo-code: not kernel source.
import type { KernelSourceFile } from '../source-file';

export const SOURCE: KernelSourceFile = {
  file: '(hardware) VT-d spec 5.1',
  functions: {
    dmar_remap_request: `/* The remapping unit receives an interrupt request (VT-d spec §5.1.4) */
void dmar_remap_request(struct dmar_unit *unit, u16 source_id, u32 address, u32 data)
{
    if (!(address & (1 << 4))) {
        /* Compatibility format */
        if (GSTS.IRES && GSTS.CFIS == 0) {
            /* Blocked: fault reason 0x25 (37), recorded in a
               fault recording register, then the fault event interrupt */
            record_fault(unit, source_id, index, 0x25);              @@fault:dmar_fault_record
            lapic_deliver(unit->fault_event_msg);       /* dmar_fault() */
            return;
        }
        lapic_deliver(destination(address), vector(data));
        return;
    }
    /* Remappable: handle -> IRTE; present? source-id check (SVT/SQ/SID)? */
    index = handle(address) + (SHV ? subhandle(data) : 0);
    if (index >= table_size)  { record_fault(..., 0x21); return; }
    if (!irte[index].present)  { record_fault(..., 0x22); return; }
    if (!sid_matches(irte[index], source_id)) { record_fault(..., 0x26); return; }
    lapic_deliver(irte[index].dest_id, irte[index].vector);         @@lapic_deliver
}`,
  },
};
