// Per-tier test timeouts (Jest has no per-project testTimeout option).
const timeouts = { integration: 60_000, e2e: 300_000 };
const tier = expect.getState().testPath && /\/test\/e2e\//.test(expect.getState().testPath) ? 'e2e' : 'integration';
jest.setTimeout(timeouts[tier]);
