// The hidden file input behind "Open file…" in browser mode (the desktop app uses its native
// dialog): one .irqlab file, handed over once; cleared so the same file can be chosen again.
import type { Ref } from 'react';

export function SessionFileInput({
  inputRef,
  testId,
  onFile,
}: {
  inputRef: Ref<HTMLInputElement>;
  testId: string;
  onFile(file: File): void;
}) {
  return (
    <input
      ref={inputRef}
      type="file"
      accept=".irqlab"
      hidden
      data-testid={testId}
      onChange={(e) => {
        const f = e.target.files?.[0];
        if (f) onFile(f);
        e.target.value = '';
      }}
    />
  );
}
