// irqlab diff: two runs (profiles, machines) side by side.
import { diffRuns, formatDiff } from '../compare/diff';
import { PROFILES } from '../kernel/profiles';
import type { Machine } from '../model/schema';
import { simulate } from '../scenario';
import { takeFlag, takeOption, UsageError, type Io } from './common';
import { loadMachine } from './machine';

/** `machine[@profile]`: a machine and the profile to run it with. */
function runSpec(spec: string): { machine: Machine; profile: string | undefined; label: string } {
  const at = spec.lastIndexOf('@');
  const profile = at > 0 ? spec.slice(at + 1) : undefined;
  if (profile && !PROFILES[profile])
    throw new UsageError(
      `${spec}: unknown profile ${profile} (known: ${Object.keys(PROFILES).join(', ')})`,
    );
  return { machine: loadMachine(at > 0 ? spec.slice(0, at) : spec), profile, label: spec };
}

export function cmdDiff(args: string[], io: Io): number {
  const json = takeFlag(args, '--json');
  const limitArg = takeOption(args, '--limit');
  if (args.length !== 2)
    throw new UsageError('diff takes two runs: MACHINE[@PROFILE] MACHINE[@PROFILE]');
  const [a, b] = args.map(runSpec) as [ReturnType<typeof runSpec>, ReturnType<typeof runSpec>];
  const d = diffRuns(
    simulate(a.machine, { profile: a.profile }),
    simulate(b.machine, { profile: b.profile }),
    [a.label, b.label],
  );
  if (json) io.out(JSON.stringify(d, null, 2) + '\n');
  else io.out(formatDiff(d, limitArg ? Number(limitArg) : 50));
  return 0;
}
