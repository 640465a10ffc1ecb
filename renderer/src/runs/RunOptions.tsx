// What a run is booted with besides the machine: fault injections (core/kernel/injections.ts)
// and an edited kernel profile (a clone of one of core/kernel/profiles.ts with its flags
// changed). Both forms are made from the zod schemas' JSON Schema (the one source of their
// shape and their descriptions) and validated with the schemas themselves.
import { useMemo, useState } from 'react';
import { z } from 'zod';
import { InjectionSchema, type Injection } from '../../../core/kernel/injections';
import {
  cloneProfile,
  KernelProfileSchema,
  PROFILES,
  type KernelProfile,
} from '../../../core/kernel/profiles';
import { Modal } from '../ui/Modal';

interface JsonProp {
  type?: string;
  const?: string;
  enum?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonProp[];
  properties?: Record<string, JsonProp>;
  items?: JsonProp;
}

const INJECTION_KINDS = (() => {
  const schema = z.toJSONSchema(InjectionSchema, { io: 'input' }) as { oneOf: JsonProp[] };
  return schema.oneOf.map((o) => ({
    kind: o.properties!.kind!.const!,
    description: o.description ?? '',
    fields: Object.entries(o.properties!).filter(([name]) => name !== 'kind'),
  }));
})();

/** One injection as a line of text, the way the CLI's --inject shows it. */
export function injectionLabel(i: Injection): string {
  const rest = Object.entries(i)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return rest.length ? `${i.kind} (${rest.join(', ')})` : i.kind;
}

