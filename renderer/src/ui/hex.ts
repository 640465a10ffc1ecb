// Hex numbers as the app shows them: with or without "0x" (stored MSI messages have none).
export function hexBig(text: string): bigint {
  return BigInt(`0x${text.trim().replace(/^0x/i, '') || '0'}`);
}

export function hexNumber(text: string): number {
  return Number.parseInt(text.trim().replace(/^0x/i, '') || '0', 16);
}
