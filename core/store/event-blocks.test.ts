import { describe, expect, it } from 'vitest';
import { createChunk } from '../trace/events';
import { BLOCK_COLUMNS, BlockEncoder, decodeBlock, Width } from './event-blocks';

/** A chunk of `n` events whose every column is 0 but `column`, which holds `values`. */
function chunkWith(column: (typeof BLOCK_COLUMNS)[number], values: number[]) {
  const chunk = createChunk(values.length);
  chunk.length = values.length;
  const dev = new Int32Array(values.length);
  const into = column === 'dev' ? dev : (chunk[column] as { set(v: number[]): void });
  into.set(values);
  return { chunk, dev };
}

const widthOf = (blob: Uint8Array, column: (typeof BLOCK_COLUMNS)[number]) =>
  blob[1 + BLOCK_COLUMNS.indexOf(column)];

describe('a block stores each column at the narrowest width that holds it', () => {
  const cases: [string, number[], number][] = [
    ['all zero', [0, 0, -0], Width.zero],
    ['int8 at both ends', [-128, 127, 0], Width.int8],
    ['one past int8 above', [128], Width.int16],
    ['one past int8 below', [-129], Width.int16],
    ['int16 at both ends', [-32768, 32767], Width.int16],
    ['one past int16', [32768], Width.int32],
    ['int32 at both ends', [-(2 ** 31), 2 ** 31 - 1], Width.int32],
    ['an address past int32', [0xfee00000, 1, 0], Width.uint32],
    ['uint32 at its top', [0xffffffff], Width.uint32],
    ['past uint32', [2 ** 32], Width.float64],
    ['negative beside past int32', [-1, 2 ** 31], Width.float64],
    ['a fraction', [1, 0.5], Width.float64],
    ['NaN', [Number.NaN], Width.float64],
    ['infinity', [Number.POSITIVE_INFINITY], Width.float64],
  ];
  for (const [name, values, width] of cases)
    it(`an argument column: ${name}`, () => {
      const { chunk, dev } = chunkWith('a1', values);
      const blob = new BlockEncoder().encode(chunk, dev, 0, values.length);
      expect(widthOf(blob, 'a1')).toBe(width);
      const read = [...decodeBlock(0, values.length, blob.slice()).columns.a1];
      // -0 is stored as 0 by every integer width.
      expect(read).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
    });

  it('integer columns: unsigned ones by their largest value, signed ones by both ends', () => {
    const encoder = new BlockEncoder();
    const at = (column: (typeof BLOCK_COLUMNS)[number], values: number[]) => {
      const { chunk, dev } = chunkWith(column, values);
      const blob = encoder.encode(chunk, dev, 0, values.length);
      expect([...decodeBlock(0, values.length, blob.slice()).columns[column]]).toEqual(values);
      return widthOf(blob, column);
    };
    expect([at('kind', [1, 5]), at('kind', [200])]).toEqual([Width.int8, Width.int16]);
    expect([at('depth', [127]), at('depth', [65535])]).toEqual([Width.int8, Width.int32]);
    expect([at('fn', [0, 0]), at('fn', [32767]), at('fn', [2 ** 31])]).toEqual([
      Width.zero,
      Width.int16,
      Width.uint32,
    ]);
    expect([at('irq', [-1, 24]), at('cpu', [-1, 1535]), at('irq', [-1, 2 ** 20])]).toEqual([
      Width.int8,
      Width.int16,
      Width.int32,
    ]);
    expect([at('dev', [0, 3]), at('dev', [-129])]).toEqual([Width.int8, Width.int16]);
  });

  it('a device column given as null (no event in a device) is stored as zeros', () => {
    const { chunk } = chunkWith('a0', [7, 8, 9]);
    const blob = new BlockEncoder().encode(chunk, null, 0, 3);
    expect(widthOf(blob, 'dev')).toBe(Width.zero);
    expect([...decodeBlock(0, 3, blob.slice()).columns.dev]).toEqual([0, 0, 0]);
  });

  it('encodes a window of a chunk: the events from..to only', () => {
    const { chunk, dev } = chunkWith('a2', [2 ** 40, 1, 2, 300, 2 ** 33]);
    const blob = new BlockEncoder().encode(chunk, dev, 1, 4);
    expect(widthOf(blob, 'a2')).toBe(Width.int16);
    expect([...decodeBlock(1, 3, blob.slice()).columns.a2]).toEqual([1, 2, 300]);
  });
});
