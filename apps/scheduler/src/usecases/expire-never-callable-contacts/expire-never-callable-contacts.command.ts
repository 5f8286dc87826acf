import { StrandedZones } from '../release-contacts/release-contacts.command';

/** The stranded batches a release pass found (ReleaseContactsResult.stranded). */
export interface ExpireNeverCallableContactsCommand {
  batches: StrandedZones[];
  /** At most this many contacts are ended per batch; the rest on later passes. */
  finalize_chunk: number;
}
