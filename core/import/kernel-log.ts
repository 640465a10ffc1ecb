// The transports a kernel log comes through, and how to take each line's prefix off: dmesg (plain,
// -r, -T, -H/-d, --time-format=iso), journalctl -k/-b (short in any locale, short-precise,
// short-iso, short-iso-precise, short-full, short-monotonic, short-delta, short-unix), syslog
// files (kern.log, messages; rsyslog's RFC 3339 timestamps) and serial console captures (ANSI
// escapes, CRs, bootloader text, prompts and userspace output between and inside lines).
//
// `classifyLine` looks at one line alone; `KernelLogReader` follows a whole file: it tells noise
// from kernel text once it knows the file is stamped, finds where a boot starts (journal
// "-- Boot ... --" lines, the kernel's timestamp going back to 0) and names the format.

/** The lines a boot's log starts with (x86: the banner, then the command line and CPU features). */
const BOOT_BANNER =
  /^(?:Linux version |Command line: |KERNEL supported cpus:|x86\/fpu: |BIOS-provided physical RAM map|microcode: )/;

/** The prefix that carried a line, as the summary names it. */
export type Transport =
  | 'dmesg'
  | 'dmesg -T'
  | 'dmesg -H'
  | 'dmesg --time-format=iso'
  | 'journalctl -o short'
  | 'journalctl -o short-precise'
  | 'journalctl -o short-full'
  | 'journalctl -o short-iso'
  | 'journalctl -o short-iso-precise or rsyslog'
  | 'journalctl -o short-monotonic'
  | 'journalctl -o short-delta'
  | 'journalctl -o short-unix'
  | 'rsyslog (RFC 3339 timestamps)'
  | 'syslog'
  | 'journalctl -o json'
  | 'journalctl -o verbose'
  | 'journalctl -o export';

export interface ClassifiedLine {
  /** The kernel's message with every prefix removed; null when the line is not the kernel's. */
  msg: string | null;
  /** null: no prefix at all (an excerpt, a continuation line, or noise). */
  transport: Transport | null;
  /** The kernel's own timestamp (seconds since boot) when the line shows it. */
  uptime: number | null;
  /** A printk level was removed: "<6>" (dmesg -r) or "kern  :info  : " (dmesg -x). */
  level: false | '-r' | '-x';
  /** journalctl's lines between entries: "-- Boot <id> --"/"-- Reboot --" start a boot. */
  marker: 'boot' | 'header' | null;
  /** The month as the log wrote it (journalctl short and syslog follow the locale: "août"). */
  month: string | null;
  /** A syslog/journal line of another program ("systemd[1]: ..."). */
  otherProgram: boolean;
  /** An ISO-dated line whose next words could be "host program:" or a message ("usb 1-1: ..."). */
  ambiguous: boolean;
  /** The kernel text started after other text on the same line (serial console interleaving). */
  midLine: boolean;
  /** journalctl -o json's _BOOT_ID: a new one starts a boot. */
  bootId: string | null;
}

// A month as strftime's %b writes it in any locale: letters (any script) with digits at most
// around them ("8月"), maybe a dot ("févr.", "déc.").
const MONTH = String.raw`(\p{N}{0,2}\p{L}[\p{L}\p{N}]*\.?)`;
const CLOCK = String.raw`\d\d:\d\d:\d\d`;
const FRACTION = String.raw`(?:[.,](\d{1,9}))?`;
// A host name has no colon (an IPv6 address as host is not read); journalctl --no-hostname
// leaves it out.
const HOST_PROGRAM = String.raw`(?:([^\s:]+) )?([^\s[\]:]+)(\[\d+\])?: `;

