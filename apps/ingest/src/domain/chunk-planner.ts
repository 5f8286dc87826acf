/**
 * Plans the hand-over messages while rows are ingested: at most `maxContacts` contacts and about
 * `maxBytes` of JSON per message (NATS refuses payloads over 1 MB). A chunk is the row range
 * (after previous end, end]. Pure.
 */
export class ChunkPlanner {
  readonly chunkEnds: number[] = [];
  private contacts = 0;
  private bytes = 0;
  private lastRow = 0;

  constructor(
    private readonly maxContacts: number,
    private readonly maxBytes: number,
  ) {}

  /** Adds a contact; true when it starts a new chunk (the previous one, if any, is closed). */
  add(row: number, serializedBytes: number): boolean {
    const closes =
      this.contacts > 0 && (this.contacts >= this.maxContacts || this.bytes + serializedBytes > this.maxBytes);
    if (closes) {
      this.chunkEnds.push(this.lastRow);
      this.contacts = 0;
      this.bytes = 0;
    }
    const starts = this.contacts === 0;
    this.contacts++;
    this.bytes += serializedBytes;
    this.lastRow = row;
    return starts;
  }

  finish(): number[] {
    if (this.contacts > 0) {
      this.chunkEnds.push(this.lastRow);
      this.contacts = 0;
      this.bytes = 0;
    }
    return this.chunkEnds;
  }
}
