// Any MSI address/data pair decoded as the hardware reads it (compatibility or remappable
// format), and, with a run, whose it is there.
import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../../electron/api/channels';
import { invoke } from '../api/client';
import type { RunRef } from './AnalysisView';

export function Decoder({
  refRun,
  preset,
}: {
  refRun: RunRef | null;
  preset: { address: string; data: string; nonce: number } | null;
}) {
  const [address, setAddress] = useState(preset?.address ?? '0xfee00000');
  const [data, setData] = useState(preset?.data ?? '0x4021');
  const [inRun, setInRun] = useState(true);
  const [result, setResult] = useState<ResponseOf<'msi.decode'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const decode = async (a = address, d = data) => {
    setError(null);
    try {
      setResult(
        await invoke('msi.decode', {
          address: a.trim(),
          data: d.trim(),
          ...(inRun && refRun ? refRun : {}),
        }),
      );
    } catch (err) {
      setResult(null);
      setError((err as Error).message.replace(/^[\w.]+ failed: /, ''));
    }
  };
  useEffect(() => {
    if (!preset) return;
    setAddress(preset.address);
    setData(preset.data);
    void decode(preset.address, preset.data);
    // A message sent here from another view is decoded at once.
  }, [preset?.nonce]);
  return (
    <div className="decoder" data-testid="decoder">
      <form
        className="decoder-form"
        onSubmit={(e) => {
          e.preventDefault();
          void decode();
        }}
      >
        <label className="stacked">
          Address
          <input
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            aria-label="MSI address"
            className="mono"
            spellCheck={false}
          />
        </label>
        <label className="stacked">
          Data
          <input
            value={data}
            onChange={(e) => setData(e.target.value)}
            aria-label="MSI data"
            className="mono"
            spellCheck={false}
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={inRun && !!refRun}
            disabled={!refRun}
            onChange={(e) => setInRun(e.target.checked)}
          />
          whose in run {refRun?.runId ?? '—'}
        </label>
        <button className="primary" type="submit">
          Decode
        </button>
      </form>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {result && (
        <div className={`decoded-box format-${result.format}`} data-testid="decoded">
          <h4>{result.format}</h4>
          <ul>
            {result.lines.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
          {result.owner.length > 0 && (
            <>
              <h4>In this run</h4>
              <ul>
                {result.owner.map((l, i) => (
                  <li key={i}>{l}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
