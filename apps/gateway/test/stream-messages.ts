import { prefixedStreamName } from '@outdial/contracts';

import { IsolatedEnv } from '../../../test/support/isolated-env';

/** One message stored in a stream: its subject, its raw text and its JSON. */
export interface StoredMessage {
  subject: string;
  raw: string;
  json: Record<string, unknown>;
}

/**
 * Every message of one of the run's streams (e.g. `ORG`), in order, read with a NATS connection of
 * the test's own (the service's broker connection is private to the runtime).
 */
export async function streamMessages(env: IsolatedEnv, stream: string): Promise<StoredMessage[]> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: env.natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const name = prefixedStreamName(env.prefix, stream);
    const info = await jsm.streams.info(name);
    const out: StoredMessage[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const message = await jsm.streams.getMessage(name, { seq }).catch(() => null);
      if (message)
        out.push({ subject: message.subject, raw: message.string(), json: message.json<Record<string, unknown>>() });
    }
    return out;
  } finally {
    await nc.close();
  }
}
