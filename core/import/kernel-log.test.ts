// Kernel logs under every transport's prefix: a real boot log re-prefixed as dmesg -r/-T/-H,
// journalctl's short formats (English, French, German months), syslog, rsyslog and a noisy serial
// console capture must give the same facts as the plain dmesg; a log of several boots must
// describe the last one only.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../testing/shared';
import { realFixtures, realPath } from '../testing/sources';
import { DmesgParser, parseDmesg, type DmesgResult } from './dmesg';
import { MAX_SOURCES_PER_FACT } from './errors';
import { parseArtefact } from './index';
import { classifyLine, kernelMessage } from './kernel-log';
import { sniffText } from './sniff';

const ECS = 'dmesg/ecs-h310ch5-m2-coffeelake-1drhd-x2apic-ir-dmafault.dmesg.txt';
const HP = 'dmesg/hp-compaq-8000-elite-q45-4drhd-no-ir-journal.dmesg.txt';
const read = (f: string) => readFileSync(realPath(f), 'utf8');

/** The plain dmesg lines of a fixture: the kernel's timestamp and message. */
function records(text: string): { t: number; msg: string }[] {
  const out: { t: number; msg: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\[\s*(\d+\.\d+)\] (.*)$/.exec(line);
    if (m) out.push({ t: Number(m[1]), msg: m[2]! });
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const BOOT = Date.UTC(2025, 7, 25, 17, 38, 3); // 19:38:03 CEST
/** Wall-clock parts of the boot time plus t seconds, in CEST. */
function wall(t: number) {
  const d = new Date(BOOT + 2 * 3600_000 + Math.floor(t * 1000));
  const us = pad(Math.round((t % 1) * 1e6) % 1e6, 6);
  return {
    ymd: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    day: d.getUTCDate(),
    hms: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    us,
    unix: `${Math.floor((BOOT + t * 1000) / 1000)}.${us}`,
  };
}
/** An entry of journalctl -o json, as journald stores a kernel message or another program's. */
function journalJson(t: number, msg: string, program: string, boot: string): string {
  const us = String(Math.round(t * 1e6));
  return JSON.stringify({
    __CURSOR: `s=0a;i=${us};b=${boot};m=${us};t=0;x=0`,
    __REALTIME_TIMESTAMP: String(BOOT * 1000 + Number(us)),
    __MONOTONIC_TIMESTAMP: String(3_000_000 + Number(us)),
    _BOOT_ID: boot,
    ...(program === 'kernel'
      ? { _TRANSPORT: 'kernel', _SOURCE_MONOTONIC_TIMESTAMP: us }
      : { _TRANSPORT: 'journal', _PID: '1' }),
    PRIORITY: '6',
    SYSLOG_IDENTIFIER: program,
    MESSAGE: msg,
    _HOSTNAME: 'host',
  });
}
/** An entry of journalctl -o verbose or -o export: a field a line, in journald's order. */
function journalEntry(
  format: 'verbose' | 'export',
  t: number,
  msg: string,
  program: string,
  boot: string,
): string {
  const us = Math.round(t * 1e6);
  const cursor = `s=0a1b;i=${us.toString(16)};b=${boot};m=${us.toString(16)};t=0;x=0`;
  const fields =
    program === 'kernel'
      ? [
          `_SOURCE_MONOTONIC_TIMESTAMP=${us}`,
          '_TRANSPORT=kernel',
          'PRIORITY=6',
          'SYSLOG_FACILITY=0',
          'SYSLOG_IDENTIFIER=kernel',
          `MESSAGE=${msg}`,
          `_BOOT_ID=${boot}`,
          '_HOSTNAME=host',
        ]
      : // Another program's fields come in another order: MESSAGE before _TRANSPORT.
        [
          'PRIORITY=6',
          `SYSLOG_IDENTIFIER=${program}`,
          `MESSAGE=${msg}`,
          '_PID=1',
          '_TRANSPORT=journal',
        ];
  if (format === 'verbose')
    return [
      `Mon ${wall(t).ymd} ${wall(t).hms}.${wall(t).us} CEST [${cursor}]`,
      ...fields.map((f) => `    ${f}`),
    ].join('\n');
  return [
    `__CURSOR=${cursor}`,
    `__REALTIME_TIMESTAMP=${BOOT * 1000 + us}`,
    `__MONOTONIC_TIMESTAMP=${3_000_000 + us}`,
    `_BOOT_ID=${boot}`,
    ...fields.filter((f) => !f.startsWith('_BOOT_ID=')),
    '',
  ].join('\n');
}
const mono = (t: number) => `[${t.toFixed(6).padStart(12)}]`;

/** Another program's journal line, as a journal has between the kernel's. */
const OTHER = (prefix: string) => `${prefix} host systemd[1]: Started systemd-udevd.service.`;

/** Each format, made from a record; `other` gives a non-kernel line of the same journal. */
const FORMATS: Record<
  string,
  { line: (t: number, msg: string) => string; other?: (t: number) => string; name: RegExp }
> = {
  'dmesg -r': { line: (t, m) => `<6>${mono(t)} ${m}`, name: /^dmesg -r/ },
  'dmesg -x': { line: (t, m) => `kern  :info  : ${mono(t)} ${m}`, name: /^dmesg -x/ },
  'dmesg -T': {
    line: (t, m) => `[Mon Aug ${wall(t).day} ${wall(t).hms} 2025] ${m}`,
    name: /^dmesg -T/,
  },
  'dmesg -T (French)': {
    line: (t, m) => `[lun. août ${wall(t).day} ${wall(t).hms} 2025] ${m}`,
    name: /^dmesg -T/,
  },
  'dmesg -H': {
    line: (t, m) => (t === 0 ? `[Aug25 19:38] ${m}` : `[  +${(t / 100).toFixed(6)}] ${m}`),
    name: /^dmesg -H/,
  },
  'dmesg --time-format=iso': {
    line: (t, m) => `${wall(t).ymd}T${wall(t).hms},${wall(t).us}+02:00 ${m}`,
    name: /^dmesg --time-format=iso/,
  },
  'journalctl -o short (English)': {
    line: (t, m) => `Aug ${wall(t).day} ${wall(t).hms} host kernel: ${m}`,
    other: (t) => OTHER(`Aug ${wall(t).day} ${wall(t).hms}`),
    name: /^journalctl -o short;/,
  },
  'journalctl -o short (French)': {
    line: (t, m) => `août ${wall(t).day} ${wall(t).hms} host kernel: ${m}`,
    other: (t) => OTHER(`août ${wall(t).day} ${wall(t).hms}`),
    name: /^journalctl -o short \(months: août\)/,
  },
  'journalctl -o short (German)': {
    line: (t, m) => `Okt ${wall(t).day} ${wall(t).hms} host kernel: ${m}`,
    other: (t) => OTHER(`Okt ${wall(t).day} ${wall(t).hms}`),
    name: /^journalctl -o short \(months: Okt\)/,
  },
  'journalctl -o short --no-hostname': {
    line: (t, m) => `Aug ${wall(t).day} ${wall(t).hms} kernel: ${m}`,
    other: (t) => `Aug ${wall(t).day} ${wall(t).hms} systemd[1]: Started systemd-udevd.service.`,
    name: /^journalctl -o short;/,
  },
  'journalctl -o short-precise': {
    line: (t, m) => `Aug ${wall(t).day} ${wall(t).hms}.${wall(t).us} host kernel: ${m}`,
    other: (t) => OTHER(`Aug ${wall(t).day} ${wall(t).hms}.${wall(t).us}`),
    name: /^journalctl -o short-precise/,
  },
  'journalctl -o short-iso': {
    line: (t, m) => `${wall(t).ymd}T${wall(t).hms}+02:00 host kernel: ${m}`,
    other: (t) => OTHER(`${wall(t).ymd}T${wall(t).hms}+02:00`),
    name: /^journalctl -o short-iso;/,
  },
  'journalctl -o short-iso-precise': {
    line: (t, m) => `${wall(t).ymd}T${wall(t).hms}.${wall(t).us}+0200 host kernel: ${m}`,
    other: (t) => OTHER(`${wall(t).ymd}T${wall(t).hms}.${wall(t).us}+0200`),
    name: /^journalctl -o short-iso-precise/,
  },
  'journalctl -o short-full': {
    line: (t, m) => `Mon ${wall(t).ymd} ${wall(t).hms} CEST host kernel: ${m}`,
    other: (t) => OTHER(`Mon ${wall(t).ymd} ${wall(t).hms} CEST`),
    name: /^journalctl -o short-full/,
  },
  'journalctl -o short-monotonic': {
    line: (t, m) => `${mono(t)} host kernel: ${m}`,
    other: (t) => OTHER(mono(t)),
    name: /^journalctl -o short-monotonic/,
  },
  'journalctl -o short-delta': {
    line: (t, m) =>
      t === 0
        ? `[${t.toFixed(6).padStart(12)}${' '.repeat(16)}] host kernel: ${m}`
        : `[${t.toFixed(6).padStart(12)} <${'0.000100'.padStart(12)} >] host kernel: ${m}`,
    name: /^journalctl -o short-delta/,
  },
  'journalctl -o short-unix': {
    line: (t, m) => `${wall(t).unix} host kernel: ${m}`,
    other: (t) => OTHER(wall(t).unix),
    name: /^journalctl -o short-unix/,
  },
  'syslog (/var/log/kern.log)': {
    line: (t, m) =>
      `Aug ${String(wall(t).day).padStart(2)} ${wall(t).hms} host kernel: ${mono(t)} ${m}`,
    other: (t) => OTHER(`Aug ${String(wall(t).day).padStart(2)} ${wall(t).hms}`),
    name: /^syslog/,
  },
  'journalctl -o json': {
    line: (t, m) => journalJson(t, m, 'kernel', 'b1'),
    other: (t) => journalJson(t, 'Started systemd-udevd.service.', 'systemd', 'b1'),
    name: /^journalctl -o json/,
  },
  'journalctl -o verbose': {
    line: (t, m) => journalEntry('verbose', t, m, 'kernel', 'b1'),
    other: (t) => journalEntry('verbose', t, 'Started systemd-udevd.service.', 'systemd', 'b1'),
    name: /^journalctl -o verbose/,
  },
  'journalctl -o export': {
    line: (t, m) => journalEntry('export', t, m, 'kernel', 'b1'),
    other: (t) => journalEntry('export', t, 'Started systemd-udevd.service.', 'systemd', 'b1'),
    name: /^journalctl -o export/,
  },
  'rsyslog, high-precision timestamps (kern.log)': {
    line: (t, m) =>
      `${wall(t).ymd}T${wall(t).hms}.${wall(t).us}+02:00 host kernel: ${mono(t)} ${m}`,
    other: (t) => OTHER(`${wall(t).ymd}T${wall(t).hms}.${wall(t).us}+02:00`),
    name: /^rsyslog/,
  },
};

/** A serial console capture: firmware and GRUB first, escapes, CRs, prompts, userspace output. */
function serialCapture(recs: { t: number; msg: string }[]): string {
  const out = [
    '\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2J\x1b[01;01HBdsDxe: loading Boot0001 "debian"',
    'Welcome to GRUB!',
    '',
    "\x1b[0m\x1b[30m\x1b[47m  Booting `Debian GNU/Linux, with Linux 6.1.0-20-amd64'",
    'Loading Linux 6.1.0-20-amd64 ...',
    'Loading initial ramdisk ...',
  ];
  recs.forEach(({ t, msg }, i) => {
    const line = `${mono(t)} ${msg}`;
    if (i % 97 === 5)
      out.push(`[  \x1b[0;32mOK\x1b[0m  ] Started \x1b[0;1;39msystemd-udevd.service\x1b[0m.\r`);
    if (i % 101 === 7) out.push('root@host:~# cat /proc/cmdline\r');
    if (i % 89 === 3) out.push(`Starting Load Kernel Modules...${line}\r`);
    else if (i % 13 === 0) out.push(`\x1b[0m${line}\r`);
    else if (i % 17 === 0) out.push(`\r\r${line}\r\r`);
    else out.push(`${line}\r`);
  });
  out.push('Debian GNU/Linux 12 host ttyS0', '', 'host login: ');
  return out.join('\n') + '\n';
}

/** The facts of a parse, without where they were read (noise lines shift line numbers). */
/** The facts without where they were read (line numbers differ from one transport to another). */
function facts(r: DmesgResult) {
  return JSON.parse(
    JSON.stringify({ part: r.part, observations: r.observations }, (k, v: unknown) =>
      k === 'at' || k === 'lineOf' || k === 'acpiTableLines'
        ? undefined
        : v instanceof Map
          ? [...v]
          : v,
    ),
  ) as unknown;
}

describe('a real boot log under every transport gives the same facts as the plain dmesg', () => {
  const plainText = read(ECS);
  const plain = parseDmesg(plainText, ECS);
  const recs = records(plainText);

  it('the plain log has the facts compared below', () => {
    expect(plain.part.cpus?.online_count).toBeGreaterThan(1);
    expect(plain.part.ioapics?.length).toBeGreaterThan(0);
    expect(plain.part.iommus?.length).toBeGreaterThan(0);
    expect(plain.observations.irqRemapping).toBe('x2apic');
    expect(plain.part.pci?.length).toBeGreaterThan(10);
    expect(plain.observations.faults.length).toBeGreaterThan(0);
    expect(plain.format).toBe('dmesg');
    expect(plain.boots).toBe(1);
  });

  for (const [name, f] of Object.entries(FORMATS))
    it(name, () => {
      const lines: string[] = [];
      if (f.other && !/json|export/.test(name))
        lines.push('-- Journal begins at Mon 2025-08-25 19:38:03 CEST. --');
      recs.forEach(({ t, msg }, i) => {
        lines.push(f.line(t, msg));
        if (f.other && i % 50 === 49) lines.push(f.other(t));
      });
      const text = lines.join('\n') + '\n';
      expect(sniffText(text.slice(0, 65536))).toBe('dmesg');
      const r = parseDmesg(text, 'x');
      expect(facts(r)).toEqual(facts(plain));
      expect(r.kernelLines).toBe(recs.length);
      expect(r.format).toMatch(f.name);
      if (f.other)
        expect(r.format).toContain(
          `${Math.floor(recs.length / 50)} lines of other programs skipped`,
        );
      expect(r.boots).toBe(1);
    });

  it('a serial console capture with noise between and inside lines', () => {
    const text = serialCapture(recs);
    expect(sniffText(text.slice(0, 65536))).toBe('dmesg');
    const r = parseDmesg(text, 'console.log');
    expect(facts(r)).toEqual(facts(plain));
    expect(r.kernelLines).toBe(recs.length);
    expect(r.format).toMatch(/^serial console capture \(dmesg\); \d+ other lines skipped/);
  });

  it('a French journal file imports by its content, and the summary names the format', () => {
    const text = recs.map(({ t, msg }) => FORMATS['journalctl -o short (French)']!.line(t, msg));
    const p = parseArtefact('journal-fr.txt', text.join('\n'));
    expect(p.kind).toBe('dmesg');
  });
});

describe('sniffing', () => {
  it('a journal of other programs only is not a kernel log', () => {
    const lines = Array.from(
      { length: 40 },
      (_, i) => `août 25 19:38:${pad(i % 60)} host systemd[1]: Started unit-${i}.service.`,
    );
    expect(sniffText(lines.join('\n'))).toBe('unknown');
  });

  it('a few kernel lines of a journal are enough, among other programs’ lines', () => {
    const lines = [
      'Okt 05 10:00:00 host systemd[1]: Starting Flush Journal to Persistent Storage...',
      'Okt 05 10:00:00 host kernel: pci 0000:00:1f.0: [8086:a30e] type 00 class 0x060100',
      'Okt 05 10:00:00 host kernel: ACPI: PCI Interrupt Link [LNKA] (IRQs 3 4 5 6 10 *11)',
      'Okt 05 10:00:00 host kernel: DMAR: dmar0: Using Queued invalidation',
    ];
    expect(sniffText(lines.join('\n'))).toBe('dmesg');
  });
});

describe('line prefixes', () => {
  const want = 'DMAR: Host address width 39';
  it('takes month names in any locale, as strftime %b writes them', () => {
    const months = [
      ...['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'déc.'],
      ...['Jan', 'Feb', 'Mär', 'Apr', 'Mai', 'Okt', 'Dez'],
      ...['ene', 'abr', 'ago', 'dic'],
      ...['янв', 'авг', '8月', '8월', 'Αυγ'],
    ];
    for (const m of months) {
      const c = classifyLine(`${m} 05 19:38:03 host kernel: ${want}`);
      expect(c.msg, m).toBe(want);
      expect(c.month, m).toBe(m);
    }
    expect(classifyLine(` 8月 05 19:38:03 host kernel: ${want}`).msg).toBe(want);
  });

  it('skips other programs of a journal and its header and boot lines', () => {
    for (const line of [
      'août 25 19:38:04 host systemd[1]: Started Journal Service.',
      '2025-08-25T19:38:04+0200 host systemd-udevd[312]: Using default interface naming scheme',
      '[    4.100000] host systemd[1]: Started Journal Service.',
      '-- Boot 5f8d1e5a1a0c4f19b6f7c0c3d2e1f0a9 --',
      '-- Reboot --',
      '-- Journal begins at Mon 2025-08-25 19:38:03 CEST, ends at Mon 2025-08-25 20:01:00 CEST. --',
    ])
      expect(kernelMessage(line), line).toBeNull();
    expect(classifyLine('-- Boot 5f8d1e5a1a0c4f19b6f7c0c3d2e1f0a9 --').marker).toBe('boot');
    expect(kernelMessage(journalJson(4.1, 'Started Journal Service.', 'systemd', 'b'))).toBeNull();
  });

  it('reads journal JSON messages that are not UTF-8 (byte arrays) or hold several lines', () => {
    const bytes = [...new TextEncoder().encode(want)];
    const line = journalJson(0.05, want, 'kernel', 'b').replace(
      JSON.stringify(want),
      JSON.stringify(bytes),
    );
    expect(kernelMessage(line)).toBe(want);
    const two = parseDmesg(
      journalJson(
        0.05,
        `DMAR: [INTR-REMAP] Request device [09:00.0] fault index 0x8080\n       [fault reason 0x25]\n       Blocked a compatibility format interrupt request`,
        'kernel',
        'b',
      ),
      'j',
    );
    expect(two.observations.faults.map((f) => f.fault.reason)).toEqual([0x25]);
  });

  it('keeps what a console line shows: escapes, CRs and userspace text before the kernel’s', () => {
    for (const line of [
      `\x1b[0m[    0.051338] ${want}\r`,
      `\r\r[    0.051338] ${want}\r\r`,
      `login: \r[    0.051338] ${want}`,
      `Starting Load Kernel Modules...[    0.051338] ${want}`,
      `[    0.051338][    T1] ${want}`,
      `kern  :info  : [    0.051338] ${want}`,
    ])
      expect(kernelMessage(line), JSON.stringify(line)).toBe(want);
  });
});

describe('a log of several boots describes the last one', () => {
  const ecs = records(read(ECS));
  const hp = records(read(HP).replace(/^(\[[^\]]+\]) \S+ kernel: /gm, '$1 '));
  const lastAlone = parseDmesg(hp.map(({ t, msg }) => `${mono(t)} ${msg}`).join('\n'), 'hp');

  it('the boots compared differ in what is dropped', () => {
    expect(parseDmesg(read(ECS), ECS).observations.faults.length).toBeGreaterThan(0);
    expect(lastAlone.observations.faults).toEqual([]);
    expect(lastAlone.observations.irqRemapping).not.toBe('x2apic');
    expect(lastAlone.part.dmar?.rmrr?.length).toBeGreaterThan(1);
  });

  it('journalctl -k with "-- Boot --" lines and wall-clock times', () => {
    const j = (t: number, msg: string) => `août ${wall(t).day} ${wall(t).hms} host kernel: ${msg}`;
    const lines = ['-- Boot 0a --', ...ecs.map((x) => j(x.t, x.msg))];
    lines.push('-- Boot 0b --', ...ecs.slice(0, 300).map((x) => j(x.t, x.msg)));
    lines.push('-- Boot 0c --');
    const from = lines.length + 1;
    lines.push(...hp.map((x) => j(x.t, x.msg)));
    const r = parseDmesg(lines.join('\n'), 'journal');
    expect(facts(r)).toEqual(facts(lastAlone));
    expect([r.boots, r.bootLine]).toEqual([3, from]);
    expect(r.notes.join('\n')).toContain(`the log holds 3 boots`);
    expect(r.notes.join('\n')).toContain(`from line ${from}`);
  });

  it('journalctl -o verbose: a new boot id in the cursor starts a boot', () => {
    const lines = ecs.map((x) => journalEntry('verbose', x.t, x.msg, 'kernel', 'aaaa'));
    const from = lines.join('\n').split('\n').length + 7; // the first entry's MESSAGE line
    lines.push(...hp.map((x) => journalEntry('verbose', x.t, x.msg, 'kernel', 'bbbb')));
    const r = parseDmesg(lines.join('\n'), 'journal.txt');
    expect(facts(r)).toEqual(facts(lastAlone));
    expect([r.boots, r.bootLine]).toEqual([2, from]);
  });

  it('journalctl -o json: a new _BOOT_ID starts a boot', () => {
    const lines = [
      ...ecs.map((x) => journalJson(x.t, x.msg, 'kernel', 'aaaa')),
      ...hp.slice(0, 1).map((x) => journalJson(x.t, x.msg, 'systemd', 'bbbb')),
    ];
    const from = lines.length + 1;
    lines.push(...hp.map((x) => journalJson(x.t, x.msg, 'kernel', 'bbbb')));
    const r = parseDmesg(lines.join('\n'), 'journal.json');
    expect(facts(r)).toEqual(facts(lastAlone));
    expect([r.boots, r.bootLine]).toEqual([2, from]);
  });

  it('a kern.log whose kernel clock goes back to 0, without "Linux version" in the last boot', () => {
    const s = (t: number, msg: string) =>
      `Aug ${String(wall(t).day).padStart(2)} ${wall(t).hms} host kernel: ${mono(t)} ${msg}`;
    const lines = ecs.map((x) => s(x.t, x.msg));
    const from = lines.length + 1;
    lines.push(...hp.filter((x) => !x.msg.startsWith('Linux version')).map((x) => s(x.t, x.msg)));
    const r = parseDmesg(lines.join('\n'), 'kern.log');
    const { kernel: _k, ...last } = lastAlone.part;
    const { kernel: _k2, ...got } = r.part;
    expect(got).toEqual(last);
    expect(r.observations.faults).toEqual([]);
    expect([r.boots, r.bootLine]).toEqual([2, from]);
  });

  it('the real logs are one boot each, though a CPU of another socket starts its clock low', () => {
    for (const f of realFixtures('dmesg')) expect(parseDmesg(read(f), f).boots, f).toBe(1);
  });

  it("a secondary CPU's lines stamped 0.000000 by its own clock do not start a boot (16 vCPUs)", () => {
    const dir = path.join(repoRoot, 'fixtures', 'qemu');
    for (const capture of readdirSync(dir).filter((d) => d.includes('@'))) {
      const f = path.join(dir, capture, 'dmesg.txt');
      expect(parseDmesg(readFileSync(f, 'utf8'), f).boots, capture).toBe(1);
    }
  });

  it('thousands of boots: one boot’s facts are held, not all of them', () => {
    // Every boot prints a fault: a parser that kept them would end with thousands.
    const boot = ecs
      .filter(
        (x) =>
          /^(Linux version|DMI:|DMAR|ACPI: IOAPIC|IOAPIC\[|smpboot: Allowing|smp: Brought)/.test(
            x.msg,
          ) || /^pci 0000:00:/.test(x.msg),
      )
      .map((x) => `${mono(x.t)} ${x.msg}`);
    expect(boot.some((l) => l.includes('Request device'))).toBe(true);
    const one = parseDmesg(boot.join('\n'), 'one');
    const n = 2000;
    const p = parseDmesgLines(boot, n);
    expect(p.boots).toBe(n);
    expect(facts(p)).toEqual(facts(one));
    expect(p.bootLine).toBe((n - 1) * boot.length + 1);
    for (const sources of Object.values(p.provenance))
      expect(sources.length).toBeLessThanOrEqual(MAX_SOURCES_PER_FACT);
  });
});

/** `n` copies of a boot, fed line by line (never held as one text). */
function parseDmesgLines(boot: string[], n: number): DmesgResult {
  const parser = new DmesgParser('boots');
  for (let i = 0; i < n; i++) for (const l of boot) parser.push(l);
  return parser.finish();
}
