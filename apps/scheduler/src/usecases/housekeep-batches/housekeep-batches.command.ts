/** One housekeeping step of the release loop. */
export interface HousekeepBatchesCommand {
  /** The release loop's pass number, in debug logs. */
  pass: number;
  /** At most this many waiting contacts are ended per batch (cancel, end_time expiry); the rest on later passes. */
  finalize_chunk: number;
}
