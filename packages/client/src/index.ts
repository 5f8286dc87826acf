/**
 * Types of the Outdial public API, generated from the gateway's OpenAPI document
 * (`packages/client/openapi.json`, a snapshot of `GET /docs-json`; `npm run generate -w @outdial/client`
 * regenerates `schema.ts`). `paths` maps each route and method to its parameters, bodies and replies.
 */
export type { paths, components, operations } from './schema';
