/**
 * A flag the program does not define: its argument parser refused the command line, so the fix is the
 * container's `command` or `args` in the pod spec (or the image's CMD when the spec sets neither). The
 * parser's usage text, printed after the refusal, names the flags it does define; a close one is the
 * likely rename (`-redis-addr` → `-redis`). The remedy is the container's command line without it (or
 * with the defined flag it was likely meant as), as a JSON patch that first tests the list it
 * replaces, so it never rewrites args someone changed since the diagnosis.
 */
import type { Clues } from '../clues.ts';
import type { EvidenceLine, Remedy } from '../document.ts';
import { containerPointer, jsonPatch, ns, replaceSteps, rollback, type Workload } from '../remedies/workload.ts';
import { appVerdict } from '../rules/app-verdict.ts';
import { similarName } from '../rules/log-rules.ts';
import { shq } from '../shell.ts';
import { subCause } from './sub-cause.ts';

/**
 * A flag the program's argument parser does not define, in each common parser's own words; the
 * capture is the flag as the command line has it. Go's flag package (and urfave/cli):
 * `flag provided but not defined: -x`; spf13/pflag (cobra): `unknown flag: --x`,
 * `unknown shorthand flag: 'x' in -x`; kingpin: `error: unknown long flag '--x'`, `unknown short flag '-c'`; argparse:
 * `prog: error: unrecognized arguments: --x=1`; click: `Error: No such option: --x`; commander:
 * `error: unknown option '--x'`; clap: `error: unexpected argument '--x' found` (3.x: `Found argument
 * '--x' which wasn't expected`); absl: `ERROR: Unknown command line flag 'x'`; picocli: `Unknown option: '--x'`.
 */
const UNKNOWN_FLAG: readonly RegExp[] = [
  /flag provided but not defined: (-{1,2}[^\s=]+)/,
  /unknown flag: (-{1,2}[^\s="]+)/i,
  /unknown shorthand flag: '(\S)' in (-\S+)/,
  /(?:error: )?unknown (?:long|short) flag '(-{1,2}[^']+)'/i,
  /(?:^|: )error: unrecognized arguments?: (-{1,2}[^\s=]+)/,
  /No such option:? '?(-{1,2}[^\s'=]+)/,
  /error: unknown option '(-{1,2}[^']+)'/,
  /error: unexpected argument '(-{1,2}[^'=]+)[^']*' found|Found argument '(-{1,2}[^']+)' which wasn't expected/,
  /Unknown command line flag '([^']+)'/,
  /Unknown options?: '(-{1,2}[^']+)'/,
];

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

/** The argv with the refused flag renamed, or dropped with its separate value (`-x v`; `-x=v` is one item). */
export function withoutFlag(argv: readonly string[], index: number, similar?: string): string[] {
  const item = argv[index] ?? '';
  if (similar !== undefined) return argv.map((a, i) => (i === index ? a.replace(/^-{1,2}[^=]+/, similar) : a));
  const next = argv[index + 1];
  const takesNext = !item.includes('=') && next !== undefined && !next.startsWith('-');
  return argv.filter((_, i) => i !== index && !(takesNext && i === index + 1));
}

/** The plan: the flag, where the spec passes it (`argv` and its `index` in `field`), the defined flag it was likely meant as. */
interface UnknownFlagPlan {
  flag: string;
  field?: 'command' | 'args';
  argv?: string[];
  index?: number;
  similar?: string;
}

