/** One recovery step of the release loop. */
export interface RecoverLostReleasesCommand {
  /** The release loop's pass number, in logs. */
  pass: number;
  /** At most this many lost releases are ended per step; the rest on later passes. */
  limit: number;
}
