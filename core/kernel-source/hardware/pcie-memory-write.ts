// The device side of PCIe memory write, written as pseudo-code: not kernel source.
import type { KernelSourceFile } from '../source-file';

export const SOURCE: KernelSourceFile = {
  file: '(hardware) PCIe memory write',
  functions: {
    device_fire: `/* The device raises entry N: a posted memory write of the message it was
   given (MSI capability or MSI-X table entry) on the bus, tagged with its
   requester id (bus:dev.fn, or its DMA alias). */
void device_fire(struct pci_dev *dev, int entry, u32 address_lo, u32 data)
{
    if (address in 0xfee00000-0xfeefffff) {
        if (the platform remaps interrupts: a DRHD's scope covers the requester)
            dmar_remap_request(drhd, requester_id, address, data);   @@dmar_remap_request
        else
            lapic_deliver(destination(address), vector(data));       @@lapic_deliver
    }
}`,
  },
};
