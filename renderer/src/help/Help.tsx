// Help: the user guide (docs/user-guide.md, bundled into the app: it reads offline) and About
// (the version, the kernel profiles it models, the licence).
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import guideText from '../../../docs/user-guide.md?raw';
import pkg from '../../../package.json';
import type { ResponseOf } from '../../../electron/api/channels';
import { invoke } from '../api/client';
import { Modal } from '../ui/Modal';
import { parseMarkdown, type Inline } from './markdown';

type Info = ResponseOf<'app.info'>;
type Profile = ResponseOf<'profiles.list'>[number];

/** The licence the package is published under: package.json's, not a second copy. */
export const LICENCE = pkg.license;

function Spans({ spans }: { spans: Inline[] }): ReactNode {
  return spans.map((s, i) =>
    s.kind === 'code' ? (
      <code key={i}>{s.text}</code>
    ) : s.kind === 'bold' ? (
      <strong key={i}>{s.text}</strong>
    ) : (
      <span key={i}>{s.text}</span>
    ),
  );
}

export function UserGuide({ onClose }: { onClose(): void }) {
  const blocks = useMemo(() => parseMarkdown(guideText), []);
  const toc = blocks.filter((b) => b.kind === 'heading' && b.level === 2);
  return (
    <Modal title="User guide" onClose={onClose} testId="user-guide" wide>
      <div className="guide">
        <nav className="guide-toc" aria-label="Contents">
          {toc.map(
            (b) =>
              b.kind === 'heading' && (
                <button
                  key={b.id}
                  className="link"
                  onClick={() => document.getElementById(`guide-${b.id}`)?.scrollIntoView()}
                >
                  {b.text}
                </button>
              ),
          )}
        </nav>
        <article className="guide-text">
          {blocks.map((b, i) => {
            switch (b.kind) {
              case 'heading': {
                const H = b.level <= 1 ? 'h2' : b.level === 2 ? 'h3' : 'h4';
                return (
                  <H key={i} id={`guide-${b.id}`}>
                    {b.text}
                  </H>
                );
              }
              case 'paragraph':
                return (
                  <p key={i}>
                    <Spans spans={b.inline} />
                  </p>
                );
              case 'list':
                return (
                  <ul key={i}>
                    {b.items.map((it, k) => (
                      <li key={k}>
                        <Spans spans={it} />
                      </li>
                    ))}
                  </ul>
                );
              case 'table':
                return (
                  <table key={i} className="grid small">
                    <thead>
                      <tr>
                        {b.head.map((c, k) => (
                          <th key={k}>
                            <Spans spans={c} />
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {b.rows.map((r, k) => (
                        <tr key={k}>
                          {r.map((c, j) => (
                            <td key={j}>
                              <Spans spans={c} />
                            </td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                );
              case 'code':
                return <pre key={i}>{b.text}</pre>;
            }
          })}
        </article>
      </div>
    </Modal>
  );
}

export function About({ info, onClose }: { info: Info; onClose(): void }) {
  const [profiles, setProfiles] = useState<Profile[] | null>(null);
  useEffect(() => {
    invoke('profiles.list', {}).then(setProfiles, () => setProfiles([]));
  }, []);
  return (
    <Modal title="About irqlab" onClose={onClose} testId="about">
      <p>
        <strong>irqlab</strong> {info.version} —{' '}
        {info.mode === 'browser' ? 'browser mode' : 'desktop app'} on {info.platform}
      </p>
      <p className="hint">
        Simulates, steps through and explains Linux x86 interrupt allocation and routing on your
        machine.
      </p>
      <h4>Kernel profiles</h4>
      {profiles === null ? (
        <p className="hint">Loading…</p>
      ) : (
        <table className="grid small" data-testid="about-profiles">
          <tbody>
            {profiles.map((p) => (
              <tr key={p.name}>
                <td className="mono">{p.name}</td>
                <td>{p.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>Licence</h4>
      <p data-testid="about-licence">{LICENCE}</p>
    </Modal>
  );
}
