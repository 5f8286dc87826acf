#!/usr/bin/env node
'use strict';
// Regenerates the client from the gateway (`npm run generate -w @outdial/client`):
//   1. starts the platform with the repository's launcher (scripts/platform-launcher.js) against a
//      database and NATS prefix of its own, so it never touches `npm start`'s or a test's data;
//   2. fetches GET /docs-json and writes packages/client/openapi.json (2-space JSON + newline);
//   3. runs openapi-typescript on it into packages/client/src/schema.ts;
//   4. stops the services, drops the database and deletes the prefix's streams.
// The drift test (test/openapi-drift.int-spec.ts) uses the same functions and fails when the
// committed files differ from what this script would write.
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const CLIENT_DIR = path.resolve(__dirname, '..');
const ROOT = path.resolve(CLIENT_DIR, '..', '..');
const SNAPSHOT = path.join(CLIENT_DIR, 'openapi.json');
const SCHEMA = path.join(CLIENT_DIR, 'src', 'schema.ts');
const OPENAPI_TYPESCRIPT = path.join(
  path.dirname(require.resolve('openapi-typescript/package.json', { paths: [CLIENT_DIR, ROOT] })),
  'bin',
  'cli.js',
);

/** The document as the snapshot stores it: 2-space JSON with a trailing newline. */
function serializeDocument(document) {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Runs openapi-typescript on `openapiPath` and returns the TypeScript it writes. */
function typesFor(openapiPath) {
  const dir = mkdtempSync(path.join(tmpdir(), 'outdial-client-'));
  try {
    const out = path.join(dir, 'schema.ts');
    execFileSync(process.execPath, [OPENAPI_TYPESCRIPT, openapiPath, '-o', out], {
      cwd: CLIENT_DIR,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts the platform on `env` (DATABASE_URL, NATS_URL, NATS_PREFIX), fetches /docs-json from the
 * gateway and stops it again. Resolves to the parsed document.
 */
async function fetchGatewayDocument(env) {
  const { launchPlatform } = require(path.join(ROOT, 'scripts', 'platform-launcher'));
  const logs = [];
  const platform = await launchPlatform({
    env: { LOG_LEVEL: 'warn', ...env },
    stdio: 'pipe',
    onLog: (service, line) => logs.push(`${service}: ${line}`),
  });
  try {
    const response = await fetch(`${platform.gatewayUrl}/docs-json`);
    if (response.status !== 200)
      throw new Error(`GET /docs-json answered ${response.status}\n${logs.slice(-20).join('\n')}`);
    return await response.json();
  } finally {
    await platform.stop();
  }
}

/** A database and NATS prefix of the script's own; `cleanup()` drops both. */
async function isolatedEnv(baseDatabaseUrl, natsUrl) {
  const { Client } = require(require.resolve('pg', { paths: [ROOT] }));
  const id = `gen${randomBytes(4).toString('hex')}`;
  const dbName = `outdial_client_${id}`;
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/${dbName}`;
  return {
    env: { DATABASE_URL: url.toString(), NATS_URL: natsUrl, NATS_PREFIX: id },
    async cleanup() {
      const admin = new Client({ connectionString: baseDatabaseUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
      const { connect } = require(require.resolve('@nats-io/transport-node', { paths: [ROOT] }));
      const { jetstreamManager } = require(require.resolve('@nats-io/jetstream', { paths: [ROOT] }));
      const nc = await connect({ servers: natsUrl });
      try {
        const jsm = await jetstreamManager(nc);
        const names = [];
        for await (const name of jsm.streams.names()) names.push(name);
        for (const name of names) {
          if (name.startsWith(`${id.toUpperCase()}_`) || name === `OBJ_${id}_uploads`)
            await jsm.streams.delete(name).catch(() => undefined);
        }
      } finally {
        await nc.close();
      }
    },
  };
}

async function main() {
  const base =
    process.env.DATABASE_URL_ADMIN ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const isolated = await isolatedEnv(base, natsUrl);
  try {
    const document = await fetchGatewayDocument(isolated.env);
    writeFileSync(SNAPSHOT, serializeDocument(document));
    writeFileSync(SCHEMA, typesFor(SNAPSHOT));
    const routes = Object.values(document.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    process.stdout.write(
      `wrote ${path.relative(ROOT, SNAPSHOT)} (${routes} operations) and ${path.relative(ROOT, SCHEMA)}\n`,
    );
  } finally {
    await isolated.cleanup();
  }
}

module.exports = { serializeDocument, typesFor, fetchGatewayDocument, SNAPSHOT, SCHEMA };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`generate failed: ${error.stack || error}\n`);
    process.exit(1);
  });
}
