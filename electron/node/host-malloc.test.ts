// The host's malloc policy (host-malloc.mjs): the host starts with glibc's trim threshold fixed,
// a user's own tunables kept, and the processes it starts without the entry it added.
import { describe, expect, it } from 'vitest';
import {
  HOST_MALLOC_TUNABLE,
  JOB_MALLOC_TUNABLES,
  withHostMalloc,
  withJobMalloc,
  withoutHostMalloc,
} from './host-malloc.mjs';

describe("the host's malloc policy", () => {
  it('adds the fixed trim threshold to GLIBC_TUNABLES, after what the user set', () => {
    expect(withHostMalloc({ PATH: '/bin' })).toEqual({
      PATH: '/bin',
      GLIBC_TUNABLES: HOST_MALLOC_TUNABLE,
    });
    expect(withHostMalloc({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES).toBe(
      `glibc.malloc.arena_max=2:${HOST_MALLOC_TUNABLE}`,
    );
  });

  it("keeps a user's own trim threshold", () => {
    const env = { GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1048576' };
    expect(withHostMalloc(env)).toEqual(env);
  });

  it('gives the processes the host starts back what the user had', () => {
    for (const user of [{}, { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }]) {
      const child = withoutHostMalloc(withHostMalloc({ ...user, HOME: '/root' }));
      expect(child).toEqual({ ...user, HOME: '/root' });
    }
  });

  it("gives a job's process its own thresholds in place of the host's, after what the user set", () => {
    expect(withJobMalloc(withHostMalloc({ HOME: '/root' }))).toEqual({
      HOME: '/root',
      GLIBC_TUNABLES: JOB_MALLOC_TUNABLES.join(':'),
    });
    const user = { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' };
    expect(withJobMalloc(withHostMalloc(user)).GLIBC_TUNABLES).toBe(
      ['glibc.malloc.arena_max=2', ...JOB_MALLOC_TUNABLES].join(':'),
    );
  });

  it("keeps a user's own threshold in a job's process", () => {
    for (const own of ['glibc.malloc.mmap_threshold=65536', 'glibc.malloc.trim_threshold=1048576'])
      expect(withJobMalloc({ GLIBC_TUNABLES: own })).toEqual({ GLIBC_TUNABLES: own });
  });
});
