// Export a run's report: pick a format, watch it being written, then download it (browser mode)
// or find it where you saved it (desktop).
import { useEffect, useState } from 'react';
import type { JobStatus, ReportFormat, ResponseOf } from '../../../electron/api/channels';
import { downloadUrl, invoke } from '../api/client';
import { Modal } from '../ui/Modal';
import { RunProgress } from './RunsPanel';
import { useJob } from './useJob';

type Formats = ResponseOf<'report.formats'>;

interface Props {
  sessionId: string;
  runId: number;
  onClose(): void;
}

export function ExportDialog({ sessionId, runId, onClose }: Props) {
  const [formats, setFormats] = useState<Formats>([]);
  const [format, setFormat] = useState<ReportFormat | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job: JobStatus | null = useJob(jobId);

  useEffect(() => {
    void invoke('report.formats', {}).then((list) => {
      setFormats(list);
      setFormat(list.find((f) => f.available)?.format ?? null);
    });
  }, []);

  // A finished browser-mode export downloads at once.
  useEffect(() => {
    if (job?.state !== 'done' || !job.output?.url) return;
    const a = document.createElement('a');
    a.href = downloadUrl(job.output.url);
    a.download = job.output.fileName;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }, [job?.state, job?.output?.url, job?.output?.fileName]);

  const start = async () => {
    if (!format) return;
    setError(null);
    try {
      const started = await invoke('report.export', { sessionId, runId, format });
      if (started) setJobId(started.jobId);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const running = job?.state === 'running';
  return (
    <Modal
      title={`Export the report of run ${runId}`}
      onClose={onClose}
      testId="export-dialog"
      footer={
        <>
          <button onClick={onClose}>{job?.state === 'done' ? 'Close' : 'Cancel'}</button>
          <button
            className="primary"
            disabled={!format || running || job?.state === 'done'}
            onClick={() => void start()}
          >
            Export
          </button>
        </>
      }
    >
      <fieldset className="formats" disabled={running}>
        <legend>Format</legend>
        {formats.map((f) => (
          <label key={f.format} className={f.available ? '' : 'unavailable'}>
            <input
              type="radio"
              name="format"
              value={f.format}
              checked={format === f.format}
              disabled={!f.available}
              onChange={() => {
                setFormat(f.format);
                // Another format is another export.
                if (job?.state !== 'running') setJobId(null);
              }}
            />
            <span className="format-label">{f.label}</span>
            <span className="format-ext">.{f.extension}</span>
            {f.reason && <span className="format-reason">{f.reason}</span>}
          </label>
        ))}
      </fieldset>
      {job && running && (
        <RunProgress job={job} onCancel={() => void invoke('job.cancel', { jobId: job.jobId })} />
      )}
      {job?.state === 'done' && job.output && (
        <div className="ok-box" data-testid="export-done">
          Wrote <strong>{job.output.fileName}</strong> ({formatBytes(job.output.bytes)})
          {job.output.url ? (
            <>
              {' '}
              — downloading.{' '}
              <a href={downloadUrl(job.output.url)} download={job.output.fileName}>
                Download again
              </a>
            </>
          ) : (
            <> to {job.output.location}</>
          )}
        </div>
      )}
      {job?.state === 'cancelled' && <div className="warning">Export cancelled.</div>}
      {(error || job?.error) && (
        <div className="error" role="alert">
          {error ?? job?.error}
        </div>
      )}
    </Modal>
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
