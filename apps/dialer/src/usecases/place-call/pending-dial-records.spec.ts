import { PendingDialRecords } from './pending-dial-records';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('PendingDialRecords', () => {
  it('answers false at once for an attempt whose dial record is not being written here', async () => {
    await expect(new PendingDialRecords().settled('a-1')).resolves.toBe(false);
  });

  it('lets an event wait until the dial record committed, then forgets the attempt', async () => {
    const records = new PendingDialRecords();
    const write = deferred();
    records.track('a-1', write.promise);
    let answered: boolean | undefined;
    const waiting = records.settled('a-1').then((v) => (answered = v));
    await new Promise((r) => setImmediate(r));
    expect(answered).toBeUndefined();
    write.resolve();
    await waiting;
    expect(answered).toBe(true);
    expect(records.size).toBe(0);
    await expect(records.settled('a-1')).resolves.toBe(false);
  });

  it('also ends the wait when the write failed (the event then reads the attempt again)', async () => {
    const records = new PendingDialRecords();
    const write = deferred();
    records.track('a-1', write.promise);
    const waiting = records.settled('a-1');
    write.reject(new Error('connection lost'));
    await expect(waiting).resolves.toBe(true);
    expect(records.size).toBe(0);
  });

  it('gives up after the timeout when the write never settles (the event is naked as before)', async () => {
    const records = new PendingDialRecords();
    records.track('a-1', new Promise<void>(() => undefined));
    await expect(records.settled('a-1', 20)).resolves.toBe(false);
    expect(records.size).toBe(1);
  });

  it('keeps the newer write of an attempt when an older one settles after it was replaced', async () => {
    const records = new PendingDialRecords();
    const older = deferred();
    const newer = deferred();
    records.track('a-1', older.promise);
    records.track('a-1', newer.promise);
    older.resolve();
    await new Promise((r) => setImmediate(r));
    expect(records.size).toBe(1);
    newer.resolve();
    await new Promise((r) => setImmediate(r));
    expect(records.size).toBe(0);
  });
});
