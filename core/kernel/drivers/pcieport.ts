// PCIe port services (PME, AER, hotplug, DPC, bandwidth control). Follows
// drivers/pci/pcie/portdrv.c (pcie_port_enable_irq_vec, pcie_port_device_register) and the
// services' request_irq calls (pme.c "PCIe PME", aer.c "aerdrv", pciehp_hpc.c "pciehp", dpc.c
// "pcie-dpc", bwctrl.c "PCIe bwctrl"); Linux 4.4 to mainline, the order by era from the profile.
import { type DriverEntry, type DriverModel, type PortService } from './types';

const ACTION: Record<PortService, string> = {
  pme: 'PCIe PME',
  aer: 'aerdrv',
  pciehp: 'pciehp',
  dpc: 'pcie-dpc',
  bwctrl: 'PCIe bwctrl',
};
/** Service index order (PCIE_PORT_SERVICE_*): the order the service devices are added. */
const SERVICE_ORDER: readonly PortService[] = ['pme', 'aer', 'pciehp', 'dpc', 'bwctrl'];

/**
 * The actions on the port's shared vector, in request order: the services the era's profile
 * names come in its order (up to 4.19 "aerdrv, PCIe PME"), the others (hotplug, DPC) after them
 * in service order. A service the era does not have (bandwidth control before 6.13) is dropped.
 */
export function portActions(
  services: readonly PortService[],
  eraNames: readonly string[],
): string[] {
  const era = eraNames.filter((n) => services.some((s) => ACTION[s] === n));
  const rest = SERVICE_ORDER.filter(
    (s) => services.includes(s) && s !== 'bwctrl' && !eraNames.includes(ACTION[s]),
  ).map((s) => ACTION[s]);
  return [...era, ...rest];
}

/** pcie_port_enable_irq_vec(): the services share one vector (MSI-X, MSI, else INTx). */
const pcieport: DriverModel = {
  name: 'pcieport',
  instanceKind: 'other',
  plan: (ctx) => {
    const services = ctx.portServices ?? ['pme', 'aer', 'bwctrl'];
    const [first, ...rest] = portActions(services, ctx.profile.portServiceActionNames);
    if (!first) return [];
    return [
      {
        modes: ['msix', 'msi', 'intx'],
        min: 1,
        max: 1,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: () => first,
        sharedActions: () => rest,
      },
    ];
  },
};

export const pcieportEntry: DriverEntry = { model: pcieport, ids: [{ classCode: /^0x060400$/ }] };
