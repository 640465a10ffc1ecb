// irqlab explain and irqlab decode: what a kernel log line, or an MSI address/data pair, means;
// on a given machine, whose it likely is.
import { decodeMsi } from '../hw/decode';
import { explainLine, formatExplanation } from '../import/explain';
import { ownerOf, simulate } from '../scenario';
import { takeOption, UsageError, type Io } from './common';
import { loadMachine } from './machine';

/** irqlab explain: what a kernel log line means, on this machine if one is given. */
export function cmdExplain(args: string[], io: Io): number {
  const machineSpec = takeOption(args, '--machine');
  if (args.length !== 1) throw new UsageError('explain takes one log line (quote it)');
  const machine = machineSpec ? loadMachine(machineSpec) : undefined;
  const e = explainLine(args[0]!, machine);
  if (!e) {
    io.err(
      `irqlab: not a line irqlab can explain (DMAR/INTR-REMAP faults, vector and IRTE errors): ${args[0]}\n`,
    );
    return 1;
  }
  io.out(formatExplanation(e));
  return 0;
}

/** irqlab decode msi: an address/data pair as the hardware reads it, and whose it is in a run. */
export function cmdDecode(args: string[], io: Io): number {
  const what = args.shift();
  if (what !== 'msi')
    throw new UsageError('decode takes "msi": irqlab decode msi --address A --data D');
  const addressArg = takeOption(args, '--address');
  const dataArg = takeOption(args, '--data');
  const machineSpec = takeOption(args, '--machine');
  const profile = takeOption(args, '--profile');
  if (!addressArg || !dataArg || args.length)
    throw new UsageError('decode msi needs --address A --data D');
  const hexArg = (name: string, v: string, max: bigint) => {
    if (!/^(0x)?[0-9a-f]{1,16}$/i.test(v)) throw new UsageError(`${name} ${v}: a hex number`);
    const n = BigInt('0x' + v.replace(/^0x/i, ''));
    if (n > max)
      throw new UsageError(`${name} ${v}: more than ${max.toString(16).length * 4} bits`);
    return n;
  };
  const address = hexArg('--address', addressArg, 0xffffffffffffffffn);
  const data = Number(hexArg('--data', dataArg, 0xffffffffn));
  const d = decodeMsi(address, data);
  for (const line of d.lines) io.out(line + '\n');
  if (machineSpec) {
    const machine = loadMachine(machineSpec);
    const run = simulate(machine, { profile });
    const ids = new Map(machine.cpus.list.map((c) => [c.cpu, c.apic_id]));
    for (const line of ownerOf(d, run, ids)) io.out(`${machine.name}: ${line}\n`);
  }
  return d.format === 'not-an-interrupt' ? 1 : 0;
}
