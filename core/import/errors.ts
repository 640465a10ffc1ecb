// Where an imported fact came from, and the one error type every importer throws: it always
// names the file and the place in it (line, or table and byte offset) and what is wrong there.

/** A place in an artefact: a 1-based line of a text file, or a byte offset inside an ACPI table. */
export interface SourceLocation {
  file: string;
  line?: number;
  /** ACPI signature ("DMAR") when the location is inside a table. */
  table?: string;
  /** Byte offset from the start of that table (or of a binary file). */
  offset?: number;
}

export function formatLocation(at: SourceLocation): string {
  const parts = [at.file];
  if (at.line !== undefined) parts.push(`line ${at.line}`);
  if (at.table !== undefined) parts.push(at.table);
  if (at.offset !== undefined) parts.push(`offset 0x${at.offset.toString(16)}`);
  return parts.join(': ');
}

/** A malformed artefact. The message reads "<file>: line N: <what>" or "<file>: DMAR: offset 0x30: <what>". */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly at: SourceLocation,
    readonly what: string,
  ) {
    super(`${formatLocation(at)}: ${what}`);
  }
}

/** JSON path of a machine field ("$.iommus[0].scopes[2]") -> where each value came from. */
export type Provenance = Record<string, SourceLocation[]>;

/**
 * Where a fact came from: its first few sources are kept, not every one. A log that repeats a line
 * (a fault storm, a machine that logs a fact on every resume) would otherwise hold a location per
 * line, and a 1 GB log is streamed so that memory does not grow with it.
 */
export const MAX_SOURCES_PER_FACT = 8;

export function addProvenance(p: Provenance, path: string, at: SourceLocation): void {
  const list = (p[path] ??= []);
  if (list.length < MAX_SOURCES_PER_FACT) list.push(at);
}
