// Intel Wi-Fi (iwlwifi). Follows drivers/net/wireless/intel/iwlwifi/pcie/trans.c
// (iwl_pcie_set_interrupt_capa, iwl_pcie_init_msix_handler, iwl_pcie_irq_set_affinity) and
// pcie/internal.h (queue_name); Linux 4.6 (MSI-X, 2e5d4a8f61dc) to mainline.
import {
  type DriverEntry,
  type DriverModel,
  type IrqMode,
  msiThenIntx,
  profileAtLeast,
} from './types';

/** IWL_MAX_RX_HW_QUEUES: the RX queues (and so MSI-X vectors) the hardware has. */
const IWL_MAX_RX_HW_QUEUES = 16;
/** MSIX_MIN_INTERRUPT_VECTORS: fewer and the driver takes MSI. */
const MSIX_MIN_INTERRUPT_VECTORS = 2;

/**
 * queue_name(): "iwlwifi:default_queue", "iwlwifi:queue_<n>", "iwlwifi:exception"; when the
 * table gave fewer vectors than asked, the first one is "iwlwifi:shared_IRQ" (non-RX causes and
 * possibly the first RSS queue share it) and the queues are numbered from 1 or 2. Up to 5.14 the
 * names had spaces ("iwlwifi: default queue"): "iwlwifi: pcie: remove spaces from queue names"
 * (Luca Coelho, Aug 2021, in 5.15).
 */
export function iwlQueueName(i: number, nvec: number, maxIrqs: number, spaces: boolean): string {
  const sep = spaces ? ' ' : '_';
  const pre = spaces ? 'iwlwifi: ' : 'iwlwifi:';
  if (nvec < maxIrqs) {
    // shared_vec_mask: one vector short shares only the non-RX causes (NON_RX); two or more
    // short also share the first RSS queue (FIRST_RSS), so the queues start at 2.
    const firstRss = nvec <= maxIrqs - 2 ? 1 : 0;
    if (i === 0) return `${pre}shared${sep}IRQ`;
    return `${pre}queue${sep}${i + firstRss}`;
  }
  if (i === 0) return `${pre}default${sep}queue`;
  if (i === nvec - 1) return `${pre}exception`;
  return `${pre}queue${sep}${i}`;
}

/**
 * Multi-queue RX families (9000, 22000, AX2xx/BZ and later: cfg_trans->mq_rx_supported): MSI-X
 * with min(num_online_cpus() + 2, IWL_MAX_RX_HW_QUEUES) vectors (pci_enable_msix_range, 2 at
 * least), unmanaged; RX queue vectors get an affinity hint of one CPU each. Otherwise one MSI
 * "iwlwifi" (then INTx).
 */
const iwlwifiMq: DriverModel = {
  name: 'iwlwifi',
  instanceKind: 'other',
  plan: (ctx) => {
    const maxIrqs = Math.min(ctx.cpus + 2, IWL_MAX_RX_HW_QUEUES);
    const spaces = !profileAtLeast(ctx.profile, '5.15');
    // The vectors pci_enable_msix_range() gives: the table caps the request.
    const nvec = Math.min(maxIrqs, ctx.msixTableSize ?? maxIrqs);
    const firstRss = nvec <= maxIrqs - 2;
    // num_rx_queues: every vector but the default/exception one, +1 when RSS 1 shares vector 0.
    const rxQueues = nvec === maxIrqs ? nvec - 1 : nvec === maxIrqs - 1 ? nvec : nvec + 1;
    return [
      {
        modes: ['msix'],
        min: MSIX_MIN_INTERRUPT_VECTORS,
        max: maxIrqs,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i: number) => iwlQueueName(i, nvec, maxIrqs, spaces),
        // iwl_pcie_irq_set_affinity(): vectors 1.. (0.. with FIRST_RSS) up to the last RX queue,
        // each to the next online CPU after i - offset: queue_1 -> CPU0, queue_2 -> CPU1, ...
        affinityHint: (i: number) => {
          const start = firstRss ? 0 : 1;
          const end = rxQueues - 1 + start;
          if (i < start || i >= end) return null;
          return (i - (1 + start) + 1) % ctx.cpus;
        },
        fallback: msiThenIntx(() => 'iwlwifi'),
      },
    ];
  },
};

/** Families before 9000 (1000-8000: dvm and mvm on 7260/3160/8260/8265...): one MSI, else INTx. */
const iwlwifiMsi: DriverModel = {
  name: 'iwlwifi',
  instanceKind: 'other',
  plan: () => [msiThenIntx((_i: number, _m: IrqMode) => 'iwlwifi')],
};

/**
 * drivers/net/wireless/intel/iwlwifi/pcie/drv.c iwl_hw_card_ids: the families without
 * multi-queue RX (1000, 100, 105, 130/135, 2000/2030, 5000/5150, 6000/6005/6030/6050/6150,
 * 7260/3160/3165/3168/7265, 8260/8265/4165). Every other Intel network controller (class 0x0280)
 * is a 9000-or-later device.
 */
export const iwlwifiMsiEntry: DriverEntry = {
  model: iwlwifiMsi,
  ids: [
    {
      vendorDevice:
        /^8086:(0082|0083|0084|0085|0087|0089|008a|008b|0090|0091|0885|0886|0887|0888|0890|0891|0892|0893|0894|0895|0896|0897|08ae|08af|08b1|08b2|08b3|08b4|095a|095b|24f3|24f4|24f5|24f6|24fb|24fd|3165|3166|4232|4235|4236|4237|4238|4239|422b|422c|423a|423b|423c|423d)$/,
    },
  ],
};

export const iwlwifiEntry: DriverEntry = {
  model: iwlwifiMq,
  ids: [{ vendorDevice: /^8086:/, classCode: /^0x0280/ }],
};
