// Pseudo-source of drivers/net/ethernet/intel/igb/igb_main.c: the functions of it the model traces.
import type { KernelSourceFile } from '../../../../../source-file';

export const SOURCE: KernelSourceFile = {
  file: 'drivers/net/ethernet/intel/igb/igb_main.c',
  functions: {
    igb_sriov_reinit: `static int igb_sriov_reinit(struct pci_dev *dev)
{
    struct net_device *netdev = pci_get_drvdata(dev);
    struct igb_adapter *adapter = netdev_priv(netdev);

    rtnl_lock();
    if (netif_running(netdev))
        igb_close(netdev);
            igb_free_irq(adapter);
                free_irq(adapter->msix_entries[i].vector, ...);   @@free_irq
    else
        igb_reset(adapter);

    igb_clear_interrupt_scheme(adapter);
        pci_disable_msix(adapter->pdev);                       @@pci_free_irq_vectors
    igb_init_queue_configuration(adapter);    /* fewer queues with VFs */
    if (igb_init_interrupt_scheme(adapter, true)) {
            pci_enable_msix_range(pdev, entries, n, n);         @@pci_alloc_irq_vectors_affinity
        rtnl_unlock();
        return -ENOMEM;
    }
    if (netif_running(netdev))
        igb_open(netdev);
            request_irq(adapter->msix_entries[0].vector, ...);  @@request_irq
    rtnl_unlock();
    return 0;
}`,
  },
};
