/**
 * The three looks of a firing message (docs/messages.md): what the reader must do, shown the same way
 * by every medium: a mark before the header (Slack, Teams), a colour (the email's banner, the Teams
 * header), and words (the email banner, the text output). The alert's `severity` label is not a look:
 * it says how urgent the page is (PagerDuty's severity, the footer's first word). Pure.
 */
import type { Message } from './message.ts';

export type LookKey = 'sure' | 'judge' | 'unknown' | 'info';

export interface LookStyle {
  mark: string;
  words: string;
  /** Adaptive Card TextBlock colour. */
  teams: 'Accent' | 'Warning' | 'Default' | 'Good' | 'Attention';
  /** The email banner's background, white text on it (WCAG AA contrast). */
  html: string;
}

export const LOOKS: Record<LookKey, LookStyle> = {
  /** The cause is known and the first Fix ends the loop: apply it. */
  sure: { mark: '🔧', words: 'sure fix', teams: 'Accent', html: '#0969da' },
  /** A fix to weigh against the proof first: medium or low confidence, or a diagnostic first step. */
  judge: { mark: '🔶', words: 'fix to judge', teams: 'Warning', html: '#9a6700' },
  /** No cause named: the message says what would decide. */
  unknown: { mark: '❓', words: 'cause unknown', teams: 'Default', html: '#59636e' },
  /** Nothing to do: a normal shutdown, a first Fix with nothing to change, or an alert labelled severity info. */
  info: { mark: '🔵', words: 'for information', teams: 'Accent', html: '#0969da' },
};

export function lookStyle(m: Message): LookStyle {
  return LOOKS[m.first.severity === 'info' || m.first.primaryFix?.kind === 'no-change' ? 'info' : m.first.look];
}
