import { runService } from '@outdial/service-runtime';
import { IngestEnv } from './ingest-env';
import { IngestModule } from './ingest.module';
import { INGEST_MIGRATIONS } from './migrations';

runService({ name: 'ingest', env: IngestEnv, migrations: INGEST_MIGRATIONS, module: () => IngestModule, poolSize: 8 });
