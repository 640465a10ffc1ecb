// Intel Ethernet Adaptive Virtual Function (X710/XL710/X722 VFs under i40e, E810 VFs under ice).
// Follows drivers/net/ethernet/intel/iavf/iavf_main.c (iavf_set_interrupt_capability,
// iavf_request_misc_irq, iavf_request_traffic_irqs), Linux 5.10 (when i40evf became iavf) to
// mainline; i40evf before it named its vectors the same way with "i40evf-".
import { type DriverEntry, type DriverModel } from './types';

/** IAVF_MAX_REQ_QUEUES. */
const MAX_QUEUES = 16;

/** iavf: num_active_queues = min(the queue pairs the PF gave, CPUs) vectors plus the mailbox one
 * (NONQ_VECS), at most the PF's max_vectors (the VF's MSI-X table: 5 under i40e's default 4
 * queues, 17 under ice). Vector 0 is the mailbox, "iavf-<bdf>:mbx" (requested at probe), then
 * "iavf-<if>-TxRx-i" (at open). MSI-X only. */
const iavf: DriverModel = {
  name: 'iavf',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => {
    const queues = Math.max(1, Math.min(ctx.cpus, (ctx.msixTableSize ?? 2) - 1, MAX_QUEUES));
    return [
      {
        modes: ['msix'],
        min: 2,
        max: queues + 1,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i) => (i === 0 ? `iavf-${ctx.bdf}:mbx` : `iavf-${ctx.netdev}-TxRx-${i - 1}`),
      },
    ];
  },
};

/** iavf_pci_tbl: I40E_DEV_ID_VF, I40E_DEV_ID_VF_HV, I40E_DEV_ID_X722_VF, IAVF_DEV_ID_ADAPTIVE_VF. */
export const iavfEntry: DriverEntry = {
  model: iavf,
  ids: [{ vendorDevice: /^8086:(154c|1571|37cd|1889)$/ }],
};
