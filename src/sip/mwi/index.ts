/** Message Waiting Indication bodies (RFC 3842 application/simple-message-summary): parse and format. */
export {
  type MessageSummary,
  type MessageCounts,
  MAX_MESSAGE_COUNT,
  KNOWN_MESSAGE_CLASSES,
  MESSAGE_SUMMARY_CONTENT_TYPE,
} from './types.js';
export { parseMessageSummary, MAX_MESSAGE_SUMMARY_BYTES, type MessageSummaryResult } from './parse.js';
export { formatMessageSummary } from './format.js';
