// A small Dockerfile reader for the image checks in test/unit/manifests.test.ts (no Docker engine
// and no hadolint in Debian here): joins continuation lines and splits instructions.

/** One instruction: the upper-cased keyword and the rest of the line. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** Parses Dockerfile text into instructions, dropping comments and joining `\` continuations. */
export function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending !== '') logical.push(pending.trim());
  return logical.map((line) => {
    const space = line.search(/\s/);
    const keyword = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    return { keyword, args: space === -1 ? '' : line.slice(space + 1).trim() };
  });
}

/** The image reference of a FROM instruction (without `--platform=…` and `AS name`). */
export function fromImage(args: string): string {
  const words = args.split(/\s+/).filter((w) => !w.startsWith('--'));
  return words[0] ?? '';
}
