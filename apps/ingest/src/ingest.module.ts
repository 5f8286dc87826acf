import { Module } from '@nestjs/common';

import { PhoneNormalizers } from './adapters/phones/phone-normalizers';
import { HandOverSpools } from './adapters/spool/hand-over-spools';
import { UploadReader } from './adapters/uploads/upload-reader';
import { BatchUploadHandler } from './handlers/batch-upload.handler';
import { HandOverRecoveryHandler } from './handlers/hand-over-recovery.handler';
import { SuppressionListHandler } from './handlers/suppression-list.handler';
import { IngestMetrics } from './ingest-metrics';
import { BatchesRepository } from './persistence/batches.repository';
import { ContactsRepository } from './persistence/contacts.repository';
import { SuppressionRepository } from './persistence/suppression.repository';
import { ValidationIssuesRepository } from './persistence/validation-issues.repository';
import { AddSuppressionUseCase } from './usecases/add-suppression/add-suppression.usecase';
import { BatchSettingsUseCase } from './usecases/batch-settings/batch-settings.usecase';
import { DeleteIngestedBatchUseCase } from './usecases/delete-ingested-batch/delete-ingested-batch.usecase';
import { HandOverBatchUseCase } from './usecases/hand-over-batch/hand-over-batch.usecase';
import { ImportSuppressionUseCase } from './usecases/import-suppression/import-suppression.usecase';
import { IngestBatchUseCase } from './usecases/ingest-batch/ingest-batch.usecase';
import { ListSuppressionUseCase } from './usecases/list-suppression/list-suppression.usecase';
import { RecordOptOutUseCase } from './usecases/record-opt-out/record-opt-out.usecase';
import { RemoveSuppressionUseCase } from './usecases/remove-suppression/remove-suppression.usecase';
import { ResumeHandOversUseCase } from './usecases/resume-hand-overs/resume-hand-overs.usecase';
import { ValidateBatchUseCase } from './usecases/validate-batch/validate-batch.usecase';
import { ValidationIssuesPageUseCase } from './usecases/validation-issues-page/validation-issues-page.usecase';

@Module({
  controllers: [BatchUploadHandler, SuppressionListHandler],
  providers: [
    // handlers that are not message handlers
    HandOverRecoveryHandler,
    // use cases
    IngestBatchUseCase,
    ValidateBatchUseCase,
    HandOverBatchUseCase,
    ResumeHandOversUseCase,
    ValidationIssuesPageUseCase,
    BatchSettingsUseCase,
    DeleteIngestedBatchUseCase,
    ListSuppressionUseCase,
    AddSuppressionUseCase,
    ImportSuppressionUseCase,
    RemoveSuppressionUseCase,
    RecordOptOutUseCase,
    // persistence
    BatchesRepository,
    ContactsRepository,
    ValidationIssuesRepository,
    SuppressionRepository,
    // adapters
    UploadReader,
    PhoneNormalizers,
    HandOverSpools,
    IngestMetrics,
  ],
})
export class IngestModule {}
