import { PassThrough } from 'node:stream';

import { Terminal, ThrottledProgressLines } from './terminal';

/** An in-memory stream that says whether it is a terminal. */
function stream(isTTY: boolean): PassThrough & { isTTY?: boolean; text(): string } {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; text(): string; columns?: number };
  let text = '';
  s.on('data', (c) => (text += c));
  s.isTTY = isTTY;
  s.columns = 160;
  s.text = () => text;
  return s;
}

describe('Terminal output policy', () => {
  it('without a terminal: text on stdout, notes on stderr, no bars, no colours, no JSON', () => {
    const stdout = stream(false);
    const stderr = stream(false);
    const out = new Terminal({ stdout, stderr, env: {} }, {});
    const bar = out.bytesBar('Uploading a.csv', 100);
    bar.update(50, 100);
    bar.stop();
    out.batchBar().show({ status: 'running', total_calls: 2, completed: 1 });
    out.line(out.colors.green('done'));
    out.note('wrote x');
    out.record({ ignored: true });
    expect(stdout.text()).toBe('done\n');
    expect(stderr.text()).toBe('wrote x\n');
  });

  it('with --json: only JSON lines on stdout, even on a terminal', () => {
    const stdout = stream(true);
    const stderr = stream(true);
    const out = new Terminal({ stdout, stderr, env: {} }, { json: true });
    out.bytesBar('Uploading', 10).update(5);
    out.line('for people');
    out.note('for people');
    out.record({ type: 'created', batch_id: 'b1' });
    out.record({ type: 'final', batch: { status: 'completed' } });
    expect(
      stdout
        .text()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { type: 'created', batch_id: 'b1' },
      { type: 'final', batch: { status: 'completed' } },
    ]);
    expect(stderr.text()).toBe('');
  });

  it('on a terminal: draws byte and batch bars on stderr and colours unless NO_COLOR or --no-color', () => {
    const stdout = stream(true);
    const stderr = stream(true);
    const out = new Terminal({ stdout, stderr, env: {} }, {});
    const bytes = out.bytesBar('Uploading a.csv', 2000);
    bytes.update(2000, 2000);
    bytes.stop();
    const batch = out.batchBar();
    batch.show({ status: 'running', total_calls: 4, completed: 1, failed: 1, in_progress: 1, pending: 2 });
    batch.stop();
    expect(stderr.text()).toMatch(/Uploading a\.csv \[█{40}\] 100% \| 2\.0 kB \/ 2\.0 kB/);
    expect(stderr.text()).toMatch(
      /\[█{20}░{20}\] 50% \| 2\/4 final \| completed 1 · failed 1 · in progress 1 · pending 2 \| running/,
    );
    expect(out.colors.green('ok')).toBe('\u001b[32mok\u001b[39m');
    expect(new Terminal({ stdout, stderr, env: { NO_COLOR: '1' } }, {}).colors.green('ok')).toBe('ok');
    expect(new Terminal({ stdout, stderr, env: {} }, { color: false }).colors.green('ok')).toBe('ok');
  });

  it('counts bytes without a bar when the length is unknown (a streamed export)', () => {
    const stderr = stream(true);
    const out = new Terminal({ stdout: stream(true), stderr, env: {} }, {});
    const bar = out.bytesBar('Downloading all.csv', undefined);
    bar.update(6600);
    bar.stop();
    expect(stderr.text()).toContain('Downloading all.csv | 6.6 kB');
    expect(stderr.text()).not.toContain('░');
  });
});

describe('ThrottledProgressLines (watch without a terminal)', () => {
  const line = (t: string, rest: string) => `${t} ${rest}`;

  it('writes a new status at once, throttles the rest, and never drops the last update', () => {
    jest.useFakeTimers();
    let now = 0;
    const written: string[] = [];
    const lines = new ThrottledProgressLines(
      (l) => written.push(l),
      5000,
      () => now,
    );
    lines.push(line('00:00:00', 'running 0%'), true);
    now = 1000;
    lines.push(line('00:00:01', 'running 10%'), false);
    now = 2000;
    lines.push(line('00:00:02', 'running 40%'), false);
    expect(written).toEqual(['00:00:00 running 0%']);
    now = 5000;
    jest.advanceTimersByTime(4000);
    expect(written).toEqual(['00:00:00 running 0%', '00:00:02 running 40%']);
    now = 6000;
    lines.push(line('00:00:06', 'running 90%'), false);
    lines.flush();
    expect(written.at(-1)).toBe('00:00:06 running 90%');
    now = 6100;
    lines.push(line('00:00:06', 'completed 100%'), true);
    expect(written.at(-1)).toBe('00:00:06 completed 100%');
    expect(written).toHaveLength(4);
    jest.useRealTimers();
  });

  it('never repeats an unchanged line', () => {
    let now = 0;
    const written: string[] = [];
    const lines = new ThrottledProgressLines(
      (l) => written.push(l),
      5000,
      () => now,
    );
    lines.push(line('00:00:00', 'running 5%'), true);
    now = 10_000;
    lines.push(line('00:00:10', 'running 5%'), false);
    lines.flush();
    expect(written).toEqual(['00:00:00 running 5%']);
  });

  it('edge: a change exactly one interval after the last line is written at once', () => {
    let now = 0;
    const written: string[] = [];
    const lines = new ThrottledProgressLines(
      (l) => written.push(l),
      5000,
      () => now,
    );
    lines.push(line('00:00:00', 'running 1%'), true);
    now = 4999;
    lines.push(line('00:00:04', 'running 2%'), false);
    expect(written).toHaveLength(1);
    now = 5000;
    lines.push(line('00:00:05', 'running 3%'), false);
    expect(written).toEqual(['00:00:00 running 1%', '00:00:05 running 3%']);
    lines.flush();
    expect(written).toHaveLength(2);
  });
});
