/**
 * Terminal styling for the demo's own lines. Colour only on a terminal and never with NO_COLOR
 * (https://no-color.org); the same decision is handed to the console sink through its `isTTY`.
 */
const ANSI = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;

export type Style = keyof typeof ANSI;
export type Paint = (style: Style, text: string) => string;

export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] ?? '') === '';
}

export function painter(color: boolean): Paint {
  return (style, text) => (color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
}
