import { Injectable } from '@nestjs/common';
import { CallDeclinedEvent } from '@outdial/contracts';

/**
 * The dialer refused a released contact before dialing. Nothing was dialed, so there is no attempt
 * to record and no counter moves: the scheduler puts the contact back and says so with a contact
 * update, which is what the read model follows. (The dialer counts declines by reason in
 * `outdial_dial_declined_total`.) Consumed explicitly so that this decision is visible and tested.
 */
@Injectable()
export class RecordCallDeclinedUseCase {
  execute(_event: CallDeclinedEvent): void {
    /* nothing to record */
  }
}
