/**
 * The full-screen terminal of `karana top`: the alternate screen with the cursor hidden, a frame redrawn in
 * place (cursor home, each line cleared to its end, the rest of the screen cleared), keys read raw (`q` or
 * Ctrl-C quits), and the terminal put back as it was on quit, on SIGTERM/SIGINT and at process exit. ANSI/ECMA-48
 * control sequences (xterm's alternate screen `?1049`, cursor `?25`); no curses library needed.
 */

/** Where frames go (process.stdout, or a stream in tests). */
export interface TopOutput {
  readonly isTTY?: boolean;
  readonly rows?: number;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Where keys come from (process.stdin, or a stream in tests). */
export interface TopInput {
  readonly isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export const ENTER = '\x1b[?1049h\x1b[?25l';
export const LEAVE = '\x1b[?25h\x1b[?1049l';

export class TopScreen {
  private active = false;
  private readonly onKey = (chunk: Buffer | string): void => {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.includes('q') || text.includes('Q') || text.includes('\x03')) this.onQuit();
  };
  private readonly onExit = (): void => this.restore();
  private readonly onTerm = (): void => this.onQuit();

  constructor(
    private readonly out: TopOutput,
    private readonly input: TopInput | null,
    private readonly onQuit: () => void,
  ) {}

  /** Switch to the alternate screen and read keys. */
  enter(): void {
    if (this.active) return;
    this.active = true;
    this.out.write(ENTER);
    if (this.input !== null) {
      if (this.input.isTTY === true) this.input.setRawMode?.(true);
      this.input.on('data', this.onKey);
      this.input.resume();
    }
    process.once('exit', this.onExit);
    process.once('SIGTERM', this.onTerm);
    process.once('SIGINT', this.onTerm); // Ctrl-C when stdin is not a terminal (no raw mode)
  }

  /** Replace the screen's content with `lines` (cut to the terminal's height). */
  draw(lines: readonly string[]): void {
    if (!this.active) return;
    const shown = this.out.rows === undefined ? lines : lines.slice(0, Math.max(1, this.out.rows - 1));
    this.out.write(`\x1b[H${shown.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`);
  }

  /** Put the terminal back (idempotent). */
  restore(): void {
    if (!this.active) return;
    this.active = false;
    if (this.input !== null) {
      this.input.off('data', this.onKey);
      if (this.input.isTTY === true) this.input.setRawMode?.(false);
      this.input.pause();
    }
    process.removeListener('exit', this.onExit);
    process.removeListener('SIGTERM', this.onTerm);
    process.removeListener('SIGINT', this.onTerm);
    this.out.write(LEAVE);
  }
}