/** journalctl -o short / short-precise, syslog: "Aug 25 19:38:03[.123456] host kernel: ". */
const SHORT = new RegExp(
  String.raw`^ ?${MONTH} ( ?)(\d{1,2}) ${CLOCK}${FRACTION} ${HOST_PROGRAM}`,
  'u',
);
/** journalctl -o short-full / with-unit: "Mon 2025-08-25 19:38:03[.123456] CEST host kernel: ". */
const FULL = new RegExp(
  String.raw`^\p{L}+\.? \d{4}-\d\d-\d\d ${CLOCK}${FRACTION} \S+ ${HOST_PROGRAM}`,
  'u',
);
/** short-iso, short-iso-precise, rsyslog RFC 3339, dmesg --time-format=iso. */
const ISO = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)(?:[.,](\d{1,9}))?(Z|[+-]\d\d(:?)\d\d|[+-]\d\d)? /;
const ISO_HOST = new RegExp(`^${HOST_PROGRAM}`);
/** journalctl -o short-unix: "1693000000.123456 host kernel: ". */
const UNIX = new RegExp(String.raw`^\d{9,11}\.\d{1,9} ${HOST_PROGRAM}`);
/** The kernel's timestamp, with dmesg -d's delta and CONFIG_PRINTK_CALLER's "[    T1]". */
const UPTIME = /^\s*\[\s*(\d+\.\d+)(?: <\s*\d+\.\d+[ *]?>)?\s*\](?:\[\s*[TC]\d+\])?\s?/;
/** dmesg -T, in the locale's words: "[Mon Aug 25 19:38:03 2025] ". */
const CTIME = /^\[\p{L}+\.? \p{L}+\.? [ \d]\d \d\d:\d\d:\d\d \d{4}\]\s?/u;
/** dmesg -H: "[Aug25 19:38] " then "[  +0.000123] ". */
const RELTIME = /^\[(?:\p{L}+\.?\d\d \d\d:\d\d|\s*[+-]\d+\.\d+)\]\s?/u;
const LEVEL = /^<\d{1,3}>/;
/** dmesg -x: "kern  :info  : " (facility and level decoded). */
const DECODED_LEVEL =
  /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7]|res\d)\s*:(?:emerg|alert|crit|err|warn|notice|info|debug)\s*: /;
/** A kernel timestamp inside a line of something else, as printk prints it (6 decimals). */
const MID_UPTIME = /\[\s*\d+\.\d{6}\] /;
// A terminal's control characters and escape sequences (CSI, OSC, charset and one-byte ones) are
// what these two match.
/* eslint-disable no-control-regex */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
const ANSI =
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[()*+][0-9A-Za-z]|[@-Z\\-_])/g;
/* eslint-enable no-control-regex */

const NONE: Omit<ClassifiedLine, 'msg'> = {
  transport: null,
  uptime: null,
  level: false,
  marker: null,
  month: null,
  otherProgram: false,
  ambiguous: false,
  midLine: false,
  bootId: null,
};

/** What a terminal would have shown of a line: escapes and control characters gone. */
function clean(line: string): string {
  let s = line;
  while (s.endsWith('\r')) s = s.slice(0, -1);
  if (s.includes('\r')) {
    // A carriage return mid-line (a prompt redrawn, output over a progress bar): the kernel's
    // text is the last part that carries a kernel timestamp, else the last non-blank one.
    const parts = s.split('\r');
    s =
      [...parts].reverse().find((x) => UPTIME.test(x.replace(ANSI, ''))) ??
      [...parts].reverse().find((x) => x.trim() !== '') ??
      '';
  }
  if (s.search(CONTROL) >= 0) s = s.replace(ANSI, '').replace(CONTROL, '');
  return s;
}

