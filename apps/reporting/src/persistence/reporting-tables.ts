import { Database, quoteIdent } from '@outdial/service-runtime';

/** Qualified table names in the service's own schema. */
export interface ReportingTables {
  batches: string;
  contacts: string;
  attempts: string;
  processedEvents: string;
}

export function reportingTables(db: Database): ReportingTables {
  const schema = quoteIdent(db.schema);
  return {
    batches: `${schema}.batches`,
    contacts: `${schema}.contacts`,
    attempts: `${schema}.attempts`,
    processedEvents: `${schema}.processed_events`,
  };
}
