/** What a reader runs to see the spelling of a ConfigMap's or Secret's keys: their names, never their values. */
import { shq } from '../shell.ts';

const KEY_NAMES = '{{range $k, $v := .data}}{{$k}}{{"\\n"}}{{end}}';

/** `kubectl get secret db-creds -n shop -o go-template='…'`: one key name a line. */
export function listKeysCommand(object: 'configmap' | 'secret', name: string, namespace: string): string {
  return `kubectl get ${object} ${shq(name)} -n ${shq(namespace)} -o go-template=${shq(KEY_NAMES)}`;
}
