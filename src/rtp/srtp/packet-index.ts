/**
 * SRTP packet index estimation (RFC 3711 §3.3.1 and Appendix A).
 *
 * The 48-bit index is i = 2^16 * ROC + SEQ. A receiver (and, for packets it sends
 * out of order, a sender) keeps only the highest index seen so far, which is the
 * pair (ROC, s_l); the index of a new packet is guessed from its 16-bit SEQ as the
 * candidate closest to s_l among ROC-1, ROC and ROC+1.
 */

const SEQ_MODULUS = 0x10000;
const HALF = 0x8000;

/**
 * Estimates the index of a packet with sequence number `seq`, given the highest
 * index seen so far. The result is negative when the packet would belong before
 * index 0 (ROC - 1 with ROC = 0); such a packet cannot be processed.
 */
export function estimateRtpIndex(highestIndex: number, seq: number): number {
  const roc = Math.floor(highestIndex / SEQ_MODULUS);
  const sl = highestIndex % SEQ_MODULUS;
  let v = roc;
  if (sl < HALF) {
    if (seq - sl > HALF) v = roc - 1;
  } else if (sl - HALF > seq) {
    v = roc + 1;
  }
  return v * SEQ_MODULUS + seq;
}

/** The rollover counter part of an index. */
export function rolloverCounter(index: number): number {
  return Math.floor(index / SEQ_MODULUS);
}
