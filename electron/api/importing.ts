// Importing artefacts and explaining kernel log lines, through core/import: the importers turn
// artefacts dropped together (dmesg, acpidump, lspci -vvv, /proc/interrupts) into one machine,
// with a summary and the conflicts between them, for the user to check before accepting; explain
// says what a fault line means, on the run's machine when there is one.
import { ImportError, formatLocation } from '../../core/import/errors';
import { explainLine } from '../../core/import/explain';
import { importArtefacts, parseArtefact, type ParsedArtefact } from '../../core/import/index';
import { parseBundle } from '../../core/import/node/bundle';
import { sniffArtefact } from '../../core/import/sniff';
import type { Machine } from '../../core/model/schema';
import type { ImportResult, ResponseOf } from './channels';

export function importFromArtefacts(
  files: { name: string; text?: string; base64?: string }[],
): ImportResult {
  const parsed: ParsedArtefact[] = [];
  const bundles: string[] = [];
  for (const f of files) {
    const content = f.text ?? new Uint8Array(Buffer.from(f.base64 ?? '', 'base64'));
    try {
      // irqlab collect's machine-bundle.tar.gz: taken whole, each of its files imported.
      if (typeof content !== 'string' && sniffArtefact(content.subarray(0, 4)) === 'gzip') {
        const b = parseBundle(f.name, content);
        parsed.push(...b.artefacts);
        bundles.push(...b.summary);
        continue;
      }
      parsed.push(parseArtefact(f.name, content));
    } catch (err) {
      // The importer names the file and where in it; anything else is reported as such.
      if (err instanceof ImportError) throw new Error(err.message);
      throw new Error(`${f.name}: ${(err as Error).message}`);
    }
  }
  const result = importArtefacts(parsed);
  result.summary.push(...bundles);
  return {
    machineName: result.machine?.name ?? null,
    machineText: result.machine ? JSON.stringify(result.machine, null, 2) + '\n' : null,
    // The review shows conflicts, assumptions and notes in sections of their own: the summary
    // (the CLI's, which lists them inline) keeps only what was found.
    summary: result.summary.filter((l) => !/^(conflict|missing|note): /.test(l)),
    conflicts: result.conflicts.map((c) => ({
      path: c.path,
      what: c.what,
      values: c.values.map((v) => ({ value: v.value, from: v.at.map(formatLocation) })),
    })),
    missing: result.missing,
    notes: result.notes,
    problems: result.problems,
  };
}

export function explainFaultLine(line: string, machine?: Machine): ResponseOf<'fault.explain'> {
  const e = explainLine(line, machine);
  if (!e)
    return {
      known: false,
      title: 'irqlab does not know this line',
      meaning: [],
      causes: [],
      check: [],
    };
  return { known: true, title: e.title, meaning: e.meaning, causes: e.causes, check: e.check };
}