/** Takes the prefixes of one line off, alone (without what the rest of the file says). */
export function classifyLine(line: string): ClassifiedLine {
  let s = clean(line);
  const out: ClassifiedLine = { msg: null, ...NONE };
  if (s.startsWith('{')) {
    const j = journalJson(s);
    if (j) return j;
  }
  if (s.startsWith('-- ') && s.endsWith(' --')) {
    out.marker = /^-- (?:Boot [0-9a-f]+|Reboot) --$/.test(s) ? 'boot' : 'header';
    return out;
  }
  let r: RegExpExecArray | null;
  let program: string | null = null;
  // dmesg's "[" and "<" start none of the date prefixes (most lines of most logs).
  const c0 = s.charAt(0);
  if (c0 === '[' || c0 === '<' || c0 === '') {
    /* dmesg */
  } else if ((r = SHORT.exec(s))) {
    out.transport = r[4] !== undefined ? 'journalctl -o short-precise' : 'journalctl -o short';
    // Syslog pads the day with a space, journalctl with a zero.
    if (r[2] === ' ') out.transport = 'syslog';
    out.month = r[1]!;
    program = r[6]!;
    s = s.slice(r[0].length);
  } else if ((r = FULL.exec(s))) {
    out.transport = 'journalctl -o short-full';
    program = r[3]!;
    s = s.slice(r[0].length);
  } else if ((r = UNIX.exec(s))) {
    out.transport = 'journalctl -o short-unix';
    program = r[2]!;
    s = s.slice(r[0].length);
  } else if ((r = ISO.exec(s))) {
    const rest = s.slice(r[0].length);
    const h = ISO_HOST.exec(rest);
    // Without a host name only "kernel:" tells: dmesg's "IOAPIC[0]: ..." and the
    // "systemd[1]: ..." lines userspace writes to /dev/kmsg read like "program[pid]: ".
    if (h && (h[2] === 'kernel' || (h[1] !== undefined && h[3] !== undefined))) {
      // journalctl -o short-iso-precise and rsyslog's RFC 3339 format write the same dates
      // (journalctl before v250 wrote "+0200"); the kernel's timestamp after "kernel:" is
      // rsyslog's (see below).
      out.transport =
        r[2] !== undefined
          ? 'journalctl -o short-iso-precise or rsyslog'
          : 'journalctl -o short-iso';
      program = h[2]!;
      s = rest.slice(h[0].length);
    } else {
      // "usb 1-1: new device" after a dmesg --time-format=iso date reads like "host program:".
      out.transport = 'dmesg --time-format=iso';
      out.ambiguous = h !== null;
      s = rest;
    }
  }
  if (program !== null && program !== 'kernel') {
    out.otherProgram = true;
    return out;
  }
  for (let guard = 0; guard < 4; guard++) {
    if ((r = LEVEL.exec(s) ?? DECODED_LEVEL.exec(s))) {
      s = s.slice(r[0].length);
      out.level = r[0].startsWith('<') ? '-r' : '-x';
      continue;
    }
    if ((r = UPTIME.exec(s))) {
      s = s.slice(r[0].length);
      out.uptime = Number(r[1]);
      if (program === null) {
        // journalctl -o short-monotonic / short-delta: "[    0.000000] host kernel: ".
        const h = ISO_HOST.exec(s);
        if (h && h[1] !== undefined) {
          if (h[2] !== 'kernel' && h[3] !== undefined) {
            out.otherProgram = true;
            out.transport = 'journalctl -o short-monotonic';
            return out;
          }
          if (h[2] === 'kernel') {
            // short-delta: "[    0.123456 <    0.000012 >]", or blank when no delta is known.
            out.transport = /<|\s{16}\]/.test(r[0])
              ? 'journalctl -o short-delta'
              : 'journalctl -o short-monotonic';
            program = 'kernel';
            s = s.slice(h[0].length);
            continue;
          }
        }
        out.transport ??= 'dmesg';
      } else if (out.transport === 'journalctl -o short' || out.transport === 'syslog') {
        // kern.log and messages keep the kernel's own timestamp after "kernel: ".
        out.transport = 'syslog';
      } else if (out.transport === 'journalctl -o short-iso-precise or rsyslog') {
        out.transport = 'rsyslog (RFC 3339 timestamps)';
      }
      continue;
    }
    // Both start with "[": most messages do not, and these two (Unicode) cost the most to compile.
    if (s.charCodeAt(0) !== 91) break;
    if ((r = CTIME.exec(s))) {
      s = s.slice(r[0].length);
      out.transport ??= 'dmesg -T';
      continue;
    }
    if ((r = RELTIME.exec(s))) {
      s = s.slice(r[0].length);
      out.transport ??= 'dmesg -H';
      continue;
    }
    break;
  }
  if (out.transport === null && !out.level) {
    const m = MID_UPTIME.exec(s);
    if (m && m.index > 0) {
      // Userspace output and the kernel's line on one console line: the kernel's starts at its
      // timestamp.
      const k = classifyLine(s.slice(m.index));
      return { ...k, midLine: true };
    }
  }
  out.msg = s;
  return out;
}

