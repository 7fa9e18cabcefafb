/**
 * Constant tables of ITU-T G.722 (09/2012) clause 6 (computational details of
 * the SB-ADPCM): quantizer decision levels, inverse-quantizer outputs,
 * log-scale-factor multipliers, the 2^x table of the scale factor adaptation,
 * and the QMF coefficients of clause 5. All numbers are the standard's.
 */

/** Lower band, 6-bit quantizer decision levels Q6 (QUANTL), for mil = 0..30. */
export const Q6 = Int16Array.of(
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
  786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919, 3200,
);

/** QUANTL output code IL for a negative (row 0) or positive (row 1) difference in interval mil (1..30). */
export const ILN = Int8Array.of(
  0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
  18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 0,
);
export const ILP = Int8Array.of(
  0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
  46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 0,
);

/** 4-bit code (IL >> 2) → magnitude index RIL4 and sign (−1 negative) for INVQAL and LOGSCL. */
export const RIL4 = Int8Array.of(0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0);
export const RISI4 = Int8Array.of(0, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0);
/** 4-bit inverse quantizer outputs QQ4 (INVQAL). */
export const OQ4 = Int16Array.of(0, 150, 323, 530, 786, 1121, 1612, 2557);

/** 6-bit code IL → magnitude index and sign for the decoder's INVQBL in mode 1 (64 kbit/s). */
export const RIL6 = Int8Array.of(
  1, 1, 1, 1, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
  18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3,
  30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15,
  14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 2, 1,
);
export const RISI6 = Int8Array.of(
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1,
);
/** 6-bit inverse quantizer outputs QQ6 (INVQBL). */
export const OQ6 = Int16Array.of(
  0, 17, 54, 91, 130, 170, 211, 254, 300, 347, 396, 447, 501, 558, 618, 682,
  750, 822, 899, 982, 1072, 1170, 1279, 1399, 1535, 1689, 1873, 2088, 2376, 2738, 3101,
);

/** Lower band log-scale-factor multipliers WL (LOGSCL), by RIL4. */
export const WL = Int16Array.of(-60, -30, 58, 172, 334, 538, 1198, 3042);

/** Higher band: QUANTH decision level Q2, codes, and INVQAH outputs QQ2, signs and multipliers WH. */
export const Q2 = 564;
export const IHN = Int8Array.of(0, 1, 0); // negative difference, by mih (1 or 2)
export const IHP = Int8Array.of(0, 3, 2); // positive difference
export const IH2 = Int8Array.of(2, 1, 2, 1); // code IH → magnitude index
export const SIH = Int8Array.of(-1, -1, 0, 0); // code IH → sign
export const OQ2 = Int16Array.of(0, 202, 926);
export const WH = Int16Array.of(0, -214, 798);

/** ILB: 2^(i/32) · 2048 for i = 0..31, the table of SCALEL and SCALEH. */
export const ILB = Int16Array.of(
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
  2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
);

/**
 * Transmit and receive QMF coefficients h0 … h23 of clause 5, as
 * integers: h_i · 2^13 (h0 = 0.366211E-03 = 3 / 8192, …, h11 = 0.473145 = 3876 / 8192).
 */
export const QMF_COEFFICIENTS = Int16Array.of(
  3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
  3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
);
