import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CallItem,
  CallsPageQuery,
  ContactItem,
  ContactsPageQuery,
  ListPage,
  ReportQuery,
  ReportReply,
  ResultsPage,
  ResultsPageQuery,
  Subjects,
} from '@outdial/contracts';
import { RpcHandler } from '@outdial/service-runtime';

import { GetCallsPageUseCase } from '../usecases/get-calls-page/get-calls-page.usecase';
import { GetContactsPageUseCase } from '../usecases/get-contacts-page/get-contacts-page.usecase';
import { GetReportUseCase } from '../usecases/get-report/get-report.usecase';
import { GetResultsPageUseCase } from '../usecases/get-results-page/get-results-page.usecase';

/**
 * A batch's results over request/reply: contacts and calls lists, the results CSV page by page,
 * and the report (JSON or PDF). Handlers only translate.
 */
@Controller()
export class BatchResultsHandler {
  constructor(
    private readonly contactsPageUseCase: GetContactsPageUseCase,
    private readonly callsPageUseCase: GetCallsPageUseCase,
    private readonly resultsPageUseCase: GetResultsPageUseCase,
    private readonly reportUseCase: GetReportUseCase,
  ) {}

  @RpcHandler(Subjects.reportingContactsPage)
  contactsPage(@Payload() query: ContactsPageQuery): Promise<ListPage<ContactItem>> {
    return this.contactsPageUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingCallsPage)
  callsPage(@Payload() query: CallsPageQuery): Promise<ListPage<CallItem>> {
    return this.callsPageUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingResultsPage)
  resultsPage(@Payload() query: ResultsPageQuery): Promise<ResultsPage> {
    return this.resultsPageUseCase.execute(query);
  }

  @RpcHandler(Subjects.reportingReport)
  report(@Payload() query: ReportQuery): Promise<ReportReply> {
    return this.reportUseCase.execute(query);
  }
}
