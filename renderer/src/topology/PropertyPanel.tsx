// The selected node's properties, as a form made from the model's JSON Schema (the same schema
// Monaco validates with). A change is applied only if the machine stays valid; otherwise the
// field says why and the model is left as it was.
import { useEffect, useState } from 'react';
import type { Machine, PciFunction } from '../../../core/model/schema';
import { getAt, type Edit, type Problem } from '../model/document';
import { formatJsonPath, type PathKey } from '../model/json-locate';
import type { GraphNode } from './graph';

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  required?: string[];
};

/** The schema of the value at a path (object members, array items; nullable unwrapped). */
export function schemaAt(root: JsonSchema, path: readonly PathKey[]): JsonSchema | null {
  let s: JsonSchema | undefined = root;
  for (const key of path) {
    s = unwrapNullable(s);
    if (!s) return null;
    s = typeof key === 'number' ? s.items : s.properties?.[key];
  }
  return s ?? null;
}

/** A discriminated union (IOMMU: intel-vtd | amd-vi): the branch whose `kind` the value has. */
function branchFor(s: JsonSchema, value: unknown): JsonSchema {
  const branches =
    s.oneOf ?? (s.anyOf && s.anyOf.filter((a) => a.type !== 'null').length > 1 ? s.anyOf : null);
  if (!branches || value === null || typeof value !== 'object') return s;
  const kind = (value as Record<string, unknown>).kind;
  return (
    branches.find(
      (b) => b.properties?.kind?.const === kind || b.properties?.kind?.enum?.includes(kind),
    ) ?? s
  );
}

function unwrapNullable(s: JsonSchema | undefined): JsonSchema | undefined {
  if (!s?.anyOf) return s;
  const nonNull = s.anyOf.filter((a) => a.type !== 'null');
  if (nonNull.length === 1)
    return { ...nonNull[0], description: s.description ?? nonNull[0]!.description };
  return s;
}

const isNullable = (s: JsonSchema) => !!s.anyOf?.some((a) => a.type === 'null');

interface Props {
  node: GraphNode | null;
  machine: Machine | null;
  value: unknown;
  schema: JsonSchema | null;
  editable: boolean;
  tryEdit(edit: Edit): Problem[];
  onReveal(path: PathKey[]): void;
  actions: DeviceActions;
}

export interface DeviceActions {
  addChild(parent: PciFunction | null): Problem[];
  remove(fn: PciFunction): Problem[];
  duplicate(fn: PciFunction): Problem[];
  setVfs(fn: PciFunction, n: number): Problem[];
}

export function PropertyPanel({
  node,
  machine,
  value,
  schema,
  editable,
  tryEdit,
  onReveal,
  actions,
}: Props) {
  const [actionProblems, setActionProblems] = useState<Problem[]>([]);
  useEffect(() => setActionProblems([]), [node?.id]);
  if (!node) {
    return (
      <aside className="props" data-testid="properties" aria-label="Properties">
        <h2>Properties</h2>
        <p className="hint">
          Select a node in the graph to see and edit it. Double-click a socket to show its CPUs;
          drag to pan, scroll to zoom.
        </p>
        {machine && (
          <div className="props-actions">
            <button disabled={!editable} onClick={() => setActionProblems(actions.addChild(null))}>
              Add device on the root bus
            </button>
          </div>
        )}
        <ProblemList problems={actionProblems} />
      </aside>
    );
  }
  const path = node.path;
  const pciIndex = path && path[0] === 'pci' ? (path[1] as number) : null;
  const fn = pciIndex !== null && machine ? (machine.pci[pciIndex] ?? null) : null;
  const objectPath = path;
  const s = schema && objectPath ? schemaAt(schema, objectPath) : null;
  const v = objectPath ? getAt(value, objectPath) : undefined;
  const run = (problems: Problem[]) => setActionProblems(problems);
  return (
    <aside className="props" data-testid="properties" aria-label="Properties">
      <h2 title={node.label}>{node.label}</h2>
      <div className="props-sub">
        {node.detail}
        {path && (
          <button className="link" onClick={() => onReveal(path)} title="Show it in the JSON">
            {formatJsonPath(path)}
          </button>
        )}
      </div>
      {fn && (
        <div className="props-actions">
          {fn.kind !== 'endpoint' && (
            <button disabled={!editable} onClick={() => run(actions.addChild(fn))}>
              Add device below
            </button>
          )}
          <button
            disabled={!editable}
            onClick={() => run(actions.duplicate(fn))}
            title="A copy at the next free slot (Ctrl+D)"
          >
            Duplicate
          </button>
          <button
            className="danger"
            disabled={!editable}
            onClick={() => run(actions.remove(fn))}
            title="Remove this device and everything below it (Delete)"
          >
            Remove device
          </button>
        </div>
      )}
      {fn && fn.kind === 'endpoint' && (
        <VfControl fn={fn} editable={editable} onSet={(n) => run(actions.setVfs(fn, n))} />
      )}
      <ProblemList problems={actionProblems} />
      {node.kind === 'socket' && (
        <p className="hint">
          CPUs are listed in <code>cpus.list</code>; expand the socket (+) and select a CPU to edit
          it.
        </p>
      )}
      {node.kind === 'complex' && (
        <p className="hint" data-testid="complex-summary">
          {node.summary ? `${node.summary}. ` : ''}Expand it (+) to see and edit its devices.
        </p>
      )}
      {node.kind === 'segment' && (
        <p className="hint">Functions on this segment's root buses with no host bridge.</p>
      )}
      {s && objectPath && v !== undefined && v !== null && typeof v === 'object' && (
        <ObjectFields
          key={node.id}
          schema={s}
          value={v as Record<string, unknown>}
          path={objectPath}
          editable={editable}
          tryEdit={tryEdit}
          onReveal={onReveal}
          depth={0}
        />
      )}
    </aside>
  );
}

