// One entry point for every report format, from a stored run (see run-data.ts for what a run
// provides; core/store's Session gives the pieces). Output goes through `write`.
import { collectReport, type CollectOptions } from './collect';
import { writeEventsCsv } from './csv';
import { writeHtmlReport } from './html';
import { writeJsonReport } from './json';
import { writeMarkdownReport } from './markdown';
import { writePerfettoTrace } from './perfetto';
import type { RunInput } from './run-data';

export const REPORT_FORMATS = ['html', 'md', 'json', 'csv', 'perfetto'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function writeReport(
  format: ReportFormat,
  run: RunInput,
  write: (text: string) => void,
  options: CollectOptions = {},
): void {
  switch (format) {
    case 'csv':
      return writeEventsCsv(run.source, write);
    case 'perfetto':
      return writePerfettoTrace(run.source, write, `irqlab run ${run.id}`);
    case 'html':
      return writeHtmlReport(collectReport(run, options), write);
    case 'md':
      return writeMarkdownReport(collectReport(run, options), write);
    case 'json':
      return writeJsonReport(collectReport(run, options), write);
  }
}
