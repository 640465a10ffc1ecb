// Intel VMD (drivers/pci/controller/vmd.c): a PCIe endpoint that owns a PCI domain (10000 and up)
// of its own. Its children's MSI-X writes never reach the IOMMU or the APICs: the VMD takes them
// and raises one of its own MSI-X vectors (the child message carries that vector's index in its
// destination field), whose handler runs every child irq on that vector's list
// (handle_untracked_irq). So the children's irqs live in VMD-MSI, a domain with no parent (no
// vector of their own), and affinity cannot be set on them (-EINVAL). With MSI remapping bypass
// (VMD_FEAT_CAN_BYPASS_MSI_REMAP) the children use the VMD's own MSI domain (under IR) instead.
import { EINVAL } from './errno';
import { DOMAIN_BUS, newChip, newDomain, type MsiMessage } from './irq/irqdesc';
import type { Kernel } from './kernel';
import { MSI_FLAG, msi_domain_update_dom_ops } from './msi/msi-domain';
import { MSI_DOMAIN_OPS } from './msi/pci-msi';
import type { PciDev, VmdState } from './pci';

/**
 * vmd_enable_domain(): the child bus, and (without bypass) the VMD-MSI domain, named
 * "VMD-MSI-<domain>" and renamed by the two bus-token updates (PCI_MSI, then VMD_MSI).
 */
export function vmd_enable_domain(k: Kernel, vmd: PciDev): VmdState {
  k.enter('vmd_enable_domain', -1, -1, k.str(vmd.bdf));
  const cfg = vmd.fn.vmd!;
  const record = k.messages.get(vmd.bdf);
  const state: VmdState = {
    dev: vmd,
    domain: null,
    vectors: (record?.irqs ?? []).map((virq) => ({ virq, children: [] })),
  };
  const children = [...k.pci.devices.values()].filter((d) => d.vmd === vmd);
  const firstBus = Math.min(...children.map((d) => d.bus), 0xe0);
  const dom = cfg.domain.toString(16).padStart(4, '0');
  k.log(
    6,
    `vmd ${vmd.bdf}: PCI host bridge to bus ${dom}:${firstBus.toString(16).padStart(2, '0')}`,
  );
  if (!cfg.bypass_msi_remapping) {
    const name = `VMD-MSI-${cfg.domain}-${DOMAIN_BUS.PCI_MSI}-${DOMAIN_BUS.VMD_MSI}`;
    const d = newDomain(name, DOMAIN_BUS.VMD_MSI, null, newChip('VMD-MSI', 'vmd'), MSI_DOMAIN_OPS);
    d.msiInfo = {
      flags:
        MSI_FLAG.USE_DEF_DOM_OPS |
        MSI_FLAG.USE_DEF_CHIP_OPS |
        MSI_FLAG.PCI_MSIX |
        MSI_FLAG.ACTIVATE_EARLY |
        MSI_FLAG.MUST_REACTIVATE,
      ops: {
        get_hwirq: () => 0,
        // vmd_msi_init(): the level's hwirq is the Linux irq of the VMD vector the child is
        // muxed onto (children share it: the reverse map keeps the last).
        msi_init: (k, domain, _info, virq, _hwirq, arg) => {
          const v = state.vectors[vmd_next_irq(state, arg.type === 4)];
          if (!v) return -EINVAL;
          v.children.push(virq);
          k.irq_domain_set_hwirq_and_chip(domain, virq, v.virq, domain.chip);
          return 0;
        },
        set_desc: (arg, msiIndex) => {
          arg.msiIndex = msiIndex;
        },
      },
      chip: 'VMD-MSI',
      writer: 'pci',
    };
    msi_domain_update_dom_ops(d.msiInfo);
    d.hostData = state;
    state.domain = k.addDomain(d);
  }
  k.vmds.set(vmd.bdf, state);
  k.composers.vmd ??= (irq) => vmd_compose_msi_msg(k, irq);
  for (const child of children) {
    // Before 886e67100b90 ("Assign VMD IRQ domain before enumeration") a bypassing VMD left
    // its children in the default PCI-MSI domain.
    if (state.domain) child.msiDomain = state.domain;
    else if (k.profile.vmdAssignsIrqDomain) {
      child.msiDomain = vmd.msiDomain;
      child.msiParent = vmd.msiParent;
    } else {
      child.msiDomain = k.defaultPciMsiDomain;
      child.msiParent = k.vectorDomain;
    }
  }
  k.log(6, `vmd ${vmd.bdf}: Bound to PCI domain ${dom}`);
  k.leave('vmd_enable_domain', 0);
  return state;
}

/** vmd_next_irq(): vector 0 for MSI or a single vector; else the least used of 1..n-1. */
function vmd_next_irq(state: VmdState, isMsix: boolean): number {
  if (!isMsix || state.vectors.length <= 1) return 0;
  let best = 1;
  for (let i = 1; i < state.vectors.length; i++)
    if (state.vectors[i]!.children.length < state.vectors[best]!.children.length) best = i;
  return best;
}

/** vmd_compose_msi_msg(): 0xfee00000 with the VMD vector index as destination, data 0. */
function vmd_compose_msi_msg(k: Kernel, irq: number): MsiMessage {
  const desc = k.descs[irq]!;
  const state = desc.data!.domain.hostData as VmdState;
  const index = state.vectors.findIndex((v) => v.virq === desc.data!.hwirq);
  desc.handler = ''; // handle_untracked_irq has no name
  return { address_lo: (0xfee00000 | (index << 12)) >>> 0, address_hi: 0, data: 0 };
}

/** vmd_irq_set_affinity(): not settable. */
export const VMD_SET_AFFINITY = -EINVAL;
