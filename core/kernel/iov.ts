// SR-IOV (drivers/pci/iov.c): the VFs a PF creates when sriov_numvfs is written.
import { ENOENT, ENOMEM } from './errno';
import { amdDeviceDomain, pcibios_device_add } from './init';
import { dmar_pci_bus_notify_vf } from './iommu/dmar';
import type { IrqDomain } from './irq/irqdesc';
import type { Kernel } from './kernel';
import { formatBdf, PciTopology, type PciDev } from './pci';

/**
 * sriov_enable(): the last VF's bus must be inside the PF's bus range (else "can't enable ... out of
 * range", -ENOMEM), then pci_iov_add_virtfn() for each VF. A VF whose name is already taken (a
 * function at its routing id) fails device_add() ("sysfs: cannot create duplicate filename"), its
 * virtfn link then fails (-ENOENT) and sriov_add_vfs() removes the VFs added before it; the model
 * finds the clash before adding any, so the PF ends with no VFs as in the kernel, without the
 * WARNING's stack dump. `name` is how dev_err() names the PF ("ixgbe 0000:01:00.0").
 */
export function sriov_enable(
  k: Kernel,
  pf: PciDev,
  nrVirtfn: number,
  name: string,
  defaultMsi: IrqDomain | null,
  /** The machine's own listing of VFs: their addresses are the VFs', not taken. */
  listedVfs: ReadonlySet<string>,
): PciDev[] {
  k.enter('sriov_enable', -1, -1, k.str(pf.bdf), nrVirtfn);
  const range = k.pci.busRange(pf);
  const last = PciTopology.virtfnAddress(pf, nrVirtfn - 1);
  if (last.bus > range.end) {
    const h = (n: number) => n.toString(16).padStart(2, '0');
    const res =
      range.start === range.end
        ? `[bus ${h(range.start)}]`
        : `[bus ${h(range.start)}-${h(range.end)}]`;
    k.log(3, `${name}: can't enable ${nrVirtfn} VFs (bus ${h(last.bus)} out of range of ${res})`);
    k.leave('sriov_enable', -ENOMEM);
    return [];
  }
  for (let i = 0; i < nrVirtfn; i++) {
    const a = PciTopology.virtfnAddress(pf, i);
    const bdf = formatBdf(pf.segment, a.bus, a.devfn);
    if (k.pci.get(bdf) && !listedVfs.has(bdf)) {
      k.enter('pci_iov_add_virtfn', -1, -1, k.str(pf.bdf), i);
      const path = PciTopology.sysfsPath(pf).replace(/[^/]+$/, bdf);
      k.log(4, `sysfs: cannot create duplicate filename '${path}'`);
      k.leave('pci_iov_add_virtfn', -ENOENT);
      k.leave('sriov_enable', -ENOENT);
      return [];
    }
  }
  const vfs: PciDev[] = [];
  for (let i = 0; i < nrVirtfn; i++) {
    k.enter('pci_iov_add_virtfn', -1, -1, k.str(pf.bdf), i);
    const a = PciTopology.virtfnAddress(pf, i);
    const vf = k.pci.addVirtfn(pf, i, listedVfs.has(formatBdf(pf.segment, a.bus, a.devfn)));
    pcibios_device_add(k, vf, defaultMsi);
    dmar_pci_bus_notify_vf(k, vf);
    if (k.remapOps === 'amd') amdDeviceDomain(k, vf);
    k.leave('pci_iov_add_virtfn', 0);
    vfs.push(vf);
  }
  k.leave('sriov_enable', 0);
  return vfs;
}
