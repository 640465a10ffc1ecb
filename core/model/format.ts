// How irqlab prints the numbers of the kernel and the hardware, one way everywhere: the IRTE
// table, the compare view, the reports and the CLI call these, so a source-id never reads
// `42:00.3` in one place and `16899` in the next.

/**
 * A PCI requester id (an IRTE's SID, a fault's source) as bus:device.function, as the kernel
 * prints it (`%02x:%02x.%01x` of PCI_BUS_NUM, PCI_SLOT, PCI_FUNC): 0x4213 -> "42:02.3".
 */
export function formatSid(sid: number): string {
  const h = (n: number) => n.toString(16).padStart(2, '0');
  return `${h((sid >> 8) & 0xff)}:${h((sid >> 3) & 0x1f)}.${sid & 7}`;
}

/**
 * An IRTE's destination field (DST_ID, 32 bits: the x2APIC id, or in xAPIC mode the APIC id in
 * bits 15:8), all eight hex digits as the kernel's ir_translation_struct prints DstID.
 */
export function formatIrteDest(dest: number): string {
  return `0x${(dest >>> 0).toString(16).padStart(8, '0')}`;
}

/** A vector in decimal with its hex (/proc/interrupts and debugfs print it both ways). */
export function formatVector(vector: number): string {
  return `${vector} (0x${vector.toString(16)})`;
}

const COUNT = new Intl.NumberFormat('en-US');

/** A count with thousands separators ("18,974"), the same in every view and report. */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/** A count and its noun, singular for one: "1 IOAPIC", "16 IOAPICs", "1,536 CPUs". */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(n)} ${n === 1 ? noun : nouns}`;
}
