// The `irqlab` command line.
//
//   irqlab simulate <machine.json | preset:NAME> [--profile P] [--interrupts] [--json] [--out F.irqlab]
//   irqlab runs <F.irqlab>
//   irqlab query <F.irqlab> "<SELECT ...>"
//   irqlab report <F.irqlab> [--run N] --format html|md|json|csv|perfetto [-o OUT]
//   irqlab import FILES... [-o machine.json] [--provenance P.json] [--simulate [--interrupts|--json] [--profile P]]
//   irqlab explain "<kernel log line>" [--machine M]
//   irqlab decode msi --address A --data D [--machine M [--profile P]]
//
// Bad input is reported as "irqlab: <where>: <what>" with exit code 2, never a stack trace.
//
// Each command's module is loaded when that command runs: a start pays for evaluating only what
// its command uses (the report's schemas, Intl's number formats and SQLite are not needed to
// import and simulate a machine). In the CLI bundle these imports stay in the one file
// (scripts/build-cli.mjs) and only defer evaluation.
import { QueryError, SessionError } from '../store/errors';
import { ImportError } from '../import/errors';
import { OutputClosed, UsageError, type Io } from './common';

export { OutputClosed, UsageError } from './common';

async function usage(): Promise<string> {
  const [{ KERNEL_ERAS, PROFILES }, { PRESETS }] = await Promise.all([
    import('../kernel/profiles'),
    import('../model/presets'),
  ]);
  return `usage:
  irqlab simulate <machine.json | preset:NAME> [--profile P] [--cpu-down N]... [--fire BDF|all]... [--storm N] [--inject SPEC]... [--interrupts] [--json] [--out FILE.irqlab]
  irqlab runs <FILE.irqlab>
  irqlab query <FILE.irqlab> "<SELECT ...>"
  irqlab report <FILE.irqlab> [--run N] --format html|md|json|csv|perfetto [-o OUT]
  irqlab collect [-o machine-bundle.tar.gz] [--keep-personal]      (on the target: everything irqlab reads, in one bundle)
  irqlab collect --script                                          (the collector as a POSIX sh script, for a box without Node)
  irqlab import FILES... [-o machine.json] [--provenance P.json]   (a collect bundle, dmesg, acpidump / .dat tables, lspci, /proc/interrupts)
         [--simulate [--interrupts | --json] [--profile P]]        (and boot it: its /proc/interrupts and log, as simulate prints them)
  irqlab explain "<kernel log line>" [--machine M]
  irqlab diff MACHINE[@PROFILE] MACHINE[@PROFILE] [--json]          (interrupts, messages, IRTEs, faults, dmesg)
  irqlab step MACHINE [--profile P] [--break KIND:SPEC]...            (commands on stdin: n i o u c b g break p q)
  irqlab decode msi --address A --data D [--machine M [--profile P]]   (format, destination, vector or IRTE; whose it is)
presets: ${Object.keys(PRESETS).join(', ')}
profiles: ${Object.keys(PROFILES).join(', ')}
  (without --profile the machine's kernel release picks its era's: ${KERNEL_ERAS.map((e) => `${e.from}+ ${e.profile}`).join(', ')})`;
}

/** A progress line on a TTY: redrawn in place at most 10 times a second, cleared at the end. */
export function ttyProgress(write: (text: string) => void): (line: string | null) => void {
  let last = 0;
  let shown = false;
  return (line) => {
    if (line === null) {
      if (shown) write('\r\x1b[2K');
      shown = false;
      return;
    }
    const now = Date.now();
    if (shown && now - last < 100) return;
    last = now;
    shown = true;
    write(`\r\x1b[2K${line}`);
  };
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'simulate':
        return await (await import('./simulate')).cmdSimulate(rest, io);
      case 'runs':
        return (await import('./session')).cmdRuns(rest, io);
      case 'query':
        return (await import('./session')).cmdQuery(rest, io);
      case 'report':
        return (await import('./session')).cmdReport(rest, io);
      case 'import':
        return await (await import('./import')).cmdImport(rest, io);
      case 'collect':
        return await (await import('./collect')).cmdCollect(rest, io);
      case 'decode':
        return (await import('./explain')).cmdDecode(rest, io);
      case 'diff':
        return (await import('./diff')).cmdDiff(rest, io);
      case 'step':
        return await (await import('./step')).cmdStep(rest, io);
      case 'explain':
        return (await import('./explain')).cmdExplain(rest, io);
      case undefined:
      case '-h':
      case '--help':
        io.out((await usage()) + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}\n${await usage()}`);
    }
  } catch (err) {
    if (err instanceof OutputClosed) return 0;
    if (
      err instanceof UsageError ||
      err instanceof SessionError ||
      err instanceof ImportError ||
      err instanceof QueryError
    ) {
      io.err(`irqlab: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
