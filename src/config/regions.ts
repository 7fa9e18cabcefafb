/**
 * The countries the box can be set up for (`region` in the provisioning document):
 * ISO 3166-1 alpha-2 codes. A region will select call-progress tones, ring cadence,
 * caller-ID standard and line impedance; the tone plans come in a later issue, so
 * this list holds only each region's code and name.
 */

export interface Region {
  readonly code: string;
  readonly name: string;
}

export const SUPPORTED_REGIONS: readonly Region[] = [
  { code: 'US', name: 'United States' },
  { code: 'CA', name: 'Canada' },
  { code: 'GB', name: 'United Kingdom' },
  { code: 'IE', name: 'Ireland' },
  { code: 'DE', name: 'Germany' },
  { code: 'AT', name: 'Austria' },
  { code: 'CH', name: 'Switzerland' },
  { code: 'FR', name: 'France' },
  { code: 'IT', name: 'Italy' },
  { code: 'ES', name: 'Spain' },
  { code: 'NL', name: 'Netherlands' },
  { code: 'BE', name: 'Belgium' },
  { code: 'SE', name: 'Sweden' },
  { code: 'NO', name: 'Norway' },
  { code: 'DK', name: 'Denmark' },
  { code: 'FI', name: 'Finland' },
  { code: 'PL', name: 'Poland' },
  { code: 'CZ', name: 'Czechia' },
  { code: 'AU', name: 'Australia' },
  { code: 'NZ', name: 'New Zealand' },
  { code: 'JP', name: 'Japan' },
  { code: 'IN', name: 'India' },
  { code: 'BR', name: 'Brazil' },
  { code: 'ZA', name: 'South Africa' },
];

/** The region used while none has been set. */
export const DEFAULT_REGION = 'US';

const CODES = new Set(SUPPORTED_REGIONS.map((r) => r.code));

export function isSupportedRegion(code: unknown): code is string {
  return typeof code === 'string' && CODES.has(code);
}

/** The human message for a region code that is not supported. */
export function regionProblem(code: unknown): string | undefined {
  if (isSupportedRegion(code)) return undefined;
  const shown = typeof code === 'string' ? `'${code}' is not` : 'must be';
  return `${shown} a supported ISO 3166 country code (${SUPPORTED_REGIONS.map((r) => r.code).join(', ')})`;
}
