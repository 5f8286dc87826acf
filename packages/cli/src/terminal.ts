import { Format, SingleBar } from 'cli-progress';
import { createColors } from 'picocolors';

import { formatBytes, formatCounts } from './format';

/** What the CLI writes to (injectable for tests): stdout for results, stderr for bars and errors. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** A progress display that may draw nothing (no terminal, or `--json`). */
export interface Progress {
  update(value: number, total?: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update() {}, stop() {} };

/**
 * Output policy of one run. `--json` prints one JSON document per line on stdout and never a bar;
 * otherwise text for people, with progress bars (cli-progress, on stderr) and colours (picocolors)
 * only when stderr is a terminal, `NO_COLOR` is unset and `--no-color` was not given.
 */
export class Terminal {
  readonly json: boolean;
  readonly interactive: boolean;
  readonly colors: ReturnType<typeof createColors>;

  constructor(
    readonly io: Io,
    options: { json?: boolean; color?: boolean },
  ) {
    this.json = !!options.json;
    this.interactive = !this.json && !!io.stderr.isTTY && io.env.TERM !== 'dumb';
    this.colors = createColors(this.interactive && options.color !== false && !io.env.NO_COLOR);
  }

  /** A result line for people (ignored with `--json`). */
  line(text = ''): void {
    if (!this.json) this.io.stdout.write(`${text}\n`);
  }

  /** A note for people on stderr (ignored with `--json`), so stdout stays the result. */
  note(text: string): void {
    if (!this.json) this.io.stderr.write(`${text}\n`);
  }

  /** One machine-readable line (only with `--json`). */
  record(value: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** A byte bar (`label [████░░] 45% | 3.2 MB / 7.1 MB`), or nothing without a terminal. */
  bytesBar(label: string, total: number | undefined): Progress {
    if (!this.interactive) return NO_PROGRESS;
    const bar = new SingleBar({
      stream: this.io.stderr as NodeJS.WritableStream,
      // A stream of unknown length (a streamed export) counts bytes instead of drawing a bar.
      format: (options, params, payload) =>
        Format.Formatter(
          {
            ...options,
            format: payload.size === '?' ? `${label} | {done}` : `${label} [{bar}] {percentage}% | {done} / {size}`,
          },
          params,
          payload,
        ),
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
    });
    let size = total;
    bar.start(total ?? 1, 0, { done: formatBytes(0), size: total === undefined ? '?' : formatBytes(total) });
    return {
      update(value, newTotal) {
        if (newTotal !== undefined && newTotal !== size) {
          size = newTotal;
          bar.setTotal(newTotal);
        }
        bar.update(size === undefined ? 0 : value, {
          done: formatBytes(value),
          size: size === undefined ? '?' : formatBytes(size),
        });
      },
      stop() {
        bar.stop();
      },
    };
  }

  /** The live batch bar: `[████░░] 40% | 40/100 final | completed 30 · failed 10 · … | running`. */
  batchBar(): Progress & { show(batch: Parameters<typeof formatCounts>[0]): void } {
    if (!this.interactive) return { ...NO_PROGRESS, show() {} };
    const bar = new SingleBar({
      stream: this.io.stderr as NodeJS.WritableStream,
      format: `[{bar}] {percentage}% | {final}/{total} final | {counts} | {status}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
    });
    let started = false;
    const show = (batch: Parameters<typeof formatCounts>[0]) => {
      const total = Math.max(1, batch.total_calls ?? 0);
      const final = (batch.completed ?? 0) + (batch.failed ?? 0);
      const payload = { final, counts: formatCounts(batch), status: batch.status };
      if (!started) {
        bar.start(total, final, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(final, payload);
      }
    };
    return {
      show,
      update() {},
      stop() {
        if (started) bar.stop();
      },
    };
  }
}

/**
 * Progress lines for a log (no terminal; issue 18 follow-up): a line whose status differs from the
 * last one written is written at once; other changes at most one per `intervalMs` (ms). A line held
 * back is written when its interval ends, or at `flush()`, never dropped: a burst's last update used
 * to be lost, so a log could show 0 % for minutes. Lines are compared without their 9-character
 * `HH:MM:SS ` prefix; an unchanged line is never repeated.
 */
export class ThrottledProgressLines {
  private last = '';
  private lastAt = Number.NEGATIVE_INFINITY;
  private held?: string;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly write: (line: string) => void,
    private readonly intervalMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Offers a progress line; `statusChanged` writes it at once (a new status is never held back). */
  push(line: string, statusChanged: boolean): void {
    if (line.slice(9) === this.last.slice(9)) {
      this.held = undefined;
      return;
    }
    const wait = this.lastAt + this.intervalMs - this.now();
    if (statusChanged || wait <= 0) {
      this.emit(line);
      return;
    }
    this.held = line;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
    this.timer.unref?.();
  }

  /** Writes the held line, if any (call before the final summary). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held !== undefined) this.emit(this.held);
  }

  private emit(line: string): void {
    this.held = undefined;
    this.write(line);
    this.last = line;
    this.lastAt = this.now();
  }
}
