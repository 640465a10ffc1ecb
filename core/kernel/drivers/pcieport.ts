// PCIe port services (PME, AER, hotplug, DPC). Follows drivers/pci/pcie/portdrv.c
// (pcie_port_enable_irq_vec, pcie_port_device_register).
import { type DriverEntry, single } from './types';

/** drivers/pci/pcie/portdrv.c: one vector for PME/AER/hotplug services: "PCIe PME, aerdrv". */
const pcieport = single('pcieport', 'other', ['msix', 'msi', 'intx'], () => 'PCIe PME');

export const pcieportEntry: DriverEntry = { model: pcieport, ids: [{ classCode: /^0x060400$/ }] };
