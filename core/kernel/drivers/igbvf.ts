// Intel 82576 / I350 SR-IOV virtual function. Follows drivers/net/ethernet/intel/igbvf/netdev.c
// (igbvf_set_interrupt_capability, igbvf_request_msix), Linux 4.4 to mainline.
import { type DriverEntry, type DriverModel } from './types';

/** igbvf: exactly 3 MSI-X vectors (pci_enable_msix_range(3, 3)): Tx, Rx, and the PF mailbox,
 * requested in that order in igbvf_open as "<if>-tx-0", "<if>-rx-0", "<if>". A VF has no MSI or
 * INTx: if MSI-X fails the driver says "Failed to initialize MSI-X interrupts." and has none. */
const igbvf: DriverModel = {
  name: 'igbvf',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => [
    {
      modes: ['msix'],
      min: 3,
      max: 3,
      managed: false,
      preVectors: 0,
      postVectors: 0,
      name: (i) => [`${ctx.netdev}-tx-0`, `${ctx.netdev}-rx-0`, ctx.netdev][i]!,
    },
  ],
};

/** igbvf_pci_tbl: E1000_DEV_ID_82576_VF, E1000_DEV_ID_I350_VF. */
export const igbvfEntry: DriverEntry = {
  model: igbvf,
  ids: [{ vendorDevice: /^8086:(10ca|1520)$/ }],
};
