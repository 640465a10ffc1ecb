// The Node-only entry: reads artefacts from disk, recognising each by its content, and streams
// the text ones line by line through their parser (a 1 GB dmesg is never held whole); a file
// shorter than the 64 KiB read to recognise it (nearly every artefact) is split there. bzip2
// files (as some QA suites keep /proc/interrupts) are decompressed through `bzip2 -dc`.
import { spawn } from 'node:child_process';
import { createReadStream, openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { ImportError } from '../errors';
import {
  importArtefacts,
  lineParserFor,
  parseArtefact,
  type ImportResult,
  type ParsedArtefact,
} from '../index';
import { sniffArtefact, type ArtefactKind } from '../sniff';
import { readBundle } from './bundle';

const HEAD = 65536;

/** A file's first bytes (64 KiB is plenty to recognise it), whether they are all of it, its kind. */
interface Start {
  head: Buffer;
  whole: boolean;
  kind: ArtefactKind;
}

function readStart(file: string): Start {
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new ImportError({ file }, 'is a directory');
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(HEAD);
      const got = readSync(fd, buf, 0, HEAD, 0);
      // A regular file that ends before HEAD bytes was read whole (a pipe may return less).
      const head = buf.subarray(0, got);
      return { head, whole: st.isFile() && got < HEAD, kind: sniffArtefact(head) };
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImportError({ file }, code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
}

async function streamLines(input: Readable, push: (line: string) => void): Promise<void> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  for await (const line of rl) push(line);
}

/**
 * The lines of a text read whole, as readline gives them from a stream (crlfDelay: Infinity):
 * "\n", "\r\n" or a lone "\r" ends a line, and what follows the last end is a line unless empty.
 * A small file (nearly every artefact) needs no stream, no readline and no event per line.
 */
function eachLine(text: string, push: (line: string) => void): void {
  const end = /\r?\n|\r(?!\n)/g;
  let from = 0;
  for (let m = end.exec(text); m !== null; m = end.exec(text)) {
    push(text.slice(from, m.index));
    from = end.lastIndex;
  }
  if (from < text.length) push(text.slice(from));
}

/** Reads and parses one file. Throws ImportError (unreadable, unknown or malformed content). */
export async function readArtefact(file: string): Promise<ParsedArtefact> {
  return parseStart(file, readStart(file));
}

async function parseStart(file: string, { head, whole, kind }: Start): Promise<ParsedArtefact> {
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
    // Decoded as readline decodes a stream: an incomplete character at the end is left out.
    if (whole) eachLine(new StringDecoder('utf8').write(head), (l) => parser.push(l));
    else await streamLines(createReadStream(file), (l) => parser.push(l));
    return parser.finish();
  }
  if (whole)
    return parseArtefact(
      file,
      kind === 'acpi-binary' ? new Uint8Array(head) : head.toString('utf8'),
    );
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
  const start = readStart(file);
  if (start.kind === 'gzip') {
    const b = readBundle(file);
    return { artefacts: b.artefacts, summary: b.summary };
  }
  return { artefacts: [await parseStart(file, start)], summary: [] };
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
