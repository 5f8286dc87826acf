import { readFileSync } from 'node:fs';

import { createIsolatedEnv, IsolatedEnv } from '../../../test/support/isolated-env';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generate = require('../scripts/generate.js') as {
  serializeDocument(document: unknown): string;
  typesFor(openapiPath: string): string;
  fetchGatewayDocument(env: Record<string, string>): Promise<unknown>;
  SNAPSHOT: string;
  SCHEMA: string;
};

/** The first line where two texts differ, for a failure message that says where to look. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return `line ${i + 1}:\n  committed: ${a[i] ?? '<end of file>'}\n  generated: ${b[i] ?? '<end of file>'}`;
  }
  return 'no difference';
}

/**
 * The client is generated from the gateway's OpenAPI document (packages/client/openapi.json, its
 * types in src/schema.ts). When a route or a shape of the gateway changes without
 * `npm run generate -w @outdial/client`, these fail and say where.
 */
describe('the generated client matches the gateway', () => {
  let env: IsolatedEnv;
  let live: unknown;

  beforeAll(async () => {
    env = await createIsolatedEnv('clientdrift');
    live = await generate.fetchGatewayDocument({
      DATABASE_URL: env.databaseUrl,
      NATS_URL: env.natsUrl,
      NATS_PREFIX: env.prefix,
    });
  }, 120_000);

  afterAll(async () => {
    await env?.cleanup();
  });

  it('openapi.json is what the running gateway serves at /docs-json', () => {
    const committed = readFileSync(generate.SNAPSHOT, 'utf8');
    const served = generate.serializeDocument(live);
    if (committed !== served) {
      throw new Error(
        `packages/client/openapi.json is out of date (run: npm run generate -w @outdial/client); first difference at ${firstDifference(committed, served)}`,
      );
    }
    expect((live as { paths: Record<string, unknown> }).paths['/api/batch-calls']).toBeDefined();
  });

  it('src/schema.ts is what openapi-typescript makes of openapi.json', () => {
    const committed = readFileSync(generate.SCHEMA, 'utf8');
    const generated = generate.typesFor(generate.SNAPSHOT);
    if (committed !== generated) {
      throw new Error(
        `packages/client/src/schema.ts is out of date (run: npm run generate -w @outdial/client); first difference at ${firstDifference(committed, generated)}`,
      );
    }
    expect(generated).toContain('export interface paths');
  });
});