export const unknownFlag = subCause({
  id: 'unknown-flag',
  signature: {
    ranksAfter: 'missing-module',
    place: 'log-cause',
    decidesAtWarning: true,
    means:
      "the program's argument parser refused a flag of its command line (Go flag, cobra/pflag, kingpin, argparse, click, commander, clap, absl); `name` holds it",
  },
  matcher(line) {
    for (const pattern of UNKNOWN_FLAG) {
      const m = pattern.exec(line);
      if (m === null) continue;
      // pflag's shorthand form names the letter, then the argument it came in: the flag is `-letter`.
      const flag = pattern.source.startsWith('unknown shorthand') ? `-${m[1] ?? ''}` : (m[1] ?? m[2] ?? '');
      if (flag !== '') return { text: line, name: flag.startsWith('-') ? flag : `--${flag}` };
    }
    return undefined;
  },
  rule: 'app-unknown-flag',
  detect(clues, sig, fix) {
    if (sig.name === undefined) return [];
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
        fix({ flag, ...(at ?? {}), ...(similar === undefined ? {} : { similar }) }),
      ),
    ];
  },
  remedies(clues: Clues, w: Workload, fix: UnknownFlagPlan): Remedy[] {
    const out: Remedy[] = [];
    const image = clues.container?.image ?? 'IMAGE';
    const fromImage = fix.field === undefined ? imageArgvRemedy(clues, w, fix.flag) : undefined;
    if (fix.field !== undefined && fix.argv !== undefined && fix.index !== undefined) {
      const next = withoutFlag(fix.argv, fix.index, fix.similar);
      const path = `${containerPointer(w)}/${fix.field}`;
      const what =
        fix.similar === undefined
          ? `Remove ${fix.flag} from the container's ${fix.field}`
          : `Rename ${fix.flag} to ${fix.similar} in the container's ${fix.field}`;
      out.push({
        kind: 'remedy',
        title: `${what} (${fix.field} becomes ${JSON.stringify(next)})`,
        commands: w.patchable
          ? [
              jsonPatch(w, [
                { op: 'test', path, value: fix.argv },
                { op: 'replace', path, value: next },
              ]),
            ]
          : replaceSteps(w, `set ${fix.field} of container ${w.container} to ${JSON.stringify(next)}`),
      });
    } else if (fromImage !== undefined) {
      out.push(fromImage);
    } else {
      out.push({
        kind: 'diagnostic',
        title: `The pod spec does not pass ${fix.flag}: see what the image runs by default`,
        commands: [`docker inspect ${shq(image)} | jq ${shq('.[0].Config.Entrypoint, .[0].Config.Cmd')}`],
      });
    }
    out.push({
      kind: 'diagnostic',
      title: `List the flags ${image} accepts (a new version may have renamed or dropped ${fix.flag})`,
      commands: [`docker run --rm ${shq(image)} --help`],
    });
    const back = rollback(w);
    if (back.length > 0)
      out.push({ kind: 'remedy', title: `If the latest rollout changed the image or its args: roll back, then fix forward`, commands: back });
    return out;
  },
  words: 'its command line passes a flag the program does not define',
});

/**
 * The flag comes from the image's own command line (its Entrypoint and Cmd) when the pod spec sets
 * neither command nor args (istio-ecosystem/authservice#4: the Dockerfile's CMD passes --log-level).
 * The container's command then becomes that command line without the flag (and its separate value):
 * read from the image with docker inspect, set with a JSON patch (command replaces the Entrypoint, and
 * the Cmd is ignored once command is set without args).
 */
function imageArgvRemedy(clues: Clues, w: Workload, flag: string): Remedy | undefined {
  const c = clues.container;
  const name = flag.replace(/^-+/, '');
  if (c === undefined || c.command.length > 0 || c.args.length > 0 || !w.patchable || !/^[\w-]+$/.test(name)) return undefined;
  const f = `^--?${name}`;
  const drop = `(.[0].Config.Entrypoint//[])+(.[0].Config.Cmd//[])|. as $a|[range(length)|select(($a[.]|test("${f}(=|$)")) or (.>0 and ($a[.-1]|test("${f}$")) and ($a[.]|startswith("-")|not))|not)|$a[.]]`;
  const path = `${containerPointer(w)}/command`;
  return {
    kind: 'remedy',
    title: `Drop ${flag} from the image's command line (Entrypoint and Cmd): set the rest as the container's command`,
    commands: [
      `ARGV=$(docker pull -q ${shq(c.image)} >/dev/null && docker inspect ${shq(c.image)} | jq -c ${shq(drop)})`,
      `kubectl patch ${w.kind.toLowerCase()} ${w.name} ${ns(w)} --type json -p "[{\\"op\\":\\"add\\",\\"path\\":\\"${path}\\",\\"value\\":$ARGV}]"`,
    ],
  };
}
