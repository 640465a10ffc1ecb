// The driver catalogue: which driver model binds a PCI function, matched as the kernel matches
// (pci_match_id): entries with a vendor:device id first, in table order, then class-only ones.
// Each driver is one file in this folder (types.ts is the interface); a new driver is a new file
// and one line here.
import { rtl8139cpEntry } from './8139cp';
import { rtl8139tooEntry } from './8139too';
import { ahciEntry } from './ahci';
import { ataPiixLegacyEntry, ataPiixNativeEntry } from './ata-piix';
import { bnxtEntry } from './bnxt';
import { e1000Entry } from './e1000';
import { e1000eEntry } from './e1000e';
import { amdgpuEntry, i915Entry } from './gpu';
import { i801Entry } from './i801';
import { ioatdmaEntry } from './ioatdma';
import { iwlwifiEntry, iwlwifiMsiEntry } from './iwlwifi';
import { meiEntry } from './mei';
import { nvidiaEntry } from './nvidia';
import { intelLpssI2cEntry, intelLpssSpiEntry } from './intel-lpss';
import { procThermalBxtEntry, procThermalMsiEntry, procThermalPciEntry } from './processor-thermal';
import { sdhciEntry, sdhciGliEntry } from './sdhci';
import { tg3Entry } from './tg3';
import { thunderboltEntry } from './thunderbolt';
import { igbEntry } from './igb';
import { igbvfEntry } from './igbvf';
import { iavfEntry } from './iavf';
import { ixgbevfEntry } from './ixgbevf';
import { i40eEntry, iceEntry, ixgbeEntry } from './intel-multiqueue';
import { megaraidSasEntry } from './megaraid-sas';
import { mlx5Entry } from './mlx5';
import { mpt2sasEntry, mpt3sasEntry } from './mpt3sas';
import { nvmeEntry } from './nvme';
import { pcieportEntry } from './pcieport';
import { pvscsiEntry } from './pvscsi';
import { r8169Entry } from './r8169';
import { ens1370Entry, hdaIntelEntry, intel8x0Entry, sofEntry } from './sound';
import type { DriverEntry, DriverModel, PciIdMatch } from './types';
import { virtioBlkEntry } from './virtio-blk';
import { virtioNetEntry } from './virtio-net';
import { virtioScsiEntry } from './virtio-scsi';
import { ehciEntry, ohciEntry, uhciEntry } from './usb-hcd';
import { vmxnet3Entry } from './vmxnet3';
import { xhciEntry } from './xhci';

export type { DriverContext, DriverModel, IrqMode, IrqRequestPlan } from './types';

const TABLE: DriverEntry[] = [
  virtioNetEntry,
  virtioBlkEntry,
  virtioScsiEntry,
  e1000eEntry,
  e1000Entry,
  igbEntry,
  igbvfEntry,
  ixgbeEntry,
  i40eEntry,
  iceEntry,
  ixgbevfEntry,
  iavfEntry,
  mlx5Entry,
  // Both bind 10ec:8139: the module loaded first takes it (the QEMU captures load 8139cp), unless
  // the machine names the bound driver. 8139cp refuses pre-C+ chips (revision < 0x20).
  rtl8139cpEntry,
  rtl8139tooEntry,
  vmxnet3Entry,
  r8169Entry,
  tg3Entry,
  bnxtEntry,
  i801Entry,
  nvmeEntry,
  ahciEntry,
  xhciEntry,
  ehciEntry,
  ohciEntry,
  uhciEntry,
  pvscsiEntry,
  megaraidSasEntry,
  mpt2sasEntry,
  mpt3sasEntry,
  ataPiixLegacyEntry,
  ataPiixNativeEntry,
  sofEntry,
  hdaIntelEntry,
  intel8x0Entry,
  ens1370Entry,
  pcieportEntry,
  i915Entry,
  amdgpuEntry,
  nvidiaEntry,
  iwlwifiMsiEntry,
  iwlwifiEntry,
  meiEntry,
  thunderboltEntry,
  sdhciGliEntry,
  sdhciEntry,
  ioatdmaEntry,
  procThermalMsiEntry,
  procThermalPciEntry,
  procThermalBxtEntry,
  intelLpssI2cEntry,
  intelLpssSpiEntry,
];

/**
 * One id match of the table, with what its vendor:device pattern lets be told without running it:
 * `^vvvv:(dddd|dddd|...)$` is exactly a set of ids, and `^vvvv:...` needs that vendor. Running a
 * regular expression the first time compiles it, and most of the table's are long alternations:
 * a start (irqlab import --simulate) matched every function against all of them.
 */
interface Match {
  m: PciIdMatch;
  e: DriverEntry;
  /** The ids the pattern matches, when it is a plain list. */
  exact: Set<string> | null;
  /** The "vvvv:" every id it matches starts with, when the pattern says. */
  vendor: string | null;
}

const LIST = /^\^([0-9a-f]{4}):\(((?:[0-9a-f]{4}\|)*[0-9a-f]{4})\)\$$/;
const SINGLE = /^\^([0-9a-f]{4}):([0-9a-f]{4})\$$/;
const VENDOR = /^\^([0-9a-f]{4}):/;

function match(m: PciIdMatch, e: DriverEntry): Match {
  const re = m.vendorDevice;
  if (!re || re.flags !== '') return { m, e, exact: null, vendor: null };
  const list = LIST.exec(re.source);
  if (list)
    return {
      m,
      e,
      exact: new Set(list[2]!.split('|').map((d) => `${list[1]}:${d}`)),
      vendor: null,
    };
  const single = SINGLE.exec(re.source);
  if (single) return { m, e, exact: new Set([`${single[1]}:${single[2]}`]), vendor: null };
  const vendor = VENDOR.exec(re.source);
  return { m, e, exact: null, vendor: vendor ? `${vendor[1]}:` : null };
}

const BY_ID = TABLE.flatMap((e) => e.ids.filter((m) => m.vendorDevice).map((m) => match(m, e)));
const BY_CLASS = TABLE.flatMap((e) => e.ids.filter((m) => !m.vendorDevice).map((m) => match(m, e)));
const ALL = [...BY_ID, ...BY_CLASS];

/**
 * The driver that binds a function: the first entry whose ids match, or, when several drivers
 * claim the id (8139cp and 8139too), the one the machine says is bound (`bound`, lspci's
 * "Kernel driver in use") if it is among them.
 */
export function driverFor(
  vendorDevice: string,
  classCode: string,
  bound?: string | null,
): DriverModel | null {
  let first: DriverModel | null = null;
  const id = vendorDevice.toLowerCase();
  for (const { m, e, exact, vendor } of ALL) {
    if (exact) {
      if (!exact.has(id)) continue;
    } else if (vendor !== null && !id.startsWith(vendor)) continue;
    else if (m.vendorDevice && !m.vendorDevice.test(id)) continue;
    if (m.classCode && !m.classCode.test(classCode)) continue;
    if (!bound || e.model.name === bound) return e.model;
    first ??= e.model;
  }
  return first;
}
