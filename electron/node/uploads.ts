// Browser mode's uploads: a file (or a long string of a call) the page POSTs before the call that
// uses it, streamed to a scratch file with the one byte cap (electron/api/limits.ts), then named
// by its id in the call (`{$upload, encoding}`, electron/api/wire.ts) and put back in place before
// the call is validated. An upload is used once; one nobody used is deleted after a while.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { MAX_FILE_BYTES, MAX_FILE_SIZE_TEXT } from '../api/limits';
import { isUploadRef } from '../api/wire';

/** Uploads waiting for their call; more are refused until some are used or expire. */
const MAX_PENDING = 64;
/** An upload no call used within this long is deleted. */
const PENDING_MS = 10 * 60_000;

export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Uploads {
  private readonly pending = new Map<
    string,
    { file: string; bytes: number; timer: ReturnType<typeof setTimeout> }
  >();

  constructor(
    private readonly dir: string,
    private readonly maxBytes = MAX_FILE_BYTES,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Streams a request's body to a scratch file; refuses it (413) past the byte cap. */
  receive(req: http.IncomingMessage): Promise<{ uploadId: string; bytes: number }> {
    return new Promise((resolve, reject) => {
      if (this.pending.size >= MAX_PENDING) {
        reject(new UploadError(503, `${MAX_PENDING} uploads are waiting for their call already`));
        return;
      }
      const uploadId = 'u' + randomBytes(16).toString('hex');
      const file = path.join(this.dir, uploadId);
      const out = createWriteStream(file, { flags: 'wx' });
      let bytes = 0;
      let failed: UploadError | null = null;
      const fail = (err: UploadError) => {
        if (failed) return;
        failed = err;
        req.unpipe(out);
        out.destroy();
        rmSync(file, { force: true });
        reject(err);
        // The rest is read and dropped, so the client hears the answer (a client that stops
        // sending at the refusal would see a reset instead); a flood past twice the cap is cut.
        req.resume();
      };
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > this.maxBytes) fail(this.tooLarge(bytes));
        if (bytes > 2 * this.maxBytes) req.socket.destroy();
      });
      req.on('error', () => fail(new UploadError(400, 'the upload was cut off')));
      req.on('aborted', () => fail(new UploadError(400, 'the upload was cut off')));
      out.on('error', (err) =>
        fail(new UploadError(500, `cannot keep the upload: ${err.message}`)),
      );
      out.on('finish', () => {
        if (failed) return;
        const timer = setTimeout(() => this.discard(uploadId), PENDING_MS);
        timer.unref();
        this.pending.set(uploadId, { file, bytes, timer });
        resolve({ uploadId, bytes });
      });
      req.pipe(out);
    });
  }

  /** The call with its upload references replaced by their content (each upload used once). */
  resolve(request: unknown): unknown {
    const used: string[] = [];
    try {
      return this.replace(request, used, 0);
    } finally {
      for (const id of used) this.discard(id);
    }
  }

  private replace(value: unknown, used: string[], depth: number): unknown {
    if (typeof value !== 'object' || value === null || depth > 16) return value;
    if (isUploadRef(value)) {
      const p = this.pending.get(value.$upload);
      if (!p || used.includes(value.$upload))
        throw new Error(`upload ${value.$upload.slice(0, 40)} is not known (used or expired)`);
      used.push(value.$upload);
      const bytes = readFileSync(p.file);
      return value.encoding === 'base64' ? bytes.toString('base64') : bytes.toString('utf8');
    }
    if (Array.isArray(value)) return value.map((v) => this.replace(v, used, depth + 1));
    // fromEntries defines own properties: a "__proto__" key stays a key (zod refuses it).
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, this.replace(v, used, depth + 1)]),
    );
  }

  private discard(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    rmSync(p.file, { force: true });
  }

  close(): void {
    for (const id of [...this.pending.keys()]) this.discard(id);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private tooLarge(bytes: number): UploadError {
    return new UploadError(
      413,
      `the upload is ${(bytes / (1024 * 1024)).toFixed(1)} MiB or more: irqlab takes files of at most ${MAX_FILE_SIZE_TEXT}`,
    );
  }
}
