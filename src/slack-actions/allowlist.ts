/**
 * Who may act from Slack (`SLACK_ACTIONS_ALLOWED`): Slack user ids (`U…`, `W…` on Enterprise Grid),
 * user-group ids (`S…`) and channel ids (`C…`, `G…` for older private channels, `D…` a direct
 * message). A click is allowed when its user is listed, is a member of a listed group, or was made in
 * a listed channel (everyone who can read that channel may act). Ids, not names: names change and can
 * be reused, ids cannot (docs.slack.dev/changelog/2017-09-the-one-about-usernames).
 */

export interface Allowlist {
  users: ReadonlySet<string>;
  groups: ReadonlySet<string>;
  channels: ReadonlySet<string>;
}

export type AllowlistParse = { ok: true; allowlist: Allowlist } | { ok: false; errors: string[] };

const ID = /^[A-Z0-9]{2,}$/;

export function parseAllowlist(raw: readonly string[]): AllowlistParse {
  const users = new Set<string>();
  const groups = new Set<string>();
  const channels = new Set<string>();
  const errors: string[] = [];
  for (const entry of raw.map((s) => s.trim()).filter((s) => s !== '')) {
    if (!ID.test(entry)) {
      errors.push(`"${entry}" is not a Slack id (ids look like U024BE7LH; a name or @handle cannot be used)`);
      continue;
    }
    switch (entry[0]) {
      case 'U':
      case 'W':
        users.add(entry);
        break;
      case 'S':
        groups.add(entry);
        break;
      case 'C':
      case 'G':
      case 'D':
        channels.add(entry);
        break;
      default:
        errors.push(`"${entry}" is not a user (U…, W…), user group (S…) or channel (C…, G…, D…) id`);
    }
  }
  if (errors.length === 0 && users.size + groups.size + channels.size === 0) errors.push('lists nobody: name at least one user, user group or channel id');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, allowlist: { users, groups, channels } };
}

/** Whether the allowlist lets this click through, without asking Slack (users and channels). */
export function allowedOutright(allowlist: Allowlist, click: { userId: string; channelId?: string }): boolean {
  return allowlist.users.has(click.userId) || (click.channelId !== undefined && allowlist.channels.has(click.channelId));
}

/** The groups to ask Slack about when the click is not allowed outright. */
export function groupsToAsk(allowlist: Allowlist, click: { userId: string; channelId?: string }): string[] {
  return allowedOutright(allowlist, click) ? [] : [...allowlist.groups];
}
