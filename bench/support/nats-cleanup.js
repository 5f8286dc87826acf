'use strict';
// Benches run the platform under their own NATS prefix; its streams (a 1M-contact ingest leaves
// ~270 MB of hand-over messages) must go when the bench ends, or JetStream's disk fills run by run.
const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';

/** Deletes the JetStream streams (and the upload object store) of a NATS prefix. */
async function deleteStreams(prefix) {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    const streamPrefix = `${prefix.toUpperCase().replace(/-/g, '_')}_`;
    const objectStore = `OBJ_${prefix.replace(/-/g, '_')}_uploads`;
    const names = [];
    for await (const name of jsm.streams.names()) names.push(name);
    for (const name of names)
      if (name.startsWith(streamPrefix) || name === objectStore) await jsm.streams.delete(name).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

module.exports = { deleteStreams };
