// The argument layout of every traced kernel function: how the four numeric argument columns of
// a call event read back (`irq_matrix_alloc(cpu=3, ...)`). A function missing here is traced
// with no arguments shown. One table for the whole kernel model.
import type { ArgType } from '../trace/events';

type Args = readonly (readonly [string, ArgType])[];

const virq: Args = [['virq', 'int']];
const virqNr: Args = [
  ['virq', 'int'],
  ['nr_irqs', 'int'],
];
const virqReserve: Args = [
  ['virq', 'int'],
  ['reserve', 'int'],
];
const devRange: Args = [
  ['dev', 'str'],
  ['minvec', 'int'],
  ['maxvec', 'int'],
];

export const FUNCTION_ARGS: Record<string, Args> = {
  lapic_assign_system_vectors: [],
  setup_IO_APIC: [],
  mp_map_pin_to_irq: [
    ['gsi', 'int'],
    ['ioapic', 'int'],
    ['pin', 'int'],
  ],
  __irq_domain_alloc_irqs: [
    ['domain', 'str'],
    ['irq_base', 'int'],
    ['nr_irqs', 'int'],
  ],
  irq_domain_alloc_descs: [
    ['nr_irqs', 'int'],
    ['from', 'int'],
  ],
  irq_create_mapping: [
    ['domain', 'str'],
    ['hwirq', 'int'],
  ],
  gpiochip_add_irqchip: [['gc', 'str']],
  acpi_dev_gpio_irq_wake_get_by: [
    ['adev', 'str'],
    ['pin', 'int'],
  ],
  mp_irqdomain_alloc: virqNr,
  mp_irqdomain_activate: virq,
  msi_domain_alloc: [
    ['virq', 'int'],
    ['nr_irqs', 'int'],
    ['hwirq', 'hex'],
  ],
  x86_vector_alloc_irqs: virqNr,
  x86_vector_free_irqs: virqNr,
  intel_irq_remapping_alloc: [
    ['virq', 'int'],
    ['nr_irqs', 'int'],
    ['type', 'int'],
  ],
  intel_irq_remapping_free: virqNr,
  intel_irq_remapping_activate: virq,
  intel_irq_remapping_deactivate: virq,
  alloc_irte: [
    ['seq_id', 'int'],
    ['count', 'int'],
  ],
  modify_irte: [
    ['index', 'int'],
    ['vector', 'int'],
    ['dest', 'hex'],
  ],
  irq_remapping_alloc: [
    ['virq', 'int'],
    ['nr_irqs', 'int'],
    ['type', 'int'],
  ],
  irq_domain_activate_irq: virqReserve,
  irq_domain_deactivate_irq: virq,
  x86_vector_activate: virqReserve,
  x86_vector_deactivate: virq,
  assign_irq_vector_any_locked: virq,
  irq_matrix_alloc: [['reserved', 'int']],
  irq_matrix_alloc_managed: [],
  irq_matrix_reserve_managed: [['cpus', 'int']],
  irq_matrix_free: [
    ['cpu', 'int'],
    ['vector', 'int'],
  ],
  msi_domain_activate: virq,
  msi_domain_deactivate: virq,
  irq_chip_compose_msi_msg: virq,
  __irq_msi_compose_msg: [
    ['vector', 'int'],
    ['apicid', 'int'],
  ],
  pci_msi_domain_write_msg: [
    ['address_lo', 'hex'],
    ['data', 'hex'],
  ],
  dmar_msi_write_msg: [
    ['address_lo', 'hex'],
    ['data', 'hex'],
  ],
  hpet_msi_write_msg: [
    ['address_lo', 'hex'],
    ['data', 'hex'],
  ],
  ioapic_configure_entry: [
    ['pin', 'int'],
    ['vector', 'int'],
  ],
  pci_alloc_irq_vectors_affinity: [
    ['dev', 'str'],
    ['min_vecs', 'int'],
    ['max_vecs', 'int'],
    ['flags', 'hex'],
  ],
  __pci_enable_msix_range: devRange,
  __pci_enable_msi_range: devRange,
  __msi_domain_alloc_irqs: [
    ['domain', 'str'],
    ['nvec', 'int'],
  ],
  pci_free_irq_vectors: [['dev', 'str']],
  irq_domain_free_irqs: virqNr,
  request_irq: [
    ['irq', 'int'],
    ['name', 'str'],
  ],
  free_irq: [['irq', 'int']],
  irq_set_affinity: [
    ['irq', 'int'],
    ['cpu', 'int'],
  ],
  hpet_assign_irq: [['channel', 'int']],
  lapic_can_unplug_cpu: [['cpu', 'int']],
  irq_migrate_all_off_this_cpu: [['cpu', 'int']],
  migrate_one_irq: virq,
  irq_affinity_online_cpu: [['cpu', 'int']],
  enable_IR_x2apic: [],
  intel_prepare_irq_remapping: [],
  intel_enable_irq_remapping: [],
  intel_setup_irq_remapping: [['seq_id', 'int']],
  parse_ioapics_under_ir: [],
  enable_drhd_fault_handling: [],
  dmar_set_interrupt: [['seq_id', 'int']],
  dmar_alloc_hwirq: [
    ['id', 'int'],
    ['node', 'int'],
  ],
  dmar_fault: [['seq_id', 'int']],
  dmar_dev_scope_init: [],
  dmar_pci_bus_add_dev: [['dev', 'str']],
  intel_irq_remap_add_device: [['dev', 'str']],
  dmar_find_matched_drhd_unit: [['dev', 'str']],
  pci_iov_add_virtfn: [
    ['pf', 'str'],
    ['vf', 'int'],
  ],
  sriov_enable: [
    ['dev', 'str'],
    ['nr_virtfn', 'int'],
  ],
  igb_sriov_reinit: [
    ['dev', 'str'],
    ['vfs_allocated_count', 'int'],
  ],
  amd_iommu_prepare: [],
  amd_iommu_enable: [],
  alloc_irq_index: [
    ['devid', 'hex'],
    ['count', 'int'],
  ],
  vmd_enable_domain: [['dev', 'str']],
  vmd_msi_init: virq,
  ims_alloc_store: [
    ['dev', 'str'],
    ['nvec', 'int'],
  ],
  irq_bus_sync_unlock: virq,
  try_to_enable_x2apic: [['remap_mode', 'int']],
  // The hardware side (core/hw)
  device_fire: [
    ['dev', 'str'],
    ['entry', 'int'],
    ['address_lo', 'hex'],
    ['data', 'hex'],
  ],
  dmar_remap_request: [
    ['seq_id', 'int'],
    ['source_id', 'hex'],
    ['address_lo', 'hex'],
    ['data', 'hex'],
  ],
  lapic_deliver: [
    ['apicid', 'hex'],
    ['vector', 'int'],
  ],
  oops: [],
};
