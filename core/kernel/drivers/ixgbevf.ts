// Intel 82599/X540/X550 SR-IOV virtual function. Follows drivers/net/ethernet/intel/ixgbevf/
// ixgbevf_main.c (ixgbevf_set_num_queues, ixgbevf_set_interrupt_capability,
// ixgbevf_acquire_msix_vectors, ixgbevf_request_msix_irqs), Linux 4.4 to mainline.
import { type DriverEntry, type DriverModel } from './types';

/** IXGBEVF_MAX_RSS_QUEUES: with a PF speaking mailbox API 1.1+ (every ixgbe PF of these eras)
 * the VF runs min(CPUs, 2) queue pairs; 1 with an older PF. */
const MAX_RSS_QUEUES = 2;

/** ixgbevf: a vector per queue pair up to the CPUs, plus the mailbox vector (NON_Q_VECTORS),
 * pci_enable_msix_range(2, n); the queue vectors "<if>-TxRx-i" first, the mailbox one "<if>"
 * last. MSI-X only: the VF driver needs it to work. Requested in ixgbevf_open. */
const ixgbevf: DriverModel = {
  name: 'ixgbevf',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => {
    const queues = Math.max(1, Math.min(MAX_RSS_QUEUES, ctx.cpus));
    return [
      {
        modes: ['msix'],
        min: 2,
        max: queues + 1,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        // With n vectors granted, n - 1 carry queues and the last the mailbox.
        name: (i) => (i < queues ? `${ctx.netdev}-TxRx-${i}` : ctx.netdev),
      },
    ];
  },
};

/** ixgbevf_pci_tbl: 82599, X540, X550, X550EM_x, X550EM_a VFs and their Hyper-V variants. */
export const ixgbevfEntry: DriverEntry = {
  model: ixgbevf,
  ids: [{ vendorDevice: /^8086:(10ed|1515|1565|15a8|15c5|152e|1530|1564|15a9)$/ }],
};
