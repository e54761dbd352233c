/**
 * One documented reply of a peer the service talks to (Slack, a webhook receiver, an SMTP server), as
 * a stand-in sends it, with the public record it is written from. The stand-ins keep their replies in
 * tables of these, and the contract tests run every sink against every row.
 */
export interface PeerReply {
  status: number;
  /** Every header the peer sends that a client could read; names in lower case. */
  headers: Record<string, string>;
  body: string;
  /**
   * What the peer means, in its own documentation: the message was accepted; refused for good
   * (sending it again cannot help); or not taken now (try again, after Retry-After when given).
   */
  meaning: 'accepted' | 'refused' | 'try-again';
  /** The public page, issue or source file the row is written from. */
  source: string;
}
