import { parentPort } from 'node:worker_threads';

import { encodePhoneResults, PhoneBlockRequest } from '../../domain/phone-block';

// A worker thread that normalizes blocks of raw phone cells (libphonenumber is CPU-bound).
parentPort?.on('message', (request: PhoneBlockRequest) => {
  parentPort?.postMessage({ id: request.id, results: encodePhoneResults(request.raws, request.region) });
});