/**
 * journalctl -o json (and json-seq, whose RS went with the control characters): one entry per
 * line. Only _TRANSPORT=kernel entries are the kernel's; MESSAGE is an array of bytes when it is
 * not UTF-8, and may hold several lines.
 */
function journalJson(s: string): ClassifiedLine | null {
  if (!s.includes('"MESSAGE"')) return null;
  let e: unknown;
  try {
    e = JSON.parse(s);
  } catch {
    return null;
  }
  if (typeof e !== 'object' || e === null || Array.isArray(e) || !('MESSAGE' in e)) return null;
  const entry = e as Record<string, unknown>;
  const out: ClassifiedLine = { msg: null, ...NONE, transport: 'journalctl -o json' };
  if (typeof entry._BOOT_ID === 'string') out.bootId = entry._BOOT_ID;
  if (entry._TRANSPORT !== 'kernel') {
    out.otherProgram = true;
    return out;
  }
  const m = entry.MESSAGE;
  if (typeof m === 'string') out.msg = m;
  else if (Array.isArray(m) && m.every((x) => typeof x === 'number'))
    out.msg = new TextDecoder().decode(new Uint8Array(m as number[]));
  else return out; // null: journald drops messages too big to keep
  // The kernel's own timestamp (__MONOTONIC_TIMESTAMP is when journald read the message).
  const t = entry._SOURCE_MONOTONIC_TIMESTAMP;
  if (typeof t === 'string' && /^\d+$/.test(t)) out.uptime = Number(t) / 1e6;
  return out;
}

/** Removes the prefixes the log's transport added; null when the line is not a kernel message. */
export function kernelMessage(line: string): string | null {
  const c = classifyLine(line);
  if (c.msg === null) return null;
  const stamped = c.transport !== null || c.level;
  // Excerpts quoted without timestamps still count; shell prompts and blank lines do not.
  if (!stamped && isNoise(c.msg)) return null;
  return c.msg;
}

