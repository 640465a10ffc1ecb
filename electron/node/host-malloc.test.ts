// The host's malloc policy (host-malloc.mjs): the host starts with glibc's trim threshold fixed,
// a user's own tunables kept, and the processes it starts without the entry it added.
import { describe, expect, it } from 'vitest';
import { HOST_MALLOC_TUNABLE, withHostMalloc, withoutHostMalloc } from './host-malloc.mjs';

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
});
