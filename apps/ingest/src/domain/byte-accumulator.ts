/**
 * Collects text as UTF-8 bytes in a buffer outside the garbage-collected heap. Ingest turns every
 * row into a COPY line and a hand-over JSON; appending them to a string kept them (and the string
 * tree) alive until the next write, long enough to be promoted to V8's old generation, which then
 * needed full collections and memory. Encoded here at once, the row's strings die young.
 */
export class ByteAccumulator {
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.used;
  }

  /** True when `text` surely fits (UTF-8 takes at most 3 bytes per UTF-16 unit). */
  fits(text: string, extraBytes = 0): boolean {
    return this.used + text.length * 3 + extraBytes <= this.buffer.length;
  }

  /**
   * Appends `text`, returning its length in bytes. Call `fits` first (and `take` when it does not):
   * a text larger than the whole capacity gets a buffer of its own size.
   */
  append(text: string): number {
    if (!this.fits(text)) this.grow(text.length * 3);
    const bytes = this.buffer.write(text, this.used, 'utf8');
    this.used += bytes;
    return bytes;
  }

  /** Appends one ASCII character. */
  appendAscii(code: number): void {
    if (this.used >= this.buffer.length) this.grow(1);
    this.buffer[this.used++] = code;
  }

  /** Reserves one byte to be set later with `setAscii` (its position is returned). */
  reserve(): number {
    this.appendAscii(0x20);
    return this.used - 1;
  }

  setAscii(position: number, code: number): void {
    this.buffer[position] = code;
  }

  /** The bytes collected so far; the accumulator starts again on a fresh buffer. */
  take(): Buffer {
    const bytes = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.capacity);
    this.used = 0;
    return bytes;
  }

  private grow(extra: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + extra));
    this.buffer.copy(bigger, 0, 0, this.used);
    this.buffer = bigger;
  }
}
