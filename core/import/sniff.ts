// Which kind of artefact a file is, from its content (never its name): the first bytes of a
// binary, or the first lines of a text.
import { isJournalJson, looksLikeKernelLog } from './kernel-log';

export type ArtefactKind =
  | 'acpi-text'
  | 'acpi-binary'
  | 'dmesg'
  | 'lspci'
  | 'proc-interrupts'
  | 'sysfs-irqs'
  | 'machine-json'
  | 'bzip2'
  | 'gzip'
  | 'unknown';

const ACPI_TABLE_LINE = /^\s*[A-Za-z0-9_!$]{4} @ 0x[0-9A-Fa-f]+\s*$/m;
const ACPI_RAW = /^\s*Raw Table Data: Length \d+/m;
const ACPI_ROW = /^\s*[0-9A-Fa-f]{4,8}: [0-9A-Fa-f]{2} [0-9A-Fa-f]{2}/m;
const LSPCI_HEADER =
  /^\s*(?:[0-9a-f]{4,5}:)?[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7] (?:[A-Z][^:]*(?: \[[0-9a-f]{4}\])?|[0-9a-f]{4}): /im;
/** One kernel-looking line of an excerpt without prefixes (a fault quoted from a mail). */
const KERNEL_WORDS =
  /^\s*(?:DMAR(?:-IR)?|AMD-Vi|ACPI|IOAPIC\[\d+\]|smpboot|x2apic|pci [0-9a-f]{4}|Linux version|\S+ kernel: )/m;

/** `head` is the start of the file (64 KiB is plenty). */
export function sniffArtefact(head: Uint8Array): ArtefactKind {
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 36 && isAcpiBinary(head)) return 'acpi-binary';
  if (head.includes(0)) return 'unknown';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  return sniffText(text);
}

function isAcpiBinary(b: Uint8Array): boolean {
  for (let i = 0; i < 4; i++) {
    const c = b[i]!;
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x21;
    if (!ok) return false;
  }
  const length = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
  // A text file whose first bytes look like a signature would have ASCII in the length field.
  return length >= 36 && length < 0x1000000 && b[7] === 0;
}

export function sniffText(text: string): ArtefactKind {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('\x1e{')) {
    // journalctl -o json is a JSON object per line; a machine file is one object.
    if (!isJournalJson(trimmed.split('\n', 1)[0]!)) return 'machine-json';
    return looksLikeKernelLog(trimmed) ? 'dmesg' : 'unknown';
  }
  const first = trimmed.split('\n', 1)[0]!.trim();
  if (/^CPU0(\s+CPU\d+)*$/.test(first)) return 'proc-interrupts';
  // irqlab collect's per-irq table of /sys/kernel/irq and /proc/irq.
  if (first.startsWith('irq\tchip_name\t')) return 'sysfs-irqs';
  if ((ACPI_TABLE_LINE.test(text) || ACPI_RAW.test(text)) && ACPI_ROW.test(text))
    return 'acpi-text';
  // Kernel lines under any transport's prefix (kernel-log.ts), before lspci: a journal's
  // "pci 0000:00:02.0: ..." lines are not lspci's.
  if (looksLikeKernelLog(text)) return 'dmesg';
  if (LSPCI_HEADER.test(text)) return 'lspci';
  if (KERNEL_WORDS.test(text)) return 'dmesg';
  if (/^\s*0{4,8}: [0-9A-F]{2}/m.test(text)) return 'acpi-text';
  return 'unknown';
}
