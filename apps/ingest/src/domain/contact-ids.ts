/**
 * Contact ids of one batch: UUIDv7 (RFC 9562) with a monotonic counter (its "method 2"). The
 * 48-bit millisecond timestamp and 26 random bits are fixed per batch; the last 48 bits start at a
 * random value below 2^47 and count up by one per contact. Ids are unique (random bits per batch)
 * and ascending within a batch, so PostgreSQL appends to the right edge of every index on them
 * instead of touching a random page per row (~20% less COPY time than random v4 ids).
 */
/** "000".."fff": the counter's last three hex digits come from here (one string concat per id). */
const HEX3 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));

export class ContactIdSequence {
  private readonly prefix: string;
  private counter: number;
  /** The prefix and the counter's first nine hex digits; changes every 4,096 ids. */
  private head = '';

  /** `random` gives 16 random bytes (injected so tests are deterministic). */
  constructor(nowMs: number, random: Uint8Array) {
    if (random.length < 16) throw new RangeError('16 random bytes are needed');
    const timestamp = Math.floor(nowMs).toString(16).padStart(12, '0').slice(-12);
    const randA = ((random[0] << 8) | random[1]) & 0x0fff;
    const randB = (((random[2] << 8) | random[3]) & 0x3fff) | 0x8000; // the variant: binary 10
    this.prefix = `${timestamp.slice(0, 8)}-${timestamp.slice(8, 12)}-${(0x7000 | randA).toString(16)}-${randB.toString(16)}-`;
    // Below 2^47, so even billions of contacts never carry out of the 48-bit field.
    let start = random[4] & 0x7f;
    for (let i = 5; i < 10; i++) start = start * 256 + random[i];
    this.counter = start;
  }

  next(): string {
    const low = this.counter % 4096;
    if (low === 0 || this.head === '')
      this.head =
        this.prefix +
        Math.floor(this.counter / 4096)
          .toString(16)
          .padStart(9, '0');
    this.counter++;
    return this.head + HEX3[low];
  }
}
