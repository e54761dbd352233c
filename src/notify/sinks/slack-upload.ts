/**
 * The memory chart into the alert's Slack thread, by Slack's external upload flow
 * (docs.slack.dev/reference/methods/files.getUploadURLExternal, files.completeUploadExternal):
 * ask for an upload URL with the file's name and byte length, POST the bytes to that URL, then
 * complete the upload, sharing it into the channel as a reply to the alert's message (`thread_ts`).
 * Both methods take form-encoded arguments; `files` is a JSON array as a string. The upload URL is
 * pre-signed: the bot token is not sent to it.
 */
import type { DiagnosisDocument } from '../../diagnosis/document.ts';
import { memoryChart } from '../../history/chart-png.ts';
import { SinkBadResponseError, SinkHttpError } from '../errors.ts';
import { postBody } from './http-post.ts';

export interface UploadDeps {
  /** A Slack Web API call with the sink's token and error handling. */
  call(method: string, form: URLSearchParams): Promise<Record<string, unknown>>;
  fetch: typeof fetch;
  signal: AbortSignal;
}

/** Uploads the document's memory chart as a reply in the thread of `parent`; nothing when it has none. */
export async function uploadToThread(doc: DiagnosisDocument, parent: { channel: string; ts: string }, deps: UploadDeps): Promise<void> {
  const chart = await memoryChart(doc);
  if (chart === undefined) return;
  const granted = await deps.call(
    'files.getUploadURLExternal',
    new URLSearchParams({ filename: chart.filename, length: String(chart.png.byteLength), alt_txt: chart.alt.slice(0, 1000) }),
  );
  const uploadUrl = granted['upload_url'];
  const fileId = granted['file_id'];
  if (typeof uploadUrl !== 'string' || typeof fileId !== 'string')
    throw new SinkBadResponseError('files.getUploadURLExternal: answer lacks upload_url or file_id');
  const sent = await postBody(deps.fetch, uploadUrl, chart.png, { headers: { 'content-type': 'image/png' }, signal: deps.signal });
  if (sent.status !== 200) throw new SinkHttpError(`HTTP ${sent.status} from the Slack upload URL`, { statusCode: sent.status });
  await deps.call(
    'files.completeUploadExternal',
    new URLSearchParams({
      files: JSON.stringify([
        { id: fileId, title: `Memory of ${doc.target.namespace}/${doc.target.pod}${doc.cause.detail === undefined ? '' : ` (${doc.cause.detail})`}` },
      ]),
      channel_id: parent.channel,
      thread_ts: parent.ts,
    }),
  );
}
