/**
 * The first screen of three #29 bench cases says what decided them: a SIGKILL behind exit 1 (the
 * runtime's record, a wrapper's log line) and a traced command's failure line ahead of its dump.
 */
import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../src/notify/message.ts';
import { benchCaseDocuments } from '../../support/corpus-documents.ts';

const documents = new Map(benchCaseDocuments().map((c) => [c.id, c.document]));
function first(id: string) {
  const doc = documents.get(id);
  if (doc === undefined) throw new Error(`no bench case ${id}`);
  return buildMessage(doc, { externalURL: '' }).first;
}

describe('first screen of hidden deciding facts', () => {
  it('a SIGKILL the runtime recorded behind exit 1: header with exit 1, proof the status line', () => {
    const m = first('sub-sigkill-runtime-signal-exit-1');
    expect(m.header).toContain('killed by SIGKILL (exit 1)');
    expect(m.deciding.map((d) => d.text).join('\n')).toContain('exit 1, signal 9 (SIGKILL) recorded by the runtime');
  });

  it("a wrapper's line for its killed program is the proof", () => {
    expect(first('sub-sigkill-npm-wrapper-exit-1').deciding.map((d) => d.text)).toContain('[1] npm ERR! Exit status 137');
  });

  it("istio-init: the header and the proof carry iptables' own failure, not the command alone", () => {
    const m = first('sub-traced-istio-init-chain-exists');
    expect(m.header).toContain('iptables: Chain already exists');
    expect(m.deciding.map((d) => d.text).join('\n')).toContain('+ iptables -t nat -N ISTIO_REDIRECT → iptables: Chain already exists.');
  });

  it.each(['bad-entrypoint-starterror-not-in-path', 'bad-entrypoint-run-container-error'])(
    "%s: the runtime's message is cut from the middle, its decisive tail kept",
    (id) => {
      const proof = first(id)
        .deciding.map((d) => d.text)
        .join('\n');
      expect(proof).toContain('exec: "payment-svc": executable file not found in $PATH');
    },
  );
});
