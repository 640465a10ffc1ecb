// What the app needs from core/import (being written beside this): turning artefacts dropped
// together (dmesg, acpidump, lspci -vvv, /proc/interrupts) into a machine with a summary and the
// conflicts between them, and explaining a fault line. Until core/import provides them, the
// handlers say so plainly (no invented answers) and the UI shows the flows as not available yet.
import type { ImportResult, ResponseOf } from './channels';

export interface ArtefactImporter {
  importArtefacts(files: { name: string; text: string }[]): ImportResult;
}

export interface FaultExplainer {
  explain(line: string): ResponseOf<'fault.explain'>;
}

/** null until core/import lands (see the report of the UI issue). */
export const artefactImporter: ArtefactImporter | null = null;
export const faultExplainer: FaultExplainer | null = null;

export const IMPORT_NOT_AVAILABLE =
  'importing artefacts is not available yet: the importers (core/import) are still being written';
export const EXPLAIN_NOT_AVAILABLE =
  'explaining faults is not available yet: core/import (explain) is still being written';
