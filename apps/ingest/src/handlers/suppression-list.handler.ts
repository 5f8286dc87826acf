import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CallFinishedEvent,
  Subjects,
  SuppressionAddCommand,
  SuppressionAddResult,
  SuppressionImportCommand,
  SuppressionImportResult,
  SuppressionListPage,
  SuppressionListQuery,
  SuppressionRemoveCommand,
  SuppressionRemoveResult,
} from '@outdial/contracts';
import { JetStreamEvent, RpcHandler } from '@outdial/service-runtime';

import { AddSuppressionUseCase } from '../usecases/add-suppression/add-suppression.usecase';
import { ImportSuppressionUseCase } from '../usecases/import-suppression/import-suppression.usecase';
import { ListSuppressionUseCase } from '../usecases/list-suppression/list-suppression.usecase';
import { RecordOptOutUseCase } from '../usecases/record-opt-out/record-opt-out.usecase';
import { RemoveSuppressionUseCase } from '../usecases/remove-suppression/remove-suppression.usecase';
import { refusalAsServiceError } from './refusals';

/** The org's do-not-call list: list, add, import, remove (from the gateway), and opt-outs (call events). */
@Controller()
export class SuppressionListHandler {
  constructor(
    private readonly listSuppression: ListSuppressionUseCase,
    private readonly addSuppression: AddSuppressionUseCase,
    private readonly importSuppression: ImportSuppressionUseCase,
    private readonly removeSuppression: RemoveSuppressionUseCase,
    private readonly recordOptOut: RecordOptOutUseCase,
  ) {}

  @RpcHandler(Subjects.ingestSuppressionList)
  list(@Payload() query: SuppressionListQuery): Promise<SuppressionListPage> {
    return this.listSuppression.execute(query).catch(refusalAsServiceError);
  }

  @RpcHandler(Subjects.ingestSuppressionAdd)
  add(@Payload() command: SuppressionAddCommand): Promise<SuppressionAddResult> {
    return this.addSuppression.execute(command).catch(refusalAsServiceError);
  }

  @RpcHandler(Subjects.ingestSuppressionImport)
  import(@Payload() command: SuppressionImportCommand): Promise<SuppressionImportResult> {
    return this.importSuppression.execute(command).catch(refusalAsServiceError);
  }

  @RpcHandler(Subjects.ingestSuppressionRemove)
  remove(@Payload() command: SuppressionRemoveCommand): Promise<SuppressionRemoveResult> {
    return this.removeSuppression.execute(command).catch(refusalAsServiceError);
  }

  /** An opt-out outcome puts the number on the org's do-not-call list. */
  @JetStreamEvent(Subjects.callFinished, { durable: 'ingest-opt-outs', concurrency: 4 })
  async callFinished(@Payload() event: CallFinishedEvent): Promise<void> {
    await this.recordOptOut.execute(event);
  }
}
