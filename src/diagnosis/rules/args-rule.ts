/**
 * A flag the program does not define: its argument parser refused the command line, so the fix is the
 * container's `command` or `args` in the pod spec (or the image's CMD when the spec sets neither). The
 * parser's usage text, printed after the refusal, names the flags it does define; a close one is the
 * likely rename (`-redis-addr` → `-redis`).
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine } from '../document.ts';
import { appVerdict, signature } from './app-verdict.ts';
import { similarName } from './log-rules.ts';
import type { Rule } from './rule.ts';

const bare = (flag: string): string => flag.replace(/^-+/, '').replace(/=.*$/, '');

/** Flags the usage text after the refusal defines: `  -addr string`, `  -v, --v Level`, `usage: x [-h] [--concurrency N]`. */
export function definedFlags(lines: readonly string[], from: number): string[] {
  const found = new Set<string>();
  // argparse prints its usage line before the error; Go's flag package and pflag print the options after it.
  for (const [i, line] of lines.slice(Math.max(0, from - 5), from + 80).entries()) {
    const option = /^\s+(?:-\w, )?(-{1,2}[A-Za-z][\w.-]*)/.exec(line);
    if (option?.[1] !== undefined && i > Math.min(from, 5)) found.add(option[1]);
    if (/^\s*usage:/i.test(line)) for (const m of line.matchAll(/\[(-{1,2}[A-Za-z][\w.-]*)/g)) if (m[1] !== undefined) found.add(m[1]);
  }
  return [...found].filter((f) => !['-h', '--help', '-help'].includes(f));
}

/** A defined flag the refused one was likely meant as: one a prefix of the other at a word break, or a near spelling. */
function closest(flag: string, defined: readonly string[]): string | undefined {
  const want = bare(flag);
  const prefix = defined.find((d) => {
    const b = bare(d);
    return b.length >= 3 && (want.startsWith(`${b}-`) || want.startsWith(`${b}.`) || want.startsWith(`${b}_`) || b.startsWith(`${want}-`));
  });
  if (prefix !== undefined) return prefix;
  const near = similarName(want, defined.map(bare));
  return near === undefined ? undefined : defined.find((d) => bare(d) === near);
}

/**
 * Where the flag sits in the spec: `args` first (it is what charts set), then `command`. A one-letter
 * flag (`-c`) the parser cut from a single-dash long flag (`-config.file=…`: Go's flag package takes
 * one dash, kingpin and pflag read it as short flags) is that item, and its double-dash form the fix.
 */
function placeOf(clues: Clues, flag: string): { field: 'command' | 'args'; argv: string[]; index: number; cluster?: string } | undefined {
  const name = bare(flag);
  for (const field of ['args', 'command'] as const) {
    const argv = clues.container?.[field] ?? [];
    const index = argv.findIndex((a) => /^-{1,2}[^=\s]/.test(a) && bare(a) === name);
    if (index >= 0) return { field, argv, index };
    const cluster = /^-\w$/.test(flag) ? argv.findIndex((a) => a.startsWith(flag) && a.length > 2 && !a.startsWith('--')) : -1;
    const item = argv[cluster];
    if (item !== undefined) return { field, argv, index: cluster, cluster: `-${item.replace(/=.*$/, '')}` };
  }
  return undefined;
}

export const unknownFlag: Rule = {
  id: 'app-unknown-flag',
  places: ['log-cause'],
  detect(clues) {
    const sig = signature(clues, 'unknown-flag');
    if (sig?.name === undefined) return [];
    const flag = sig.name;
    const defined = definedFlags(clues.log?.lines ?? [], sig.index);
    const found = placeOf(clues, flag);
    const similar = found?.cluster ?? closest(flag, defined);
    const at = found === undefined ? undefined : { field: found.field, argv: found.argv, index: found.index };
    const spec: EvidenceLine[] = [
      {
        source: 'spec',
        text:
          at === undefined
            ? `${flag} is not in the pod spec's command or args: the image's CMD or ENTRYPOINT (or a script it runs) passes it`
            : `${at.field}: ${JSON.stringify(at.argv)} (item ${at.index + 1} passes ${flag}${found?.cluster === undefined ? '' : `: one dash, so the parser reads ${JSON.stringify(at.argv[at.index])} as short flags; the long flag takes two`})`,
      },
    ];
    if (defined.length > 0)
      spec.push({
        source: 'logs',
        text: `the program's usage defines ${defined.slice(0, 10).join(', ')}${defined.length > 10 ? ` and ${defined.length - 10} more` : ''}${similar === undefined ? '' : ` (${similar} is the closest to ${flag})`}`,
      });
    return [
      appVerdict(
        clues,
        'unknown-flag',
        `Unknown flag ${flag}`,
        `its argument parser does not define ${flag}, which ${at === undefined ? 'its command line' : `the pod spec's ${at.field}`} passes`,
        sig,
        spec,
        { kind: 'unknown-flag', flag, ...(at ?? {}), ...(similar === undefined ? {} : { similar }) },
      ),
    ];
  },
};
