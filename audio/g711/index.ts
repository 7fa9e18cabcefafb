/** G.711 (ITU-T G.711 (11/1988)) µ-law and A-law, and G.711 Appendix I packet-loss concealment. */
export { linearToMuLaw, muLawToLinear, muLawEncode, muLawDecode, MU_LAW_SILENCE } from './mulaw.js';
export { linearToALaw, aLawToLinear, aLawEncode, aLawDecode, A_LAW_SILENCE } from './alaw.js';
export { PCMU, PCMA, type G711Codec } from './codec.js';
export { G711Plc, type G711PlcOptions } from './plc.js';
