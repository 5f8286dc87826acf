import 'reflect-metadata';

export * from './statuses';
export * from './error-codes';
export * from './subjects';
export * from './batch-settings';
export * from './common';
export * from './batch-ingest';
export * from './ingest-queries';
export * from './batch-lifecycle';
export * from './dialing';
export * from './org-directory';
export * from './reporting-queries';
export * from './webhooks';
export * from './machine-detection';
export * from './circuit-breaker';
export * from './subject-map';
export * from './payload-registry';
