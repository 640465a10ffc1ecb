// The Craask Chromebook's published dmesg, lspci and /proc/interrupts: the one real machine in
// shared/fixtures/real with all three. irqlab models every driver on it, so tests of devices it
// does not model give its processor thermal device (00:04.0) an id no driver model claims.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { realPath } from './sources';

export const CRAASK = {
  dmesg: 'dmesg/google-craask-chromebook-alderlake-n-printk-levels.dmesg.txt',
  lspci: 'lspci/google-craask-chromebook-alderlake-n.lspci-plain.txt',
  interrupts: 'interrupts/google-craask-chromebook-alderlake-n-newformat.interrupts.txt',
};

/** The three artefacts by name and text, as an import from the app receives them. */
export function craaskArtefacts(): { name: string; text: string }[] {
  return Object.values(CRAASK).map((f) => ({
    name: path.basename(f),
    text: readFileSync(realPath(f), 'utf8'),
  }));
}

/** The same, the thermal device's id one no driver model claims. */
export function craaskWithUnknownDevice(): { name: string; text: string }[] {
  return craaskArtefacts().map((f) => ({
    ...f,
    text: f.text.replace('[8086:461d]', '[8086:fffe]'),
  }));
}
