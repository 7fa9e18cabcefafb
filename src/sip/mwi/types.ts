/** The application/simple-message-summary body of an MWI NOTIFY, as data (RFC 3842 §5.2). */

/** Message counts of one message-context-class (RFC 3842 §5.2 msg-summary-line). */
export interface MessageCounts {
  new: number;
  old: number;
  urgentNew?: number;
  urgentOld?: number;
}

export interface MessageSummary {
  /** Messages-Waiting: yes|no. */
  waiting: boolean;
  /** Message-Account: the account URI, angle brackets removed. */
  account?: string;
  /** The voice-message line. */
  voice?: MessageCounts;
  /** Every other message-context-class (fax-message, text-message, …), keyed by lowercased class name. */
  other: Record<string, MessageCounts>;
}

/** RFC 3842 §5.2: msg-count MUST NOT exceed 2^32-1. */
export const MAX_MESSAGE_COUNT = 0xffffffff;

/** RFC 3458 §6.2 message-context-class values (others are extensions). */
export const KNOWN_MESSAGE_CLASSES: ReadonlySet<string> = new Set([
  'voice-message',
  'fax-message',
  'pager-message',
  'multimedia-message',
  'text-message',
  'none',
]);

/** The MIME type of the body (RFC 3842 §5.1). */
export const MESSAGE_SUMMARY_CONTENT_TYPE = 'application/simple-message-summary';