/** Blank lines and shell prompts ("$ cmd", "# cmd", "root@host:~# cmd", "[root@vm ~]# cmd"). */
function isNoise(s: string): boolean {
  return (
    /^\s*$/.test(s) ||
    /^\s*[#$>] /.test(s) ||
    /^\S+@\S+[:~]/.test(s) ||
    /^\[\S+@[^\]]+\][#$]/.test(s)
  );
}

/** A message that only the kernel prints early in a boot (for sniffing). */
export const KERNEL_WORDS =
  /^(?:Linux version |Command line: |DMAR(?:-IR)?: |AMD-Vi: |ACPI: |ACPI BIOS |PCI: |pci [0-9a-f]{4,5}:|pci_bus [0-9a-f]{4}|IOAPIC\[\d+\]|smpboot: |smp: |x2apic|BIOS-e820: |e820: |DMI: |x86\/|tsc: |Memory: |NR_IRQS|iommu: |rcu: |clocksource: |Kernel command line: |microcode: |CPU\d*: |thermal |hpet)/;

/** Whether a line is an entry of journalctl -o json (which a machine file is not). */
export function isJournalJson(line: string): boolean {
  return journalJson(clean(line)) !== null;
}

/** Whether a text (the first lines of a file) is a kernel log, under any of the prefixes above. */
export function looksLikeKernelLog(text: string): boolean {
  let stamped = 0;
  let words = 0;
  const kernelEntries = /^(?: {4})?_TRANSPORT=kernel$/m.test(text);
  let lines = 0;
  let start = 0;
  while (start < text.length && lines < 4000) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const line = text.slice(start, nl);
    start = nl + 1;
    lines++;
    // journalctl -o verbose and -o export: a field a line, the entry's MESSAGE among them.
    const field = /^(?: {4})?MESSAGE=(.*)$/.exec(line);
    if (field && kernelEntries) {
      stamped++;
      if (KERNEL_WORDS.test(field[1]!)) {
        if (field[1]!.startsWith('Linux version ')) return true;
        words++;
      }
      continue;
    }
    const c = classifyLine(line);
    if (c.msg === null) continue;
    const msg = c.msg.trimStart();
    const known = KERNEL_WORDS.test(msg);
    if (known && msg.startsWith('Linux version ')) return true;
    if (known) words++;
    // A printk timestamp, or a kernel line of a journal, is the kernel's whatever it says.
    if (c.uptime !== null || c.level || (c.transport !== null && !c.ambiguous)) stamped++;
    if (words >= 3 || (stamped >= 1 && (c.uptime !== null || c.level))) return true;
  }
  return stamped >= 3 || (stamped >= 1 && words >= 1);
}

/** Reads a kernel log line by line; `emit` gets each kernel message with the line it came from. */
export interface KernelLogSink {
  (msg: string, line: number, bootStart: boolean): void;
}