function Field({
  name,
  prop,
  value,
  onChange,
}: {
  name: string;
  prop: JsonProp;
  value: string;
  onChange(v: string): void;
}) {
  const id = `field-${name}`;
  return (
    <label className="knob" htmlFor={id} title={prop.description}>
      <span>{name}</span>
      {prop.enum ? (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-label={name}>
          {prop.enum.map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </select>
      ) : prop.type === 'boolean' ? (
        <input
          id={id}
          type="checkbox"
          checked={value === 'true'}
          onChange={(e) => onChange(String(e.target.checked))}
          aria-label={name}
        />
      ) : (
        <input
          id={id}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-label={name}
          spellCheck={false}
          placeholder={prop.anyOf ? 'all, or CPUs: 0,1,2' : prop.description}
        />
      )}
      {prop.description && <em className="field-help">{prop.description}</em>}
    </label>
  );
}

/** Text of a form field -> the value its schema wants. */
function fieldValue(prop: JsonProp, text: string): unknown {
  if (text.trim() === '') return undefined;
  if (prop.type === 'integer' || prop.type === 'number') return Number(text);
  if (prop.type === 'boolean') return text === 'true';
  // A list flag (portServiceActionNames): its values in order, comma-separated (an empty item
  // stays while typing the next; the schema refuses it on save).
  if (prop.type === 'array') return text.split(',').map((t) => t.trim());
  if (prop.anyOf)
    return text.trim() === 'all'
      ? 'all'
      : text
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(Number);
  return text;
}

export function InjectionsDialog({
  injections,
  onChange,
  onClose,
}: {
  injections: Injection[];
  onChange(list: Injection[]): void;
  onClose(): void;
}) {
  const [kind, setKind] = useState(INJECTION_KINDS[0]!.kind);
  const spec = INJECTION_KINDS.find((k) => k.kind === kind)!;
  const initial = (k: typeof spec) =>
    Object.fromEntries(
      k.fields.map(([name, p]) => [
        name,
        p.default !== undefined ? String(p.default) : p.enum ? p.enum[0]! : '',
      ]),
    );
  const [values, setValues] = useState<Record<string, string>>(() => initial(spec));
  const [error, setError] = useState<string | null>(null);
  const add = () => {
    const raw: Record<string, unknown> = { kind };
    for (const [name, p] of spec.fields) {
      const v = fieldValue(p, values[name] ?? '');
      if (v !== undefined) raw[name] = v;
    }
    const parsed = InjectionSchema.safeParse(raw);
    if (!parsed.success) {
      setError(
        parsed.error.issues.map((i) => `${i.path.join('.') || kind}: ${i.message}`).join('; '),
      );
      return;
    }
    setError(null);
    onChange([...injections, parsed.data]);
  };
  return (
    <Modal
      title="Fault injections for the next run"
      onClose={onClose}
      testId="injections-dialog"
      wide
      footer={<button onClick={onClose}>Done</button>}
    >
      {injections.length === 0 ? (
        <p className="hint">None: the next run boots the machine as it is.</p>
      ) : (
        <ul className="injection-list">
          {injections.map((i, n) => (
            <li key={n}>
              <code>{injectionLabel(i)}</code>
              <button
                className="icon"
                aria-label={`Remove ${i.kind}`}
                onClick={() => onChange(injections.filter((_, k) => k !== n))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3>Add</h3>
      <label className="stacked">
        Injection
        <select
          value={kind}
          onChange={(e) => {
            const next = INJECTION_KINDS.find((k) => k.kind === e.target.value)!;
            setKind(next.kind);
            setValues(initial(next));
            setError(null);
          }}
          aria-label="Injection kind"
        >
          {INJECTION_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.kind}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">{spec.description}</p>
      <div className="knobs">
        {spec.fields.map(([name, p]) => (
          <Field
            key={name}
            name={name}
            prop={p}
            value={values[name] ?? ''}
            onChange={(v) => setValues({ ...values, [name]: v })}
          />
        ))}
      </div>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      <button className="primary" onClick={add}>
        Add injection
      </button>
    </Modal>
  );
}

/** The profile's flags, from its JSON Schema: [path, schema] with nested objects flattened. */
const PROFILE_FLAGS = (() => {
  const schema = z.toJSONSchema(KernelProfileSchema, { io: 'input' }) as JsonProp;
  const out: [string[], JsonProp][] = [];
  const walk = (props: Record<string, JsonProp>, path: string[]) => {
    for (const [name, p] of Object.entries(props)) {
      if (name === 'name' || name === 'description') continue;
      if (p.type === 'object' && p.properties) walk(p.properties, [...path, name]);
      else out.push([[...path, name], p]);
    }
  };
  walk(schema.properties!, []);
  return out;
})();

const getPath = (o: unknown, path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], o);

/** Flag values compared by value (list flags are arrays, copied when the draft is edited). */
const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function ProfileEditor({
  current,
  onSave,
  onClose,
}: {
  current: KernelProfile | null;
  onSave(profile: KernelProfile): void;
  onClose(): void;
}) {
  const names = Object.keys(PROFILES);
  const [base, setBase] = useState(
    current
      ? current.name.replace(/\+edit$/, '') in PROFILES
        ? current.name.replace(/\+edit$/, '')
        : names[0]!
      : 'v5.10',
  );
  const [draft, setDraft] = useState<KernelProfile>(
    current ?? { ...PROFILES[base]!, name: `${base}+edit` },
  );
  const [errors, setErrors] = useState<string[]>([]);
  const from = PROFILES[base]!;
  const changed = useMemo(
    () =>
      PROFILE_FLAGS.filter(([path]) => !sameValue(getPath(draft, path), getPath(from, path)))
        .length,
    [draft, from],
  );
  const set = (path: string[], text: string, p: JsonProp) => {
    const value = fieldValue(p, text);
    const next = structuredClone(draft) as unknown as Record<string, unknown>;
    let o = next;
    for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
    o[path[path.length - 1]!] = value;
    setDraft(next as unknown as KernelProfile);
  };
  const save = () => {
    const { name, description: _d, ...flags } = draft;
    const r = cloneProfile(base, flags);
    if (!r.ok) return setErrors(r.errors);
    const named = KernelProfileSchema.safeParse({ ...r.profile, name: name || `${base}+edit` });
    if (!named.success)
      return setErrors(named.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    onSave({
      ...named.data,
      description: `${base} with ${changed} flag${changed === 1 ? '' : 's'} changed`,
    });
  };
  return (
    <Modal
      title="Edit a kernel profile"
      onClose={onClose}
      testId="profile-editor"
      wide
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" onClick={save}>
            Use for the next runs
          </button>
        </>
      }
    >
      <div className="knobs">
        <label className="knob">
          <span>Based on</span>
          <select
            value={base}
            aria-label="Based on"
            onChange={(e) => {
              setBase(e.target.value);
              setDraft({ ...PROFILES[e.target.value]!, name: `${e.target.value}+edit` });
              setErrors([]);
            }}
          >
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="knob">
          <span>Name</span>
          <input
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            aria-label="Profile name"
          />
        </label>
      </div>
      <p className="hint">{from.description}</p>
      <table className="grid profile-flags">
        <thead>
          <tr>
            <th>flag</th>
            <th>value</th>
            <th>what it means</th>
          </tr>
        </thead>
        <tbody>
          {PROFILE_FLAGS.map(([path, p]) => {
            const v = getPath(draft, path);
            const differs = !sameValue(v, getPath(from, path));
            const key = path.join('.');
            return (
              <tr key={key} className={differs ? 'changed' : ''}>
                <td className="mono">{key}</td>
                <td>
                  {p.type === 'boolean' ? (
                    <input
                      type="checkbox"
                      checked={v === true}
                      aria-label={key}
                      onChange={(e) => set(path, String(e.target.checked), p)}
                    />
                  ) : p.enum ? (
                    <select
                      value={String(v)}
                      aria-label={key}
                      onChange={(e) => set(path, e.target.value, p)}
                    >
                      {p.enum.map((x) => (
                        <option key={x} value={x}>
                          {x}
                        </option>
                      ))}
                    </select>
                  ) : p.type === 'array' ? (
                    <input
                      value={Array.isArray(v) ? v.join(', ') : ''}
                      aria-label={key}
                      title={p.items?.enum?.join(', ')}
                      onChange={(e) => set(path, e.target.value, p)}
                    />
                  ) : (
                    <input
                      className="num-input"
                      type="number"
                      min={p.minimum}
                      max={p.maximum}
                      value={String(v)}
                      aria-label={key}
                      onChange={(e) => set(path, e.target.value, p)}
                    />
                  )}
                  {p.type === 'integer' && (
                    <span className="dim mono"> 0x{Number(v).toString(16)}</span>
                  )}
                </td>
                <td className="small">{p.description}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="hint">
        {changed} flag{changed === 1 ? '' : 's'} changed from {base}.
      </p>
      {errors.length > 0 && (
        <div className="error" role="alert">
          {errors.map((e) => (
            <div key={e}>{e}</div>
          ))}
        </div>
      )}
    </Modal>
  );
}
