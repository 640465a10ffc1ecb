import { describe, expect, it } from 'vitest';
import { dispatch, type Handlers } from './dispatch';
import { createHandlers } from './service';

const handlers: Handlers = createHandlers({
  mode: 'browser',
  version: '0.0.0-test',
  platform: 'linux',
});

describe('dispatch validates every call against the channel table', () => {
  it('answers a well-formed call', async () => {
    const result = await dispatch(handlers, 'app.info', {});
    expect(result).toMatchObject({
      ok: true,
      value: { name: 'irqlab', version: '0.0.0-test', mode: 'browser', platform: 'linux' },
    });
  });

  it('rejects an unknown channel, naming it', async () => {
    const result = await dispatch(handlers, 'fs.readFile', { path: '/etc/passwd' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unknown-channel');
      expect(result.error.message).toContain('"fs.readFile"');
    }
  });

  it('rejects names inherited from Object.prototype', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const result = await dispatch(handlers, name, {});
      expect(result.ok, name).toBe(false);
    }
  });

  it('rejects a non-string channel without throwing', async () => {
    const result = await dispatch(handlers, { evil: true }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('rejects a malformed request with the JSON path of the problem', async () => {
    const result = await dispatch(handlers, 'machine.fromPreset', { name: 42 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-request');
      expect(result.error.problems?.[0]?.path).toBe('$.name');
    }
  });

  it('rejects extra fields in a request (strict objects)', async () => {
    const result = await dispatch(handlers, 'app.info', { sneaky: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('turns a handler failure into an error result instead of throwing', async () => {
    const result = await dispatch(handlers, 'machine.fromPreset', { name: 'no-such-preset' });
    expect(result).toMatchObject({ ok: false, error: { code: 'failed' } });
    if (!result.ok) expect(result.error.message).toContain('no preset named "no-such-preset"');
  });

  it('serves the example machine, which validates', async () => {
    const machine = await dispatch(handlers, 'machine.fromPreset', { name: 'example' });
    expect(machine.ok).toBe(true);
    const text = machine.ok ? (machine.value as { text: string }).text : '';
    const validated = await dispatch(handlers, 'machine.validate', { text });
    expect(validated).toEqual({ ok: true, value: { ok: true, problems: [] } });
  });

  it('reports a machine that is not JSON with its line and column', async () => {
    const result = await dispatch(handlers, 'machine.validate', { text: '{\n  "cpus": [,]\n}' });
    expect(result.ok).toBe(true);
    const value = result.ok
      ? (result.value as { ok: boolean; problems: { path: string }[] })
      : null;
    expect(value?.ok).toBe(false);
    expect(value?.problems[0]?.path).toMatch(/^2:\d+$/);
  });
});
