// Pseudo-source of drivers/pci/iov.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/pci/iov.c',
  functions: {
    sriov_enable: `static int sriov_enable(struct pci_dev *dev, int nr_virtfn)
{
    int rc;
    int i;
    u16 initial;
    struct pci_sriov *iov = dev->sriov;

    if (!nr_virtfn)
        return 0;
    if (iov->num_VFs)
        return -EINVAL;

    pci_read_config_word(dev, iov->pos + PCI_SRIOV_INITIAL_VF, &initial);
    if (initial > iov->total_VFs ||
        (!(iov->cap & PCI_SRIOV_CAP_VFM) && (initial != iov->total_VFs)))
        return -EIO;

    if (nr_virtfn < 0 || nr_virtfn > iov->total_VFs ||
        (!(iov->cap & PCI_SRIOV_CAP_VFM) && (nr_virtfn > initial)))
        return -EINVAL;

    ...
    iov->ctrl |= PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE;
    pci_cfg_access_lock(dev);
    pci_write_config_word(dev, iov->pos + PCI_SRIOV_CTRL, iov->ctrl);
    msleep(100);
    pci_cfg_access_unlock(dev);

    rc = sriov_add_vfs(dev, initial);
        for (i = 0; i < num_vfs; i++)
            pci_iov_add_virtfn(dev, i);                  @@pci_iov_add_virtfn
    if (rc)
        goto err_pcibios;

    kobject_uevent(&dev->dev.kobj, KOBJ_CHANGE);
    iov->num_VFs = nr_virtfn;
    return 0;
    ...
}`,
    pci_iov_add_virtfn: `int pci_iov_add_virtfn(struct pci_dev *dev, int id)
{
    int i;
    int rc = -ENOMEM;
    u64 size;
    struct pci_dev *virtfn;
    struct resource *res;
    struct pci_bus *bus;

    bus = virtfn_add_bus(dev->bus, pci_iov_virtfn_bus(dev, id));
    if (!bus)
        goto failed;

    virtfn = pci_alloc_dev(bus);
    if (!virtfn)
        goto failed0;

    virtfn->devfn = pci_iov_virtfn_devfn(dev, id);
    virtfn->vendor = dev->vendor;
    virtfn->device = iov->vf_device;
    virtfn->is_virtfn = 1;
    virtfn->physfn = pci_dev_get(dev);
    ...
    /* pcibios_device_add(): the arch's default MSI domain (PCI-MSI) */
    pci_device_add(virtfn, virtfn->bus);
    /* the bus notifier: dmar_pci_bus_notifier -> dmar_pci_bus_add_dev()
       (5.10-rc4: VFs get their PF's IR MSI domain, ff828729be44) */
    ...
    pci_bus_add_device(virtfn);
    return 0;
}`,
  },
};
