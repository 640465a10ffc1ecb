// The debugger's commands, in the order they were given. Every key is a command; each waits
// behind the one in flight and is sent only once that one's answer has been applied, so it acts
// on the stop the engine reached by then (the one the window shows next), never on a state the
// window has not been given. Nothing is dropped or merged: five F10s are five steps. A failed
// command ends the burst: the ones queued behind it were given for a stop the engine never
// reached, so they are handed back unsent (the window says so) rather than applied elsewhere.
// No DOM and no API here (the debugger store supplies `send`): the order is unit tested alone.

export interface CommandQueueHost<C, A> {
  /** Sends one command. Called once the answer to the previous one has been applied. */
  send(command: C): Promise<A>;
  /** The answer to `command`, with how many commands still wait (in one update, together). */
  answered(command: C, answer: A, left: number): void;
  /** `command` failed; `unsent` are the commands queued behind it, not sent. */
  failed(command: C, error: Error, unsent: C[]): void;
  /** A command was queued (pending: queued + in flight). */
  queued?(command: C, pending: number): void;
}

export class CommandQueue<C, A> {
  private readonly waiting: C[] = [];
  private inFlight: C | null = null;
  /** Bumped by reset(): a loop of an older generation stops and its answer is ignored. */
  private generation = 0;
  private pumping = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly host: CommandQueueHost<C, A>) {}

  /** Commands queued or in flight. */
  get pending(): number {
    return this.waiting.length + (this.inFlight !== null ? 1 : 0);
  }

  /** The command whose answer is awaited, if any. */
  get current(): C | null {
    return this.inFlight;
  }

  /** The commands behind the one in flight, oldest first. */
  get queuedCommands(): readonly C[] {
    return this.waiting;
  }

  push(command: C): void {
    this.waiting.push(command);
    this.host.queued?.(command, this.pending);
    if (!this.pumping) void this.pump();
  }

  /**
   * Forgets every command (the debugger was closed or replaced): the queued ones are not sent and
   * the answer to the one in flight is not applied. Returns the queued ones.
   */
  reset(): C[] {
    this.generation++;
    this.pumping = false;
    this.inFlight = null;
    const dropped = this.waiting.splice(0);
    this.settleIdle();
    return dropped;
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async pump(): Promise<void> {
    const generation = this.generation;
    this.pumping = true;
    while (this.waiting.length > 0) {
      const command = this.waiting.shift()!;
      this.inFlight = command;
      let answer: A;
      try {
        answer = await this.host.send(command);
      } catch (err) {
        if (generation !== this.generation) return;
        this.inFlight = null;
        const unsent = this.waiting.splice(0);
        this.pumping = false;
        this.host.failed(command, err instanceof Error ? err : new Error(String(err)), unsent);
        this.settleIdle();
        return;
      }
      if (generation !== this.generation) return;
      this.inFlight = null;
      this.host.answered(command, answer, this.waiting.length);
    }
    this.pumping = false;
    this.settleIdle();
  }

  private settleIdle(): void {
    if (this.pending !== 0) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}