const HOLD = 256;
/** journalctl -o verbose's entry header: the time to the microsecond, then the cursor. */
const VERBOSE_HEADER =
  /^(?:\p{L}+\.? )?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \S+ \[s=[0-9a-f]+;i=[0-9a-f]+;b=([0-9a-f]+);/u;
const JOURNALS = new Set<Transport>([
  'journalctl -o short',
  'journalctl -o short-precise',
  'journalctl -o short-full',
  'journalctl -o short-iso',
  'journalctl -o short-iso-precise or rsyslog',
  'journalctl -o short-monotonic',
  'journalctl -o short-delta',
  'journalctl -o short-unix',
  'rsyslog (RFC 3339 timestamps)',
  'syslog',
  'journalctl -o json',
]);

export class KernelLogReader {
  /** Whether the file's kernel lines carry a prefix (then lines without one are noise). */
  private stamped = false;
  /** Prefix-less lines seen before the file showed whether it is stamped. */
  private held: { msg: string; line: number }[] = [];
  private decided = false;
  private previousWasKernel = false;
  private lastUptime: number | null = null;
  private lastBootId: string | null = null;
  private bootPending = false;
  private journalStyle = false;
  private readonly transports = new Map<Transport | 'plain', number>();
  private months = new Set<string>();
  private levels = 0;
  private levelStyle: false | '-r' | '-x' = false;
  private noise = 0;
  private otherPrograms = 0;
  private serial = 0;
  /** The journal entry being read, in journalctl -o verbose or -o export (a field a line). */
  private entry: {
    format: 'journalctl -o verbose' | 'journalctl -o export';
    kernel: boolean;
    message: string | null;
    line: number;
    bootId: string | null;
  } | null = null;

  feed(raw: string, lineNo: number, emit: KernelLogSink): void {
    if (
      // A verbose entry's header starts with a letter or a digit, never dmesg's "[".
      (this.entry !== null ||
        raw.startsWith('__CURSOR=') ||
        (raw.charCodeAt(0) !== 91 && VERBOSE_HEADER.test(raw))) &&
      this.entryLine(raw, lineNo, emit)
    )
      return;
    const c = classifyLine(raw);
    if (c.marker) {
      if (c.marker === 'boot') this.bootPending = true;
      this.previousWasKernel = false;
      return;
    }
    // "host kernel: " proves the file is a journal or syslog: there, an ISO-dated line that
    // reads "host program: " is another program's, not dmesg --time-format=iso's "usb 1-1: ".
    if (c.msg !== null && c.transport !== null && JOURNALS.has(c.transport))
      this.journalStyle = true;
    if (c.otherProgram || (c.ambiguous && this.journalStyle)) {
      this.otherPrograms++;
      this.previousWasKernel = false;
      return;
    }
    if (c.msg === null) return;
    // Escapes and carriage returns inside a line (not CRLF) are a terminal's.
    if (raw.includes('\x1b') || (raw.indexOf('\r') >= 0 && raw.indexOf('\r') < raw.length - 1))
      this.serial++;
    const prefixed = c.transport !== null || c.level;
    if (prefixed) {
      if (!this.stamped) {
        this.stamped = true;
        // What came before the first stamped line was not the kernel's (bootloader, prompts).
        this.noise += this.held.length;
        this.held = [];
        this.decided = true;
      }
      if (c.midLine) this.serial++;
      this.count(c);
      this.previousWasKernel = true;
      let boot = false;
      if (c.uptime !== null) {
        // A boot's first lines are stamped 0.000000. Within a boot the clock goes back too, but
        // not to 0: a CPU of another socket, whose clock is not synchronised yet, starts low
        // ("[    1.371060] ..." then "[    0.002134] smpboot: CPU 10 Converting ...").
        // Nor is every line at 0 a boot: a secondary CPU's calibration lines are stamped 0.000000
        // by its own unsynchronised clock (16 vCPUs under TCG). A boot starts with its banner.
        if (
          c.uptime === 0 &&
          this.lastUptime !== null &&
          this.lastUptime >= 1 &&
          BOOT_BANNER.test(c.msg)
        )
          boot = true;
        this.lastUptime = c.uptime;
      }
      if (c.bootId !== null) {
        if (this.lastBootId !== null && c.bootId !== this.lastBootId) boot = true;
        this.lastBootId = c.bootId;
      }
      if (this.bootPending) boot = true;
      this.bootPending = false;
      if (c.msg.includes('\n')) {
        // A message of several lines (journal JSON): its lines, as dmesg would show them.
        for (const part of c.msg.split('\n')) {
          emit(part, lineNo, boot);
          boot = false;
        }
      } else emit(c.msg, lineNo, boot);
      return;
    }
    // A line without a prefix.
    const continuation = /^\s+\S/.test(c.msg);
    if (this.stamped) {
      // dmesg and journalctl indent the lines of a multi-line message, unprefixed.
      if (continuation && this.previousWasKernel) emit(c.msg, lineNo, false);
      else if (c.msg.trim() !== '') {
        this.noise++;
        this.previousWasKernel = false;
      }
      return;
    }
    if (isNoise(c.msg)) return;
    if (!this.decided) {
      this.held.push({ msg: c.msg, line: lineNo });
      if (this.held.length >= HOLD) this.flush(emit);
      return;
    }
    this.transports.set('plain', (this.transports.get('plain') ?? 0) + 1);
    emit(c.msg, lineNo, false);
  }

  /** The end of the input: lines held while the format was unknown are the kernel's. */
  end(emit: KernelLogSink): void {
    this.endEntry(emit);
    this.flush(emit);
  }

  /**
   * A line of journalctl -o verbose ("Mon 2025-08-25 19:38:03.123456 CEST [s=..;b=<boot>;..]"
   * then "    FIELD=value" lines) or -o export ("__CURSOR=..." then "FIELD=value" lines, a blank
   * line after each entry): the entry is the kernel's when _TRANSPORT=kernel, whatever the
   * order of its fields. False when the line is not one of an entry.
   */
  private entryLine(raw: string, lineNo: number, emit: KernelLogSink): boolean {
    let r: RegExpExecArray | null;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if ((r = VERBOSE_HEADER.exec(line)) || line.startsWith('__CURSOR=')) {
      this.endEntry(emit);
      this.entry = {
        format: r ? 'journalctl -o verbose' : 'journalctl -o export',
        kernel: false,
        message: null,
        line: lineNo,
        bootId: r ? r[1]! : (/;b=([0-9a-f]+);/.exec(line)?.[1] ?? null),
      };
      return true;
    }
    const e = this.entry;
    if (e === null) return false;
    if (e.format === 'journalctl -o export' && line === '') {
      this.endEntry(emit);
      return true;
    }
    const field =
      e.format === 'journalctl -o verbose'
        ? /^ {4}([A-Z0-9_]+)=(.*)$/.exec(line)
        : /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (field) {
      const [, key, value] = field;
      if (key === '_TRANSPORT') e.kernel = value === 'kernel';
      else if (key === '_BOOT_ID') e.bootId = value!;
      else if (key === 'MESSAGE') {
        e.message = value!;
        e.line = lineNo;
      }
      return true;
    }
    if (e.format === 'journalctl -o verbose' && !/^ {4}/.test(line)) {
      // Not an entry's line: the entries are over.
      this.endEntry(emit);
      return false;
    }
    // A field's next line (a message of several lines), or a binary field's bytes: skipped.
    return true;
  }

  private endEntry(emit: KernelLogSink): void {
    const e = this.entry;
    this.entry = null;
    if (e === null) return;
    if (!e.kernel) {
      if (e.message !== null) this.otherPrograms++;
      return;
    }
    if (e.message === null) return;
    this.stamped = this.decided = this.journalStyle = true;
    this.noise += this.held.length;
    this.held = [];
    this.transports.set(e.format, (this.transports.get(e.format) ?? 0) + 1);
    let boot = this.bootPending;
    this.bootPending = false;
    if (e.bootId !== null) {
      if (this.lastBootId !== null && e.bootId !== this.lastBootId) boot = true;
      this.lastBootId = e.bootId;
    }
    this.previousWasKernel = false;
    emit(e.message, e.line, boot);
  }

  private flush(emit: KernelLogSink): void {
    this.decided = true;
    const held = this.held;
    this.held = [];
    for (const h of held) {
      this.transports.set('plain', (this.transports.get('plain') ?? 0) + 1);
      emit(h.msg, h.line, false);
    }
  }

  private count(c: ClassifiedLine): void {
    const t = c.transport ?? 'plain';
    this.transports.set(t, (this.transports.get(t) ?? 0) + 1);
    if (c.month && this.months.size < 12) this.months.add(c.month);
    if (c.level) {
      this.levels++;
      this.levelStyle = c.level;
    }
  }

  /** "journalctl -o short (months: août, sept.)", "dmesg -r", "serial console capture (dmesg), ...". */
  describe(): string {
    let best: Transport | 'plain' | null = null;
    let n = 0;
    for (const [t, k] of this.transports)
      if (k > n) {
        best = t;
        n = k;
      }
    if (best === null) return 'no kernel lines';
    let name: string =
      best === 'plain'
        ? 'kernel messages without prefixes'
        : best === 'dmesg' && this.levelStyle
          ? `dmesg ${this.levelStyle}`
          : best;
    if (best !== 'dmesg' && best !== 'plain' && this.levels > n / 2) name += ', printk levels';
    const months = [...this.months];
    if (months.length && months.some((m) => !ENGLISH_MONTHS.has(m)))
      name += ` (months: ${months.join(', ')})`;
    const extra: string[] = [];
    // Escape sequences and carriage returns are a terminal's: the log was captured from one.
    if (this.serial) name = `serial console capture (${name})`;
    if (this.noise) extra.push(`${this.noise} other lines skipped`);
    if (this.otherPrograms) extra.push(`${this.otherPrograms} lines of other programs skipped`);
    return extra.length ? `${name}; ${extra.join(', ')}` : name;
  }
}

const ENGLISH_MONTHS = new Set([
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
]);
