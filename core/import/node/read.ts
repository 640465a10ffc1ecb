// The Node-only entry: reads artefacts from disk, recognising each by its content, and streams
// the text ones line by line through their parser (a 1 GB dmesg is never held whole). bzip2
// files (as some QA suites keep /proc/interrupts) are decompressed through `bzip2 -dc`.
import { spawn } from 'node:child_process';
import { createReadStream, openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ImportError } from '../errors';
import {
  importArtefacts,
  lineParserFor,
  parseArtefact,
  type ImportResult,
  type ParsedArtefact,
} from '../index';
import { sniffArtefact } from '../sniff';
import { readBundle } from './bundle';

function head(file: string, n = 65536): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  } finally {
    closeSync(fd);
  }
}

async function streamLines(input: Readable, push: (line: string) => void): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) push(line);
}

/** Reads and parses one file. Throws ImportError (unreadable, unknown or malformed content). */
export async function readArtefact(file: string): Promise<ParsedArtefact> {
  let start: Uint8Array;
  try {
    if (statSync(file).isDirectory()) throw new ImportError({ file }, 'is a directory');
    start = head(file);
  } catch (err) {
    if (err instanceof ImportError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImportError({ file }, code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  const kind = sniffArtefact(start);
  if (kind === 'bzip2') {
    const child = spawn('bzip2', ['-dc', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((resolve, reject) => {
      child.on('error', (e) => reject(new ImportError({ file }, `bzip2: ${e.message}`)));
      child.on('close', (code) => resolve(code ?? 1));
    });
    // Sniff the decompressed text's first lines, then stream it all.
    const first: string[] = [];
    let parser: ReturnType<typeof lineParserFor> = null;
    const start = () => {
      parser = lineParserFor(sniffTextKind(first), file);
      if (!parser)
        throw new ImportError({ file }, 'decompressed content is not an artefact irqlab reads');
      for (const l of first.splice(0)) parser.push(l);
    };
    try {
      await streamLines(child.stdout, (line) => {
        if (parser) return parser.push(line);
        first.push(line);
        if (first.length >= 50) start();
      });
    } finally {
      if (child.exitCode === null) child.kill();
    }
    const code = await exited;
    if (code !== 0)
      throw new ImportError(
        { file },
        `bzip2 -dc failed (exit ${code}): ${stderr.trim().split('\n')[0] || 'corrupt data'}`,
      );
    if (!parser) start();
    return (parser as unknown as NonNullable<ReturnType<typeof lineParserFor>>).finish();
  }
  const parser = lineParserFor(kind, file);
  if (parser) {
    await streamLines(createReadStream(file), (l) => parser.push(l));
    return parser.finish();
  }
  return parseArtefact(
    file,
    kind === 'acpi-binary' ? new Uint8Array(readFileSync(file)) : readFileSync(file, 'utf8'),
  );
}

function sniffTextKind(lines: string[]) {
  return sniffArtefact(new TextEncoder().encode(lines.join('\n')));
}

/** A file's artefacts: one, or each of a machine bundle's (irqlab collect's .tar.gz). */
export async function readArtefacts(
  file: string,
): Promise<{ artefacts: ParsedArtefact[]; summary: string[] }> {
  let gzip = false;
  try {
    gzip = !statSync(file).isDirectory() && sniffArtefact(head(file, 4)) === 'gzip';
  } catch {
    // readArtefact says why the file cannot be read.
  }
  if (gzip) {
    const b = readBundle(file);
    return { artefacts: b.artefacts, summary: b.summary };
  }
  return { artefacts: [await readArtefact(file)], summary: [] };
}

export async function importFiles(files: string[]): Promise<ImportResult> {
  const parsed: ParsedArtefact[] = [];
  const bundles: string[] = [];
  for (const f of files) {
    const r = await readArtefacts(f);
    parsed.push(...r.artefacts);
    bundles.push(...r.summary);
  }
  const result = importArtefacts(parsed);
  result.summary.push(...bundles);
  return result;
}
