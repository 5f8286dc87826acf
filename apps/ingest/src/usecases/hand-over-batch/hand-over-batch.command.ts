import { SpooledChunks } from '../../adapters/spool/hand-over-spool';

/** Hand a committed batch over to the scheduler and reporting. */
export interface HandOverBatchCommand {
  batch_id: string;
  /** The batch's contacts' message JSON, written during the ingest; absent after a restart. */
  spooled?: SpooledChunks;
}
