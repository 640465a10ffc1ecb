// A machine bundle (irqlab collect) from disk or from bytes: gunzipped in memory through Node's
// zlib, bounded (a gzip bomb stops at BUNDLE_LIMITS.maxTotal), then read by ../bundle.ts. Nothing
// of it is ever written to disk.
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { BUNDLE_LIMITS, parseBundleTar, type ParsedBundle } from '../bundle';
import { ImportError } from '../errors';

/** A .tar.gz bundle's bytes -> its parsed artefacts. Throws ImportError naming the bundle. */
export function parseBundle(bundle: string, gz: Uint8Array, limits = BUNDLE_LIMITS): ParsedBundle {
  let tar: Buffer;
  try {
    tar = gunzipSync(gz, { maxOutputLength: limits.maxTotal });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ImportError(
      { file: bundle },
      e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError
        ? `gzip data unpacks to more than ${limits.maxTotal} bytes: not a machine bundle`
        : `gzip data truncated or corrupt (${e.message})`,
    );
  }
  return parseBundleTar(new Uint8Array(tar.buffer, tar.byteOffset, tar.length), bundle, limits);
}

export function readBundle(file: string): ParsedBundle {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImportError({ file }, code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  if (size > BUNDLE_LIMITS.maxTotal)
    throw new ImportError({ file }, `${size} bytes: too large for a machine bundle`);
  return parseBundle(file, new Uint8Array(readFileSync(file)));
}
