/** A traced command's failure line: `+ prog …` then `prog: message` within a few lines, and what does not count. */
import { describe, expect, it } from 'vitest';
import { findSignatures } from '../../../src/diagnosis/log-reader.ts';

const failures = (log: string) => findSignatures(log.split('\n')).map((s) => ({ kind: s.kind, text: s.text, command: s.command }));

describe('traced failures', () => {
  it('takes the line a traced program prints under its own name, with the command', () => {
    expect(failures('+ iptables -t nat -N ISTIO_REDIRECT\niptables: Chain already exists.\n+ dump\n+ iptables-save\n*nat')).toEqual([
      { kind: 'error-log', text: 'iptables: Chain already exists.', command: '+ iptables -t nat -N ISTIO_REDIRECT' },
    ]);
  });

  it('reads a versioned name and a path in the trace', () => {
    expect(failures("+ /sbin/iptables -t nat -A X\niptables v1.8.4 (legacy): Couldn't load target `ISTIO_X'")[0]?.text).toMatch(/^iptables v1\.8\.4/);
  });

  it('ignores a name: value line with no trace, another program, or a trace too far back', () => {
    expect(failures('PROXY_PORT: 15001\nmode: REDIRECT')).toEqual([]);
    expect(failures('+ cp /a /b\nmode: REDIRECT')).toEqual([]);
    expect(failures('+ iptables -L\na\nb\nc\niptables: Chain already exists.')).toEqual([]);
  });
});
