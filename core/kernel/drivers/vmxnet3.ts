// VMware vmxnet3 paravirtual NIC (15ad:07b0). Follows drivers/net/vmxnet3/vmxnet3_drv.c
// (vmxnet3_probe queue counts, vmxnet3_alloc_intr_resources, vmxnet3_request_irqs), Linux 4.4 to
// mainline, for a device of version < 7 (QEMU's is version 1).
import { type DriverEntry, type DriverModel, type IrqRequestPlan, msiThenIntx } from './types';

/** VMXNET3_DEVICE_MAX_TX_QUEUES / _RX_QUEUES (8; 32 only for device version 7+). */
const MAX_QUEUES = 8;

const rounddownPow2 = (n: number) => 1 << Math.floor(Math.log2(Math.max(1, n)));

/** vmxnet3: rounddown_pow_of_two(min(8, online CPUs)) Tx and Rx queues; with MSI-X and the
 * default VMXNET3_INTR_BUDDYSHARE, queue i's Tx and Rx share vector i ("<if>-rxtx-i") and one more
 * vector takes the events ("<if>-event-<n>"). If that many vectors cannot be had it retries with
 * VMXNET3_LINUX_MIN_MSIX_VECT (2: one queue) before MSI and INTx ("<if>"). Requested when the
 * interface is activated (vmxnet3_open). */
const vmxnet3: DriverModel = {
  name: 'vmxnet3',
  instanceKind: 'net',
  netdev: true,
  requestAt: 'open',
  plan: (ctx) => {
    const queues = rounddownPow2(Math.min(MAX_QUEUES, ctx.cpus));
    const msix = (n: number, fallback: IrqRequestPlan): IrqRequestPlan => ({
      modes: ['msix'],
      min: n,
      max: n,
      managed: false,
      preVectors: 0,
      postVectors: 0,
      name: (i, mode) =>
        mode !== 'msix'
          ? ctx.netdev
          : i < n - 1
            ? `${ctx.netdev}-rxtx-${i}`
            : `${ctx.netdev}-event-${i}`,
      fallback,
    });
    const tail = msiThenIntx(() => ctx.netdev);
    return [msix(queues + 1, queues > 1 ? msix(2, tail) : tail)];
  },
};

export const vmxnet3Entry: DriverEntry = {
  model: vmxnet3,
  ids: [{ vendorDevice: /^15ad:07b0$/ }],
};
