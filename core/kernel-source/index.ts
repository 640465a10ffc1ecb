// The kernel's source, as far as the model traces it: one module per kernel source file, at the
// path of that file (kernel/irq/msi.c -> kernel/irq/msi.c.ts), plus the device side and a patch
// series. The debugger shows a function's text with the line of the current step; the test
// beside this file checks that every call the model traces has its line.
import { SOURCE as archX86KernelApicApicC } from './arch/x86/kernel/apic/apic.c';
import { SOURCE as archX86KernelApicIoApicC } from './arch/x86/kernel/apic/io_apic.c';
import { SOURCE as archX86KernelApicMsiC } from './arch/x86/kernel/apic/msi.c';
import { SOURCE as archX86KernelApicVectorC } from './arch/x86/kernel/apic/vector.c';
import { SOURCE as archX86KernelHpetC } from './arch/x86/kernel/hpet.c';
import { SOURCE as archX86KernelTimeC } from './arch/x86/kernel/time.c';
import { SOURCE as driversGpioGpiolibAcpiC } from './drivers/gpio/gpiolib-acpi.c';
import { SOURCE as driversGpioGpiolibC } from './drivers/gpio/gpiolib.c';
import { SOURCE as driversIommuAmdInitC } from './drivers/iommu/amd/init.c';
import { SOURCE as driversIommuAmdIommuC } from './drivers/iommu/amd/iommu.c';
import { SOURCE as driversIommuIntelDmarC } from './drivers/iommu/intel/dmar.c';
import { SOURCE as driversIommuIntelIrqRemappingC } from './drivers/iommu/intel/irq_remapping.c';
import { SOURCE as driversNetEthernetIntelIgbIgbMainC } from './drivers/net/ethernet/intel/igb/igb_main.c';
import { SOURCE as driversPciControllerVmdC } from './drivers/pci/controller/vmd.c';
import { SOURCE as driversPciIovC } from './drivers/pci/iov.c';
import { SOURCE as driversPciMsiApiC } from './drivers/pci/msi/api.c';
import { SOURCE as driversPciMsiIrqdomainC } from './drivers/pci/msi/irqdomain.c';
import { SOURCE as driversPciMsiMsiC } from './drivers/pci/msi/msi.c';
import { SOURCE as hardwareLocalApic } from './hardware/local-apic';
import { SOURCE as hardwarePcieMemoryWrite } from './hardware/pcie-memory-write';
import { SOURCE as hardwareVtDRemapping } from './hardware/vt-d-remapping';
import { SOURCE as includeLinuxInterruptH } from './include/linux/interrupt.h';
import { SOURCE as initMainC } from './init/main.c';
import { SOURCE as kernelIrqChipC } from './kernel/irq/chip.c';
import { SOURCE as kernelIrqCpuhotplugC } from './kernel/irq/cpuhotplug.c';
import { SOURCE as kernelIrqInternalsH } from './kernel/irq/internals.h';
import { SOURCE as kernelIrqIrqdomainC } from './kernel/irq/irqdomain.c';
import { SOURCE as kernelIrqManageC } from './kernel/irq/manage.c';
import { SOURCE as kernelIrqMatrixC } from './kernel/irq/matrix.c';
import { SOURCE as kernelIrqMsiC } from './kernel/irq/msi.c';
import { SOURCE as seriesPciIms } from './series/pci-ims';
import type { KernelSourceFile } from './source-file';

export type { KernelSourceFile } from './source-file';

/** Every file, by path. */
export const KERNEL_SOURCE_FILES: readonly KernelSourceFile[] = [
  archX86KernelApicApicC,
  archX86KernelApicIoApicC,
  archX86KernelApicMsiC,
  archX86KernelApicVectorC,
  archX86KernelHpetC,
  archX86KernelTimeC,
  driversGpioGpiolibAcpiC,
  driversGpioGpiolibC,
  driversIommuAmdInitC,
  driversIommuAmdIommuC,
  driversIommuIntelDmarC,
  driversIommuIntelIrqRemappingC,
  driversNetEthernetIntelIgbIgbMainC,
  driversPciControllerVmdC,
  driversPciIovC,
  driversPciMsiApiC,
  driversPciMsiIrqdomainC,
  driversPciMsiMsiC,
  hardwareLocalApic,
  hardwarePcieMemoryWrite,
  hardwareVtDRemapping,
  includeLinuxInterruptH,
  initMainC,
  kernelIrqChipC,
  kernelIrqCpuhotplugC,
  kernelIrqInternalsH,
  kernelIrqIrqdomainC,
  kernelIrqManageC,
  kernelIrqMatrixC,
  kernelIrqMsiC,
  seriesPciIms,
];

export interface PseudoSource {
  /** Where the function lives in the kernel tree (or "(hardware) ..." for the device side). */
  file: string;
  /** The text, markers included. */
  text: string;
}

/** Function name -> its file and text. A name defined in two files is an error at load. */
export const PSEUDO_SOURCE: Readonly<Record<string, PseudoSource>> = (() => {
  const all: Record<string, PseudoSource> = {};
  for (const { file, functions } of KERNEL_SOURCE_FILES)
    for (const [fn, text] of Object.entries(functions)) {
      if (Object.prototype.hasOwnProperty.call(all, fn))
        throw new Error(`${fn} is in both ${all[fn]!.file} and ${file}`);
      all[fn] = { file, text };
    }
  return all;
})();

export interface ShownSource {
  fn: string;
  file: string;
  /** The text without markers. */
  text: string;
  /** Marker (callee name, state:x, fault:x, log) -> first line (1-based) that has it. */
  marks: Map<string, number>;
  /** The signature's line: where a call of the function stops. */
  entry: number;
}

const MARKERS = /\s*((?:@@[\w:]+\s*)+)$/;
const cache = new Map<string, ShownSource | null>();

/** A function's source as shown: the markers taken off the text, kept as line numbers. */
export function sourceOf(fn: string): ShownSource | null {
  if (cache.has(fn)) return cache.get(fn)!;
  const raw = Object.prototype.hasOwnProperty.call(PSEUDO_SOURCE, fn) ? PSEUDO_SOURCE[fn] : null;
  let shown: ShownSource | null = null;
  if (raw) {
    const marks = new Map<string, number>();
    const lines = raw.text.split('\n').map((line, i) => {
      const m = MARKERS.exec(line);
      if (!m) return line;
      for (const name of m[1]!.trim().split(/\s+/)) {
        const key = name.slice(2);
        if (!marks.has(key)) marks.set(key, i + 1);
      }
      return line.slice(0, m.index).replace(/\s+$/, '');
    });
    const entry = lines.findIndex((l) => l.includes(`${fn}(`)) + 1 || 1;
    shown = { fn, file: raw.file, text: lines.join('\n'), marks, entry };
  }
  cache.set(fn, shown);
  return shown;
}
