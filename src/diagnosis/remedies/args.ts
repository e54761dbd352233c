/**
 * Remedies for a flag the program does not define (rules/args-rule.ts): the container's command line
 * without it (or with the defined flag it was likely meant as), as a JSON patch that first tests the
 * list it replaces, so it never rewrites args someone changed since the diagnosis.
 */
import type { Clues } from '../clues.ts';
import type { Remedy } from '../document.ts';
import { shq } from '../shell.ts';
import type { Fix } from '../verdict.ts';
import { containerPointer, jsonPatch, ns, replaceSteps, rollback, type Workload } from './workload.ts';

/** The argv with the refused flag renamed, or dropped with its separate value (`-x v`; `-x=v` is one item). */
export function withoutFlag(argv: readonly string[], index: number, similar?: string): string[] {
  const item = argv[index] ?? '';
  if (similar !== undefined) return argv.map((a, i) => (i === index ? a.replace(/^-{1,2}[^=]+/, similar) : a));
  const next = argv[index + 1];
  const takesNext = !item.includes('=') && next !== undefined && !next.startsWith('-');
  return argv.filter((_, i) => i !== index && !(takesNext && i === index + 1));
}

export function unknownFlagRemedies(clues: Clues, w: Workload, fix: Extract<Fix, { kind: 'unknown-flag' }>): Remedy[] {
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
  if (back.length > 0) out.push({ kind: 'remedy', title: `If the latest rollout changed the image or its args: roll back, then fix forward`, commands: back });
  return out;
}

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
