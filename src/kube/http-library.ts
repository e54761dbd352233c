/**
 * The `httpApi` handed to the client's configuration: fetch with a per-call deadline, a bounded body,
 * one long-lived connection pool, and our User-Agent.
 *
 * Why not the client's default: it sends with no deadline, buffers any body size, and (client-node
 * 2.0.1 `KubeConfig.applySecurityAuthentication`) builds a new undici Agent, hence a new TLS
 * connection, for every request. Here the kubeconfig's TLS settings become one Agent per reader, and
 * `AbortSignal.timeout` bounds connect, headers and body together. No retries: a read that fails
 * becomes a `problems` entry, and Alertmanager's own retry covers the rest.
 */
import { type HttpLibrary, type RequestContext, ResponseContext, SelfDecodingBody, wrapHttpLibrary } from '@kubernetes/client-node';
import { type Dispatcher, fetch } from 'undici';
import { readBoundedBody } from '../bounded-body.ts';
import { ResponseTooLargeError } from './kube-error.ts';

export interface HttpLibraryOptions {
  /** Deadline for one call, connect to last body byte. */
  timeoutMs: number;
  /** Bodies larger than this fail the call instead of filling memory. */
  maxResponseBytes: number;
  /** Shared pool; when undefined the client's per-request dispatcher is used (proxies, exec certs). */
  dispatcher?: Dispatcher;
  userAgent: string;
}

export function createHttpLibrary(options: HttpLibraryOptions): HttpLibrary {
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const callerSignal = request.getSignal();
      const signal = callerSignal === undefined ? deadline : AbortSignal.any([deadline, callerSignal]);
      const dispatcher = options.dispatcher ?? request.getDispatcher();
      const body = request.getBody();
      const response = await fetch(request.getUrl(), {
        method: request.getHttpMethod().toString(),
        headers: { ...request.getHeaders(), 'User-Agent': options.userAgent },
        signal,
        ...(body === undefined ? {} : { body: body as string }),
        ...(dispatcher === undefined ? {} : { dispatcher }),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const data = await readBoundedBody(response.body, options.maxResponseBytes, () => new ResponseTooLargeError(options.maxResponseBytes));
      return new ResponseContext(response.status, headers, new SelfDecodingBody(Promise.resolve(data)));
    },
  });
}
