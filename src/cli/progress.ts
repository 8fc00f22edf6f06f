/**
 * Progress of the `seqattn` command (src/cli/translate.ts, src/cli/g2p.ts) on stderr: a bar redrawn in place on a terminal
 * (at most every 100 ms), a line every 2 s otherwise. clear() erases the bar but keeps the rate
 * limit (resetting it printed a line per decoded chunk: 97,000 lines for a 50 MB input).
 * A module of its own so tests can drive it with a fake stream and clock.
 */
export class Progress {
  private readonly tty: boolean;
  private readonly start = performance.now();
  /** When the last bar or line was written: a terminal draws at the first update, a log line waits 2 s. */
  private last: number;
  private shown = false;
  done = 0;
  total = 0;

  /** `stream`: stderr (anything with write and isTTY); `allowed`: false when stdin is a terminal (answers go straight back). */
  constructor(private readonly stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY'>, private readonly allowed: boolean) {
    this.tty = stream.isTTY === true;
    this.last = this.tty ? -Infinity : this.start;
  }

  private get on(): boolean { return this.allowed && (this.tty || this.total > 200); }

  private rate(): number { return this.done / Math.max(1e-9, (performance.now() - this.start) / 1000); }

  /** Redraws when due (every 100 ms on a terminal, 2 s otherwise); `now` for tests. */
  update(now: number = performance.now()): void {
    if (!this.on) return;
    if (now - this.last < (this.tty ? 100 : 2000)) return;
    this.last = now;
    const what = `${this.done}/${this.total} words  ${Math.round(this.rate())} words/s`;
    if (this.tty) {
      const width = 24;
      const fill = Math.round((width * this.done) / Math.max(1, this.total));
      this.stream.write(`\r\x1b[K[${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${what}`);
      this.shown = true;
    } else {
      this.stream.write(`seqattn: ${what}\n`);
    }
  }

  /** Erases the bar (before writing to stdout, which shares the terminal). */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  finish(): void {
    this.clear();
    if (this.on && !this.tty) {
      const secs = (performance.now() - this.start) / 1000;
      this.stream.write(`seqattn: ${this.done} words in ${secs.toFixed(1)} s (${Math.round(this.rate())} words/s)\n`);
    }
  }
}
