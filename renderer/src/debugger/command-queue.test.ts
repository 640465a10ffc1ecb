// The debugger's command order: every key a command, each sent after the answer to the previous
// one was applied, none dropped, merged or reordered, whatever the engine's answer times.
import { describe, expect, it } from 'vitest';
import { CommandQueue } from './command-queue';

/** A toy engine whose answers depend on the order of the commands (a call stack). */
type Cmd = { op: 'into'; fn: string } | { op: 'out' } | { op: 'goto'; stack: string[] };
interface Answer {
  stack: string[];
  /** The n-th command the engine took. */
  n: number;
}

function apply(stack: string[], c: Cmd): string[] {
  if (c.op === 'into') return [...stack, c.fn];
  if (c.op === 'out') return stack.slice(0, -1);
  return [...c.stack];
}

/** The engine answering when the test says so; records what the window was given. */
function harness() {
  let engine: string[] = [];
  let taken = 0;
  const inFlight: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const shown: { command: Cmd; answer: Answer; left: number }[] = [];
  const sentAt: { command: Cmd; shownBefore: number; maxInFlight: number }[] = [];
  const failures: { command: Cmd; message: string; unsent: Cmd[] }[] = [];
  const queuedCounts: number[] = [];
  const queue = new CommandQueue<Cmd, Answer>({
    send: (command) => {
      sentAt.push({ command, shownBefore: shown.length, maxInFlight: inFlight.length + 1 });
      return new Promise<Answer>((resolve, reject) => {
        inFlight.push({
          resolve: () => {
            engine = apply(engine, command);
            resolve({ stack: engine, n: ++taken });
          },
          reject,
        });
      });
    },
    answered: (command, answer, left) => shown.push({ command, answer, left }),
    failed: (command, error, unsent) => failures.push({ command, message: error.message, unsent }),
    queued: (_c, pending) => queuedCounts.push(pending),
  });
  /** The engine answers the command in flight (after the event loop has turned). */
  const answer = async () => {
    await Promise.resolve();
    const next = inFlight.shift();
    if (!next) throw new Error('nothing in flight');
    next.resolve();
    await new Promise((r) => setTimeout(r, 0));
  };
  const fail = async (message: string) => {
    await Promise.resolve();
    inFlight.shift()!.reject(new Error(message));
    await new Promise((r) => setTimeout(r, 0));
  };
  return { queue, shown, sentAt, failures, queuedCounts, answer, fail, inFlight };
}

const into = (fn: string): Cmd => ({ op: 'into', fn });
const OUT: Cmd = { op: 'out' };

describe('CommandQueue', () => {
  it('takes five keys pressed during one answer as five commands, in order, one at a time', async () => {
    const h = harness();
    const burst = [into('a'), into('b'), OUT, into('c'), into('d')];
    for (const c of burst) h.queue.push(c);
    expect(h.queue.pending).toBe(5);
    expect(h.sentAt).toHaveLength(1); // only the first is sent; the others wait
    for (let i = 0; i < burst.length; i++) await h.answer();
    expect(h.sentAt.map((s) => s.command)).toEqual(burst);
    expect(h.shown.map((s) => s.command)).toEqual(burst);
    // The same stack as the commands run one by one.
    const oneByOne = burst.reduce(apply, [] as string[]);
    expect(h.shown.at(-1)!.answer.stack).toEqual(oneByOne);
    expect(oneByOne).toEqual(['a', 'c', 'd']);
    expect(h.queue.pending).toBe(0);
  });

  it('sends each command only after the answer to the one before it was shown', async () => {
    const h = harness();
    const burst = [into('x'), into('y'), OUT, OUT, into('z'), into('w')];
    for (const c of burst) h.queue.push(c);
    for (let i = 0; i < burst.length; i++) await h.answer();
    h.sentAt.forEach((s, i) => {
      expect(s.shownBefore).toBe(i);
      expect(s.maxInFlight).toBe(1);
    });
    // Each answer shown is the engine's n-th, with what still waited behind it.
    expect(h.shown.map((s) => s.answer.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(h.shown.map((s) => s.left)).toEqual([5, 4, 3, 2, 1, 0]);
  });

  it('keeps keys pressed between answers in the order they were pressed', async () => {
    const h = harness();
    h.queue.push(into('a'));
    h.queue.push(into('b'));
    await h.answer(); // a shown; b in flight
    h.queue.push(OUT);
    h.queue.push(into('c'));
    await h.answer(); // b
    h.queue.push({ op: 'goto', stack: ['g'] });
    await h.answer(); // out
    await h.answer(); // c
    await h.answer(); // goto
    expect(h.shown.map((s) => s.answer.stack)).toEqual([
      ['a'],
      ['a', 'b'],
      ['a'],
      ['a', 'c'],
      ['g'],
    ]);
    expect(h.queuedCounts).toEqual([1, 2, 2, 3, 3]);
  });

  it('after a failure hands back the commands queued behind it unsent, then takes new ones', async () => {
    const h = harness();
    h.queue.push(into('a'));
    h.queue.push(into('b'));
    h.queue.push(OUT);
    await h.fail('no debugger d1');
    expect(h.failures).toEqual([
      { command: into('a'), message: 'no debugger d1', unsent: [into('b'), OUT] },
    ]);
    expect(h.sentAt).toHaveLength(1);
    expect(h.queue.pending).toBe(0);
    h.queue.push(into('c'));
    await h.answer();
    expect(h.shown.map((s) => s.answer.stack)).toEqual([['c']]);
  });

  it('after reset applies no answer of the old debugger and sends none of its queue', async () => {
    const h = harness();
    h.queue.push(into('old'));
    h.queue.push(into('queued'));
    expect(h.queue.reset()).toEqual([into('queued')]);
    expect(h.queue.pending).toBe(0);
    h.queue.push(into('new'));
    await h.answer(); // the old one's answer arrives: ignored
    expect(h.shown).toEqual([]);
    await h.answer(); // the new one's
    expect(h.shown.map((s) => s.command)).toEqual([into('new')]);
    expect(h.sentAt.map((s) => s.command)).toEqual([into('old'), into('new')]);
  });

  it('takes a command pushed while an answer is being applied after the ones already queued', async () => {
    const order: string[] = [];
    let resolveNext: (() => void) | null = null;
    const queue: CommandQueue<string, string> = new CommandQueue<string, string>({
      send: (c) => new Promise((r) => (resolveNext = () => r(c))),
      answered: (c) => {
        order.push(c);
        if (c === 'a') queue.push('pushed-in-answer');
      },
      failed: () => {},
    });
    queue.push('a');
    queue.push('b');
    for (let i = 0; i < 3; i++) {
      await Promise.resolve();
      resolveNext!();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(order).toEqual(['a', 'b', 'pushed-in-answer']);
  });

  it('says when it is idle', async () => {
    const h = harness();
    await h.queue.idle();
    h.queue.push(into('a'));
    h.queue.push(into('b'));
    let idle = false;
    void h.queue.idle().then(() => (idle = true));
    await h.answer();
    expect(idle).toBe(false);
    await h.answer();
    expect(idle).toBe(true);
  });
});
