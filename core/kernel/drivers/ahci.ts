// AHCI SATA. Follows drivers/ata/ahci.c (ahci_init_msi, ahci_host_activate) and libahci.c
// (ahci_port_start, ahci_host_activate_multi_irqs); Linux 4.5 to mainline.
import { type DriverEntry, type DriverModel, type IrqRequestPlan } from './types';

/**
 * ahci_init_msi: with more than one port, pci_alloc_irq_vectors(n_ports, INT_MAX, MSI-X | MSI):
 * a vector per port (multi-MSI needs remapping on x86), each requested as "ahci<port>" (libahci
 * ahci_port_start's irq_desc "%s%d"); vectors past the ports stay unrequested. Otherwise (or when
 * the HBA has fewer vectors than ports) one MSI, then one MSI-X, then the pin; one irq for the
 * host named "ahci[<bdf>]" (ata_host_activate "%s[%s]"). The port count is the log's ("AHCI
 * 0001.0000 32 slots 6 ports"); without it the per-port round is not tried. MRSM (an HBA that
 * forces a shared last message) is not modelled.
 */
/** ICH9's AHCI (8086:2922, QEMU q35's 00:1f.2): 6 ports (CAP.NP + 1), when the log's "AHCI ...
 * 6 ports" line is not read. */
const KNOWN_PORTS: Record<string, number> = { '8086:2922': 6 };

const ahci: DriverModel = {
  name: 'ahci',
  instanceKind: 'other',
  // ata_host_register: a SCSI host per port, implemented or dummy.
  scsiHosts: (ctx) => ctx.ahciPorts ?? KNOWN_PORTS[ctx.vendorDevice] ?? 1,
  plan: (ctx) => {
    const host = () => `ahci[${ctx.bdf}]`;
    const one = (mode: 'msi' | 'msix' | 'intx', fallback?: IrqRequestPlan): IrqRequestPlan => ({
      modes: [mode],
      min: 1,
      max: 1,
      managed: false,
      preVectors: 0,
      postVectors: 0,
      name: host,
      fallback,
    });
    const single = one('msi', one('msix', one('intx')));
    const ports = ctx.ahciPorts ?? 1;
    if (ports <= 1) return [single];
    const most = Math.max(ports, ctx.msixTableSize ?? 0, ctx.msiMax ?? 0);
    return [
      {
        modes: ['msix', 'msi'],
        min: ports,
        max: most,
        managed: false,
        preVectors: 0,
        postVectors: 0,
        name: (i) => `ahci${i}`,
        requested: (i) => i < ports,
        fallback: single,
      },
    ];
  },
};

export const ahciEntry: DriverEntry = { model: ahci, ids: [{ classCode: /^0x010601$/ }] };
