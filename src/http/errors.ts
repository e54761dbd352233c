/**
 * The one error handler: every rejection is a JSON body with a status-specific `error` and, for schema
 * failures, the offending `field`; 5xx texts are hidden from the caller and logged instead.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { closeAfterReply } from './close-after-reply.ts';

export interface ErrorBody {
  error: string;
  message: string;
  /** JSON pointer of the offending field, for 400s from the payload schema. */
  field?: string;
}

export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err.validation !== undefined) {
    const first = err.validation[0];
    const field = first === undefined ? '' : fieldOf(first.instancePath, first.params);
    const body: ErrorBody = {
      error: 'invalid_payload',
      message: `${field || 'body'} ${first?.message ?? 'is invalid'}`,
      field: field || '/',
    };
    return reply.code(400).send(body);
  }
  const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err, request: { method: request.method, url: request.url } }, 'request failed');
    return reply.code(status).send({ error: 'internal_error', message: 'internal error; see the service log' } satisfies ErrorBody);
  }
  // 413 and 415 are decided before the body is read: the rest of it is not worth the connection.
  if (status === 413 || status === 415) closeAfterReply(reply);
  return reply.code(status).send({ error: errorName(status, err.code), message: err.message } satisfies ErrorBody);
}

/** `/alerts/0/labels` plus the missing property for `required` errors: `/alerts/0/fingerprint`. */
function fieldOf(instancePath: string, params: Record<string, unknown>): string {
  const missing = params['missingProperty'];
  const extra = params['additionalProperty'];
  const leaf = typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : undefined;
  return leaf === undefined ? instancePath : `${instancePath}/${leaf}`;
}

function errorName(status: number, code: string | undefined): string {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    default:
      return code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'invalid_json' : 'bad_request';
  }
}