function ProblemList({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="error" role="alert" data-testid="edit-problems">
      Not applied — the machine would be invalid:
      <ul>
        {problems.slice(0, 6).map((p, i) => (
          <li key={i}>
            <code>{p.path}</code> {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function VfControl({
  fn,
  editable,
  onSet,
}: {
  fn: PciFunction;
  editable: boolean;
  onSet(n: number): void;
}) {
  const [n, setN] = useState(String(fn.sriov?.num_vfs ?? 0));
  useEffect(() => setN(String(fn.sriov?.num_vfs ?? 0)), [fn.sriov?.num_vfs]);
  return (
    <div className="vf-control">
      <label>
        SR-IOV VFs enabled
        <input
          type="number"
          min={0}
          max={fn.sriov?.total_vfs ?? 64}
          value={n}
          disabled={!editable}
          aria-label="VFs enabled"
          onChange={(e) => setN(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && onSet(Number(n))}
        />
      </label>
      <button disabled={!editable || !/^\d+$/.test(n)} onClick={() => onSet(Number(n))}>
        {fn.sriov ? 'Enable VFs' : 'Add SR-IOV and enable'}
      </button>
      <span className="hint">
        {fn.sriov ? `TotalVFs ${fn.sriov.total_vfs}` : 'no SR-IOV capability yet'}
      </span>
    </div>
  );
}

interface FieldsProps {
  schema: JsonSchema;
  value: Record<string, unknown>;
  path: PathKey[];
  editable: boolean;
  tryEdit(edit: Edit): Problem[];
  onReveal(path: PathKey[]): void;
  depth: number;
}

function ObjectFields({ schema, value, path, editable, tryEdit, onReveal, depth }: FieldsProps) {
  const props = branchFor(unwrapNullable(schema) ?? schema, value).properties ?? {};
  return (
    <div className={`fields depth-${depth}`}>
      {Object.entries(props)
        .filter(([name]) => name !== '$schema')
        .map(([name, s]) => (
          <Field
            key={name}
            name={name}
            schema={s}
            value={value[name]}
            path={[...path, name]}
            editable={editable}
            tryEdit={tryEdit}
            onReveal={onReveal}
            depth={depth}
          />
        ))}
    </div>
  );
}

function Field({
  name,
  schema,
  value,
  path,
  editable,
  tryEdit,
  onReveal,
  depth,
}: {
  name: string;
  schema: JsonSchema;
  value: unknown;
  path: PathKey[];
  editable: boolean;
  tryEdit(edit: Edit): Problem[];
  onReveal(path: PathKey[]): void;
  depth: number;
}) {
  const inner = unwrapNullable(schema) ?? schema;
  const nullable = isNullable(schema);
  const [problems, setProblems] = useState<Problem[]>([]);
  const apply = (next: unknown) =>
    setProblems(
      tryEdit((draft) => {
        let target = draft as Record<string | number, unknown>;
        for (const key of path.slice(0, -1))
          target = target[key] as Record<string | number, unknown>;
        const last = path[path.length - 1]!;
        if (next === undefined) delete target[last];
        else target[last] = next;
      }),
    );
  const type = Array.isArray(inner.type) ? inner.type[0] : inner.type;
  const id = `field-${formatJsonPath(path)}`;
  const help = schema.description ?? inner.description;
  let control: React.ReactNode;

  if (inner.const !== undefined) {
    control = <code className="field-const">{String(inner.const)}</code>;
  } else if (type === 'object' && inner.properties) {
    if (value === null || value === undefined) {
      control = (
        <button disabled={!editable} onClick={() => apply(defaultsOf(inner))}>
          Add {name}
        </button>
      );
    } else {
      return (
        <fieldset className="field-group">
          <legend>
            {name}
            {nullable && (
              <button
                className="link"
                disabled={!editable}
                onClick={() => apply(null)}
                aria-label={`Remove ${name} (set it to null)`}
                title={`Set ${name} to null`}
              >
                remove
              </button>
            )}
          </legend>
          {help && <div className="field-help">{help}</div>}
          <ObjectFields
            schema={inner}
            value={value as Record<string, unknown>}
            path={path}
            editable={editable}
            tryEdit={tryEdit}
            onReveal={onReveal}
            depth={depth + 1}
          />
          <FieldProblems problems={problems} />
        </fieldset>
      );
    }
  } else if (type === 'array') {
    const list = Array.isArray(value) ? value : [];
    const primitive =
      inner.items &&
      inner.items.type !== 'object' &&
      !inner.items.anyOf &&
      inner.items.type !== 'array';
    if (primitive) {
      control = (
        <TextInput
          id={id}
          value={list.join(', ')}
          disabled={!editable}
          onCommit={(text) => {
            const items = text
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean)
              .map((t) =>
                inner.items!.type === 'integer' || inner.items!.type === 'number' ? Number(t) : t,
              );
            apply(items);
          }}
        />
      );
    } else {
      control = (
        <button className="link" onClick={() => onReveal(path)}>
          {list.length} item{list.length === 1 ? '' : 's'} — edit in JSON
        </button>
      );
    }
  } else if (inner.enum) {
    control = (
      <select
        id={id}
        value={value === null || value === undefined ? '' : String(value)}
        disabled={!editable}
        onChange={(e) =>
          apply(e.target.value === '' ? (nullable ? null : undefined) : e.target.value)
        }
      >
        {(nullable || value === undefined) && (
          <option value="">{nullable ? 'none' : '(default)'}</option>
        )}
        {inner.enum.map((opt) => (
          <option key={String(opt)} value={String(opt)}>
            {String(opt)}
          </option>
        ))}
      </select>
    );
  } else if (type === 'boolean') {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={value === undefined ? inner.default === true : value === true}
        disabled={!editable}
        onChange={(e) => apply(e.target.checked)}
      />
    );
  } else if (type === 'integer' || type === 'number') {
    control = (
      <TextInput
        id={id}
        numeric
        value={value === undefined || value === null ? '' : String(value)}
        placeholder={nullable ? 'none' : inner.default !== undefined ? String(inner.default) : ''}
        disabled={!editable}
        onCommit={(text) => {
          if (text.trim() === '') return apply(nullable ? null : undefined);
          const n = Number(text);
          // A non-number is handed to the schema as text, so it says what is wrong.
          apply(
            Number.isFinite(n) && /^-?(0x[0-9a-f]+|\d+(\.\d+)?)$/i.test(text.trim()) ? n : text,
          );
        }}
      />
    );
  } else {
    control = (
      <TextInput
        id={id}
        value={value === undefined || value === null ? '' : String(value)}
        placeholder={nullable ? 'none' : inner.default !== undefined ? String(inner.default) : ''}
        disabled={!editable}
        onCommit={(text) => apply(text === '' && nullable ? null : text)}
      />
    );
  }
  return (
    <div className={`field${problems.length ? ' invalid' : ''}`}>
      <label htmlFor={id} title={help}>
        {name}
      </label>
      <div className="field-control">{control}</div>
      <FieldProblems problems={problems} />
    </div>
  );
}

function FieldProblems({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="field-error" role="alert" data-testid="field-error">
      {problems.slice(0, 3).map((p, i) => (
        <div key={i}>
          <code>{p.path}</code>: {p.message}
        </div>
      ))}
      <div className="field-error-note">Not applied: the machine is unchanged.</div>
    </div>
  );
}

function TextInput({
  id,
  value,
  disabled,
  placeholder,
  numeric,
  onCommit,
}: {
  id: string;
  value: string;
  disabled: boolean;
  placeholder?: string;
  numeric?: boolean;
  onCommit(text: string): void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const commit = () => {
    if (text !== value) onCommit(text);
  };
  return (
    <input
      id={id}
      type="text"
      inputMode={numeric ? 'numeric' : undefined}
      value={text}
      placeholder={placeholder}
      disabled={disabled}
      spellCheck={false}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setText(value);
      }}
    />
  );
}

/** A new object for an optional part (msi, msix, sriov...): its required fields with defaults. */
function defaultsOf(s: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    if (!s.required?.includes(name)) continue;
    const inner = unwrapNullable(p) ?? p;
    const t = Array.isArray(inner.type) ? inner.type[0] : inner.type;
    if (inner.default !== undefined) out[name] = inner.default;
    else if (inner.enum) out[name] = inner.enum[0];
    else if (t === 'integer' || t === 'number') out[name] = Math.max(inner.minimum ?? 1, 1);
    else if (t === 'boolean') out[name] = false;
    else if (t === 'string') out[name] = inner.pattern?.startsWith('^0x') ? '0x0' : '';
  }
  return out;
}
