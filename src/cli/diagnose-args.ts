/**
 * `crashtriage diagnose` arguments, kubectl-style: parsed into a typed request or a usage error.
 */
import { parseArgs } from 'node:util';

export type OutputFormat = 'text' | 'json' | 'markdown';

export type DiagnoseScope =
  | { kind: 'pod'; namespace?: string; pod: string; container?: string }
  | { kind: 'selector'; namespace?: string; selector: string }
  | { kind: 'all-namespaces'; selector?: string };

export interface DiagnoseRequest {
  scope: DiagnoseScope;
  output: OutputFormat;
  kubeconfig?: string;
  context?: string;
  /** Colour on a terminal unless NO_COLOR or --no-color says otherwise. */
  color: boolean;
  timeoutMs: number;
}

export type ParsedDiagnose = { ok: true; request: DiagnoseRequest } | { ok: false; message: string } | { ok: 'help' };

export const DIAGNOSE_USAGE = `Usage:
  crashtriage diagnose [-n NAMESPACE] POD [-c CONTAINER]   diagnose one pod
  crashtriage diagnose [-n NAMESPACE] -l SELECTOR           every crash-looping pod matching a label selector
  crashtriage diagnose -A [-l SELECTOR]                     every crash-looping pod in all namespaces

Options:
  -n, --namespace NS     namespace (default: the context's namespace, else "default")
  -c, --container NAME   container (default: the one that is crash-looping)
  -l, --selector SEL     label selector, e.g. app=payment-svc
  -A, --all-namespaces   look in every namespace
  -o, --output FORMAT    text (default), json (the diagnosis document), markdown
      --kubeconfig FILE  kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)
      --context NAME     kubeconfig context (default: the current context)
      --request-timeout MS  timeout of each API call (default 10000)
      --no-color         no colour even on a terminal

Exit status: 0 diagnosed, 1 nothing crash-looping found, 2 usage or access error.
`;

export function parseDiagnoseArgs(argv: string[], env: NodeJS.ProcessEnv, isTty: boolean): ParsedDiagnose {
  let parsed: ReturnType<typeof parseDiagnoseOptions>;
  try {
    parsed = parseDiagnoseOptions(argv);
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { ok: 'help' };

  const output = values.output ?? 'text';
  if (output !== 'text' && output !== 'json' && output !== 'markdown')
    return { ok: false, message: `--output must be text, json or markdown, not "${output}"` };
  const timeoutMs = values['request-timeout'] === undefined ? 10_000 : Number(values['request-timeout']);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) return { ok: false, message: '--request-timeout must be a whole number of milliseconds, at least 100' };
  if (positionals.length > 1) return { ok: false, message: `one pod at a time (got ${positionals.join(', ')}); use -l SELECTOR for several` };

  const [pod] = positionals;
  const namespace = values.namespace;
  let scope: DiagnoseScope;
  if (values['all-namespaces'] === true) {
    if (pod !== undefined) return { ok: false, message: 'a pod name cannot be used with --all-namespaces' };
    if (namespace !== undefined) return { ok: false, message: '--namespace and --all-namespaces exclude each other' };
    scope = { kind: 'all-namespaces', ...(values.selector !== undefined ? { selector: values.selector } : {}) };
  } else if (values.selector !== undefined) {
    if (pod !== undefined) return { ok: false, message: 'give a pod name or a selector, not both' };
    scope = { kind: 'selector', selector: values.selector, ...(namespace !== undefined ? { namespace } : {}) };
  } else if (pod !== undefined) {
    scope = { kind: 'pod', pod, ...(namespace !== undefined ? { namespace } : {}), ...(values.container !== undefined ? { container: values.container } : {}) };
  } else {
    return { ok: false, message: 'name a pod, or use -l SELECTOR or --all-namespaces' };
  }
  if (values.container !== undefined && scope.kind !== 'pod') return { ok: false, message: '--container goes with a pod name' };

  const color = isTty && values['no-color'] !== true && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
  const request: DiagnoseRequest = { scope, output, color, timeoutMs };
  const kubeconfig = values.kubeconfig;
  if (kubeconfig !== undefined) request.kubeconfig = kubeconfig;
  if (values.context !== undefined) request.context = values.context;
  return { ok: true, request };
}

/** The options every command that reads a cluster takes, as kubectl spells them. */
export const CLUSTER_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'request-timeout': { type: 'string' },
  'no-color': { type: 'boolean' },
} as const;

function parseDiagnoseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      namespace: { type: 'string', short: 'n' },
      container: { type: 'string', short: 'c' },
      selector: { type: 'string', short: 'l' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      output: { type: 'string', short: 'o' },
      ...CLUSTER_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
}
