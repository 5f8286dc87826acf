import { BackgroundTasks } from './background-tasks';

function logger() {
  return { warn: jest.fn(), debug: jest.fn(), info: jest.fn() };
}

/** Lets the microtasks of a run (then/catch/finally) settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('BackgroundTasks', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('starts loops only on start(), once, even when start() is called twice (hybrid bootstrap)', async () => {
    const tasks = new BackgroundTasks(logger());
    const run = jest.fn().mockResolvedValue(undefined);
    tasks.every('sweep', 1000, run);
    await jest.advanceTimersByTimeAsync(5000);
    expect(run).not.toHaveBeenCalled();
    tasks.start();
    tasks.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(3000);
    expect(run).toHaveBeenCalledTimes(4);
    await tasks.stop();
  });

  it('never overlaps a run with itself: the next run is scheduled after the previous ended', async () => {
    const tasks = new BackgroundTasks(logger());
    let active = 0;
    let maxActive = 0;
    const run = jest.fn(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      active--;
    });
    tasks.every('slow', 1000, run);
    tasks.start();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(maxActive).toBe(1);
    // 1000 wait + 2500 run per cycle: runs start at 1000, 4500, 8000.
    expect(run).toHaveBeenCalledTimes(3);
    // The third run ends at 10 500; stop before the fourth starts (11 500).
    await jest.advanceTimersByTimeAsync(500);
    await tasks.stop();
    expect(active).toBe(0);
  });

  it('logs a failure streak at warn once, repeats at debug, and the recovery at info', async () => {
    const log = logger();
    const tasks = new BackgroundTasks(log);
    let fail = true;
    tasks.every('reaper', 100, async () => {
      if (fail) throw new Error('db down');
    });
    tasks.start();
    await jest.advanceTimersByTimeAsync(350);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0][1]).toContain('reaper failed');
    expect(log.debug).toHaveBeenCalledTimes(2);
    fail = false;
    await jest.advanceTimersByTimeAsync(100);
    expect(log.info).toHaveBeenCalledTimes(1);
    fail = true;
    await jest.advanceTimersByTimeAsync(100);
    expect(log.warn).toHaveBeenCalledTimes(2);
    await tasks.stop();
  });

  it('counts a synchronous throw as a failed run and keeps the loop going', async () => {
    const log = logger();
    const tasks = new BackgroundTasks(log);
    const run = jest.fn(() => {
      throw new Error('boom');
    });
    tasks.every('sync', 100, run);
    tasks.start();
    await jest.advanceTimersByTimeAsync(300);
    expect(run).toHaveBeenCalledTimes(3);
    expect(log.warn).toHaveBeenCalledTimes(1);
    await tasks.stop();
  });

  it('stop() waits for the run under way and prevents new runs (also for loops added later)', async () => {
    const tasks = new BackgroundTasks(logger());
    let finished = false;
    const run = jest.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      finished = true;
    });
    tasks.every('flush', 100, run);
    tasks.start();
    await jest.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(1);
    const stopping = tasks.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    await jest.advanceTimersByTimeAsync(500);
    await stopping;
    expect(finished).toBe(true);
    const late = jest.fn().mockResolvedValue(undefined);
    tasks.every('late', 100, late);
    tasks.start();
    await jest.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(1);
    expect(late).not.toHaveBeenCalled();
  });

  it('starts a loop registered after start() at once, and runs at start when asked', async () => {
    const tasks = new BackgroundTasks(logger());
    tasks.start();
    const run = jest.fn().mockResolvedValue(undefined);
    tasks.every('late', 1000, run, { runAtStart: true });
    await settle();
    expect(run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(2);
    await tasks.stop();
  });

  it('rejects a duplicate name and a non-positive interval', () => {
    const tasks = new BackgroundTasks(logger());
    tasks.every('a', 10, async () => undefined);
    expect(() => tasks.every('a', 10, async () => undefined)).toThrow(/already registered/);
    expect(() => tasks.every('b', 0, async () => undefined)).toThrow(/intervalMs/);
    expect(tasks.names()).toEqual(['a']);
  });
});
