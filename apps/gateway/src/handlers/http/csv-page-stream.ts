import type { Response } from 'express';

export interface CsvPage {
  csv: string;
  next_after_row: number | null;
}

/**
 * Streams a CSV that a service hands out page by page (keyset `after_row`), in constant memory.
 * The first page is fetched before any byte is sent, so a missing batch is still a clean 404; then
 * the next page is already being fetched while the current one is written (one page of read-ahead).
 * A failure after the headers went out aborts the response, so a client never takes a truncated
 * file for a complete one.
 */
export async function streamCsvPages(
  response: Response,
  filename: string,
  fetchPage: (afterRow: number) => Promise<CsvPage>,
): Promise<void> {
  let page = await fetchPage(0);
  response.status(200);
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  try {
    for (;;) {
      const next = page.next_after_row === null ? null : fetchPage(page.next_after_row);
      next?.catch(() => undefined); // observed below; avoids an unhandled rejection if the client left
      if (!response.write(page.csv)) await waitForDrain(response);
      if (next === null) break;
      page = await next;
    }
    response.end();
  } catch (error) {
    response.destroy(error as Error);
  }
}

function waitForDrain(response: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      response.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      response.off('drain', onDrain);
      reject(new Error('client closed the connection'));
    };
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}
