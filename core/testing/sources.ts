// The expected facts of the real fixtures, read from shared/fixtures/real/SOURCES.md at test
// time (never copied into a test): the text of the section that names a fixture file.
import { readFileSync } from 'node:fs';
import { sharedPath } from './shared';

let cache: string | null = null;

function sourcesText(): string {
  return (cache ??= readFileSync(sharedPath('fixtures', 'real', 'SOURCES.md'), 'utf8'));
}

/**
 * The section of SOURCES.md about `file` (a path under fixtures/real, e.g. "acpi/x.txt"): from its
 * "### " heading (which may name several files, "x.{acpidump,iasl-decoded}-...") to the next
 * heading. Markdown emphasis is removed so facts read as plain text.
 */
export function sourceFacts(file: string): string {
  const text = sourcesText();
  const sections = text.split(/^(?=###? )/m);
  const dir = file.slice(0, file.lastIndexOf('/') + 1);
  const base = file.split('/').pop()!;
  const stem = base.slice(0, base.indexOf('.'));
  const heading = (s: string) => s.split('\n', 1)[0]!;
  let hit =
    sections.find((s) => heading(s).startsWith(`### ${dir}${base}`)) ??
    sections.find((s) => heading(s).startsWith(`### ${dir}${stem}.`));
  if (!hit) {
    // Binary tables are bullets of one section: "* `acpi/<stem>.{APIC,DMAR,HPET}.dat` ...".
    const bullet = new RegExp(
      `^\\* \`${(dir + stem).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[^\n]*`,
      'm',
    );
    const m = bullet.exec(text);
    if (m) {
      const rest = text.slice(m.index);
      const end = rest.slice(2).search(/^\* `|^##/m);
      hit = end >= 0 ? rest.slice(0, end + 2) : rest;
    }
  }
  if (!hit) throw new Error(`SOURCES.md has no section for ${file}`);
  return hit.replace(/\*\*/g, '').replace(/`/g, '');
}

/** The key-facts part of a section (after "Key facts:"), or the whole section if it has none. */
export function keyFacts(file: string): string {
  const s = sourceFacts(file);
  const i = s.indexOf('Key facts');
  return i >= 0 ? s.slice(i) : s;
}

/** Every fixture file under fixtures/real/<dir>. */
export function realFixtures(dir: string): string[] {
  return readdirSyncSorted(sharedPath('fixtures', 'real', dir)).map((f) => `${dir}/${f}`);
}

import { readdirSync } from 'node:fs';
function readdirSyncSorted(dir: string): string[] {
  return readdirSync(dir).sort();
}

export function realPath(file: string): string {
  return sharedPath('fixtures', 'real', file);
}
