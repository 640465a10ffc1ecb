// AHCI SATA. Follows drivers/ata/ahci.c (ahci_init_msi).
import { type DriverEntry, single } from './types';

/** drivers/ata/ahci.c: one MSI vector for a single-port-vector HBA (MSI-X or multi-MSI when the
 * HBA offers per-port vectors, not modelled), action "ahci[<bdf>]". */
const ahci = single('ahci', 'other', ['msix', 'msi', 'intx'], (ctx) => `ahci[${ctx.bdf}]`);

export const ahciEntry: DriverEntry = { model: ahci, ids: [{ classCode: /^0x010601$/ }] };
