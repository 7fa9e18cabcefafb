/** SIP traces for support: a bounded in-memory packet ring, a text dump and a pcap writer. */
export { type TraceRecord, type TraceAddress, type TraceDirection, recordEnds } from './record.js';
export {
  TraceBuffer,
  DEFAULT_TRACE_MAX_AGE_MS,
  DEFAULT_TRACE_MAX_BYTES,
  DEFAULT_TRACE_MAX_RECORDS,
  type TraceBufferOptions,
  type TraceRecordInit,
} from './buffer.js';
export { formatTraceText, formatTraceHeader } from './text.js';
export { writePcap, LINKTYPE_RAW, PCAP_MAGIC, PCAP_SNAPLEN } from './pcap.js';
