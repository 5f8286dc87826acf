/** Which batches count as stalled. */
export interface CountStalledBatchesCommand {
  /** A running batch with waiting contacts and no call started for this long (seconds) is stalled. */
  idleSeconds: number;
}
