// Intel PIIX/ICH PATA and SATA (IDE mode) controllers. Follows drivers/ata/ata_piix.c
// (piix_pci_tbl, piix_init_one) and drivers/ata/libata-sff.c (ata_pci_sff_activate_host);
// Linux 4.4 to mainline (the irq handling has not changed in that range).
import { type DriverEntry, type DriverModel, oneVector } from './types';

/** piix_pci_tbl, Intel (8086) device ids: PATA (PIIX3 7010, PIIX4, PIIX, ICH .. ICH8M). */
const PATA_IDS = `
  7010 7111 7199 7601 84ca 2411 2421 244a 244b 248a 248b 24c1 24ca 24cb
  24db 245b 25a2 266f 27df 269e 2850
`
  .trim()
  .split(/\s+/);
/** SATA controllers in IDE mode: ICH5 .. 9 Series, Avoton, Wellsburg, BayTrail, Coleto Creek. */
const SATA_IDS = `
  24d1 24df 25a3 25b0 2651 2652 2653 27c0 27c4 2680 2820 2825 2828 2920
  2921 2926 2928 292d 292e 5028 3a00 3a06 3a20 3a26 3b20 3b21 3b26 3b28
  3b2d 3b2e 1c00 1c01 1c08 1c09 1d00 1d08 1e00 1e01 1e08 1e09 8c00 8c01
  8c08 8c09 9c00 9c01 9c08 9c09 2326 1f20 1f21 1f30 1f31 8d00 8d08 8d60
  8d68 0f20 0f21 23a6 8c88 8c89 8c80 8c81
`
  .trim()
  .split(/\s+/);
const PIIX_IDS = [...PATA_IDS, ...SATA_IDS];

/**
 * piix_init_one -> ata_pci_sff_activate_host(host, ata_bmdma_interrupt): never MSI ("we don't
 * use message-signalled interrupts currently"). In legacy (compatibility) mode, a prog-if
 * without the native bits of both channels (0 and 2), devm_request_irq on ATA_PRIMARY_IRQ (14)
 * and ATA_SECONDARY_IRQ (15), IRQF_SHARED, named after the driver ("ata_piix"); in native mode
 * the function's pin, same name. Either way two ATA ports, so two SCSI hosts (ata_host_register).
 */
function ataPiix(legacy: boolean): DriverModel {
  return {
    name: 'ata_piix',
    instanceKind: 'other',
    scsiHosts: () => 2,
    isaIrqs: () =>
      legacy
        ? [
            { irq: 14, name: 'ata_piix' },
            { irq: 15, name: 'ata_piix' },
          ]
        : [],
    plan: () => (legacy ? [] : [oneVector('intx', () => 'ata_piix')]),
  };
}

const ids = new RegExp(`^8086:(${PIIX_IDS.join('|')})$`);

/** Class IDE (0x0101), prog-if low nibble without both native bits (0x05): legacy mode. */
export const ataPiixLegacyEntry: DriverEntry = {
  model: ataPiix(true),
  ids: [{ vendorDevice: ids, classCode: /^0x0101[0-9a-f][0-46689abce]$/ }],
};

/** Both channels native (prog-if x5, x7, xd, xf): the function's pin. */
export const ataPiixNativeEntry: DriverEntry = {
  model: ataPiix(false),
  ids: [{ vendorDevice: ids, classCode: /^0x0101[0-9a-f][57df]$/ }],
};
