/** The SIP message syntax layer: parse, serialize, URIs, headers, builders and sanity checks. */
export { SipParseError, SipHeaderError, type SipParsePartial, type SipHeaderProblem, type SipResult } from './errors.js';
export type { SipRequest, SipResponse, SipMessage } from './message.js';
export { parseMessage, type ParseResult, type ParseOptions, MAX_HEADER_BYTES } from './parse.js';
export { serializeMessage } from './serialize.js';
export { SipStreamFramer, MAX_BODY_BYTES, type FramerOutput, type FramerLimits } from './framer.js';
export { parseUri, formatUri, uriParam, type SipUri, type SipUriParts, type TelUri, type AbsoluteUri, type UriParam } from './uri.js';
export { SipHeaders, type SipHeaderField } from './headers/collection.js';
export { parseNameAddr, formatNameAddr, type NameAddr } from './headers/address.js';
export { parseVia, type Via } from './headers/via.js';
export { parseCSeq, type CSeq } from './headers/cseq.js';
export { parseContacts, type Contact, type ContactList } from './headers/contact.js';
export { parseContentType, type ContentType } from './headers/content-type.js';
export { parseAuth, type AuthParams } from './headers/auth.js';
export { getParam, type Param } from './text.js';
export { canonicalName, headerKey } from './names.js';
export { createRequest, createResponse, copyResponseHeaders, REASON_PHRASES, newTag, newBranch, newCallId, type RequestInit, type ResponseOptions } from './build.js';
export { checkRequest, checkResponse, REQUEST_CHECKS, type SanityReply, type SanityOptions, type RequestCheck } from './sanity.js';
