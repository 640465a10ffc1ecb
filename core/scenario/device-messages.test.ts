// A device's MSI/MSI-X messages as the app stores them (device-messages.ts): a column of int32
// words since irqlab-app-run/5, a list of numbers before; both read back as the views show them.
import { describe, expect, it } from 'vitest';
import {
  messageCount,
  readMessageWords,
  shownMessage,
  storedMessageWords,
} from './device-messages';

const entries = [
  // An x86 MSI: address_lo past 2^31.
  { address_hi: 0, address_lo: 0xfee01000, data: 0x4023 },
  null,
  // A remappable-format message with a 64-bit address and the highest data.
  { address_hi: 0xffffffff, address_lo: 0xfee0001c, data: 0xffff },
];

describe('device message words', () => {
  it('store each entry as three words and read back what the kernel composed', () => {
    const words = readMessageWords('w', storedMessageWords(entries));
    expect(messageCount(words)).toBe(3);
    expect(shownMessage(words, 0)).toEqual({ address: '00000000fee01000', data: '4023' });
    expect(shownMessage(words, 1)).toEqual({ address: '', data: '' });
    expect(shownMessage(words, 2)).toEqual({ address: 'fffffffffee0001c', data: 'ffff' });
  });

  it('read the lists runs stored before irqlab-app-run/5 the same', () => {
    const list = [0, 0xfee01000, 0x4023, -1, -1, -1, 0xffffffff, 0xfee0001c, 0xffff];
    const column = readMessageWords('w', storedMessageWords(entries));
    const words = readMessageWords('w', list);
    for (let e = 0; e < 3; e++) expect(shownMessage(words, e)).toEqual(shownMessage(column, e));
  });

  it('store a device with no entries as an empty column, and read one stored without any', () => {
    expect(messageCount(readMessageWords('w', storedMessageWords([])))).toBe(0);
    expect(messageCount(readMessageWords('w', undefined))).toBe(0);
  });

  it('show an entry whose words are not numbers as not written', () => {
    const words = readMessageWords('w', [0, 'fee01000', 'x']);
    expect(shownMessage(words, 0)).toEqual({ address: '', data: '' });
  });

  it('refuse words that are not a column or not triples, naming where', () => {
    expect(() => readMessageWords('devices[2].messageWords', 'fee01000')).toThrow(
      /^devices\[2\]\.messageWords: not a column of/,
    );
    expect(() => readMessageWords('devices[2].messageWords', { i32: 'AAAA' })).toThrow(
      /^devices\[2\]\.messageWords: not a column/,
    );
    expect(() => readMessageWords('devices[2].messageWords', [0, 1, 2, 3])).toThrow(
      'devices[2].messageWords: 4 words, not (address_hi, address_lo, data) triples',
    );
  });
});
