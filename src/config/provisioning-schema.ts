/**
 * The provisioning document (DESIGN §5, **contract**): one JSON format for backup,
 * restore and provisioning. This TypeBox definition is the single source of the
 * TypeScript types and of the JSON Schema committed as provisioning.schema.json
 * (a test keeps the two equal). To regenerate that file after changing this one:
 *
 *   DIALTONE_WRITE_SCHEMA=1 node --import tsx --test src/config/provisioning-schema.test.ts
 *
 * Optional fields left out stay out: the store keeps them unset and the parts that
 * use them apply the defaults named in their descriptions.
 */
import { Type, type Static, type TArray, type TString, type TUnsafe } from '@sinclair/typebox';
import { PATTERNS, type NamedPattern } from './validate.js';
import { SUPPORTED_REGIONS } from './regions.js';

export const PROVISIONING_SCHEMA_ID = 'urn:dialtone:provisioning:1';

function patterned(p: NamedPattern, options: { description: string; minLength?: number; maxLength?: number; title?: string }): TString {
  return Type.String({ ...options, pattern: p.pattern });
}

function text(description: string, maxLength: number): TString {
  return patterned(PATTERNS.text, { description, maxLength });
}

/** A choice among string constants (JSON Schema `anyOf` of `const`s; validated as a union). */
function oneOf<const T extends readonly string[]>(values: T, description: string, extra: Record<string, unknown> = {}): TUnsafe<T[number]> {
  // Unsafe keeps the union's Kind, so TypeBox still validates it; only the static type is narrowed.
  return Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v)), { description, ...extra }));
}

const hostPort = (description: string): TString => patterned(PATTERNS.hostPort, { description, maxLength: 261 });

export const TRANSPORTS = ['udp', 'tcp', 'tls'] as const;
export const LINE_KINDS = ['fxs', 'fxo'] as const;
export const CALLER_ID_STANDARDS = ['bell202', 'v23', 'dtmf', 'none'] as const;
export const CODECS = ['PCMU', 'PCMA', 'G722'] as const;
export const DTMF_MODES = ['rfc4733', 'inband', 'info'] as const;
export const SRTP_MODES = ['off', 'accept', 'require'] as const;

export const AccountSchema = Type.Object(
  {
    id: patterned(PATTERNS.accountId, { description: 'Short name of the account, referenced by lines and dial-plan routes.' }),
    server: hostPort('Registrar and proxy: host, host:port or [ipv6]:port. A domain without a port is resolved by RFC 3263 (NAPTR/SRV).'),
    transport: Type.Optional(oneOf(TRANSPORTS, 'SIP transport to the server.', { default: 'udp' })),
    username: patterned(PATTERNS.sipUser, { description: 'SIP user (the user part of the address of record).', maxLength: 64 }),
    password: Type.Optional(
      text('SIP digest password. Left out of exports without secrets; an imported account without it keeps the password already stored for its id.', 128),
    ),
    displayName: Type.Optional(text('Display name sent in From.', 64)),
    register: Type.Optional(Type.Boolean({ description: 'Register with the server; false sends calls to the server without registering.', default: true })),
    authUsername: Type.Optional(patterned(PATTERNS.sipUser, { description: 'Digest authentication user when it differs from username.', maxLength: 64 })),
    outboundProxy: Type.Optional(hostPort('Send every request through this proxy: host, host:port or [ipv6]:port.')),
    registerExpires: Type.Optional(Type.Integer({ description: 'Requested registration lifetime in seconds.', minimum: 60, maximum: 86400, default: 3600 })),
    enabled: Type.Optional(Type.Boolean({ description: 'false keeps the account configured but unused.', default: true })),
    codecs: Type.Optional(
      Type.Array(oneOf(CODECS, 'A codec.'), {
        description: 'Codecs to offer, most preferred first.', minItems: 1, maxItems: CODECS.length, uniqueItems: true, default: ['PCMU', 'PCMA'],
      }),
    ),
    dtmfMode: Type.Optional(oneOf(DTMF_MODES, 'How DTMF digits are sent: RFC 4733 telephone-events, in the audio, or as SIP INFO requests.', { default: 'rfc4733' })),
    srtp: Type.Optional(oneOf(SRTP_MODES,
      'Encrypted media (SRTP keyed by SDES, RFC 4568): off; accept (offer plain RTP, take SRTP when offered); require (offer SRTP, refuse plain). Default: require when the transport is tls, else off.')),
    acceptCallsFromAnyAddress: Type.Optional(Type.Boolean({
      description: 'Ring the phones for calls to this account from any address. By default only the account\'s server and outbound proxy may call (stops scanner "ghost calls").',
      default: false,
    })),
  },
  { title: 'Account', description: 'A SIP account at a provider or PBX.', additionalProperties: false },
);

export const LineFeaturesSchema = Type.Object(
  {
    callWaiting: Type.Optional(Type.Boolean({ description: 'A second call during a call is announced by a tone.', default: true })),
    threeWay: Type.Optional(Type.Boolean({ description: 'Flash to put a call on hold and call a third party, flash again to conference.', default: true })),
    dnd: Type.Optional(Type.Boolean({ description: 'Do not disturb: incoming calls do not ring this phone.', default: false })),
    forwardAll: Type.Optional(patterned(PATTERNS.dialString, { description: 'Forward every incoming call to this number.' })),
    forwardBusy: Type.Optional(patterned(PATTERNS.dialString, { description: 'Forward incoming calls to this number when the phone is busy.' })),
    forwardNoAnswer: Type.Optional(patterned(PATTERNS.dialString, { description: 'Forward incoming calls to this number when the phone does not answer.' })),
    noAnswerSeconds: Type.Optional(Type.Integer({ description: 'How long the phone rings before a call is forwarded on no answer.', minimum: 5, maximum: 120, default: 20 })),
    hotline: Type.Optional(patterned(PATTERNS.dialString, { description: 'Call this number when the phone goes off hook (at once, or after warmlineSeconds without a digit).' })),
    warmlineSeconds: Type.Optional(Type.Integer({
      description: 'Warmline: dial tone for this long first; the hotline number is called only if no digit is dialled. 0 or unset: at once.', minimum: 0, maximum: 30,
    })),
    speedDial: Type.Optional(Type.Record(Type.String({ pattern: '^[0-9]{1,2}$' }), patterned(PATTERNS.dialString, { description: 'The number this speed dial calls.' }), {
      description: 'Speed dials: dialling the key (1-2 digits) and # calls its number, e.g. {"2": "5551234567"}.', maxProperties: 100,
    })),
  },
  { title: 'Line features', description: 'Calling features of an FXS line.', additionalProperties: false },
);

export const LineSchema = Type.Object(
  {
    port: Type.Integer({ description: 'Port number on the board.', minimum: 1, maximum: 16 }),
    kind: oneOf(LINE_KINDS, 'fxs: an analog phone is plugged in; fxo: a landline is plugged in.'),
    account: Type.Optional(patterned(PATTERNS.accountId, { description: 'Id of the account this line uses for SIP calls.' })),
    extension: Type.Optional(patterned(PATTERNS.extension, { description: 'FXS only: dialling these digits on another line rings this one.' })),
    prefix: Type.Optional(patterned(PATTERNS.prefix, { description: 'FXO only: dialling these digits, then a number, calls out on the landline.' })),
    name: Type.Optional(text('A name for the line.', 64)),
    callerIdStandard: Type.Optional(
      oneOf(CALLER_ID_STANDARDS, 'Caller-ID signalling sent to the phone (FXS) or expected from the landline (FXO). Default: the region\'s.'),
    ),
    digitMap: Type.Optional(
      patterned(PATTERNS.digitMap, { description: 'When a dialled number is complete, e.g. [2-9]xxxxxxxxx|1xxxxxxxxxx|011xx.T|*xx|911. Default: the region\'s.', maxLength: 1024 }),
    ),
    features: Type.Optional(LineFeaturesSchema),
    sipTarget: Type.Optional(patterned(PATTERNS.dialString, {
      description: 'FXO only: send landline calls to this number over the line\'s account (the landline caller\'s number and name in From) instead of ringing phones.',
    })),
    ringsOnFxs: Type.Optional(
      Type.Array(Type.Integer({ description: 'An FXS port.', minimum: 1, maximum: 16 }), {
        description: 'FXO only: the FXS ports that ring for a landline call. Default: every FXS port.', maxItems: 16, uniqueItems: true,
      }),
    ),
  },
  { title: 'Line', description: 'An FXS port (a phone) or an FXO port (the landline).', additionalProperties: false },
);

export const DialPlanRouteSchema = Type.Object(
  {
    pattern: patterned(PATTERNS.digitMap, { description: 'Digit-map pattern of the numbers this route takes, e.g. 1xxxxxxxxxx|011xx.T.', maxLength: 1024 }),
    route: patterned(PATTERNS.route, { description: 'Where matching calls go: account:<id>, fxo (the landline) or line:<port>.' }),
    strip: Type.Optional(Type.Integer({ description: 'Digits removed from the front of the number.', minimum: 0, maximum: 32 })),
    prepend: Type.Optional(patterned(PATTERNS.dialString, { description: 'Digits put in front of the number (after strip).' })),
  },
  { title: 'Dial-plan route', description: 'A rule for outgoing calls; the first route whose pattern matches is used.', additionalProperties: false },
);

export const AdminSchema = Type.Object(
  {
    password: Type.Optional(Type.String({ description: 'The admin password in plain text; it is hashed on import. At least 8 characters.', minLength: 8, maxLength: 1024 })),
    passwordHash: Type.Optional(patterned(PATTERNS.passwordHash, { description: 'The admin password hash, as exported with secrets.' })),
  },
  { title: 'Admin', description: 'The admin password: give password or passwordHash.', additionalProperties: false },
);

export const RtpSettingsSchema = Type.Object(
  {
    portMin: Type.Optional(Type.Integer({ description: 'Lowest UDP port for RTP (even; RTCP uses the next port).', minimum: 1024, maximum: 65534, default: 10000 })),
    portMax: Type.Optional(Type.Integer({ description: 'Highest UDP port for RTP and RTCP.', minimum: 1025, maximum: 65535, default: 20000 })),
    jitterMinMs: Type.Optional(Type.Integer({ description: 'Smallest playout delay of the jitter buffer, ms.', minimum: 20, maximum: 500, default: 40 })),
    jitterMaxMs: Type.Optional(Type.Integer({ description: 'Largest playout delay of the jitter buffer, ms.', minimum: 40, maximum: 1000, default: 300 })),
  },
  { title: 'RTP', description: 'The media path: UDP ports for calls and jitter-buffer bounds.', additionalProperties: false },
);

export const SipTlsSchema = Type.Object(
  {
    verifyServer: Type.Optional(
      Type.Boolean({ description: 'Check the certificate of a SIP server reached over TLS against the trusted CAs and its domain. Turn off only for a test server.', default: true }),
    ),
    trustedCertificates: Type.Optional(
      Type.String({ description: 'PEM certificates of CAs to trust besides the public ones (e.g. a PBX\'s own CA), one after another.', maxLength: 65536 }),
    ),
  },
  { title: 'SIP over TLS', description: 'How the box checks SIP servers it reaches over TLS.', additionalProperties: false },
);

export const UNKNOWN_CALLER_ACTIONS = ['ring', 'announce', 'message', 'reject'] as const;

const callerList = (description: string): TArray<TString> =>
  Type.Array(patterned(PATTERNS.callerNumber, { description: 'A caller number, or a prefix ending in *.' }), { description, maxItems: 1000, uniqueItems: true });

export const CallScreeningSchema = Type.Object(
  {
    blocked: Type.Optional(callerList('Callers refused without ringing (603 Decline; a landline call is answered and hung up on at once, so other phones on the line stop ringing). A number matches with or without its country or trunk prefix.')),
    allowed: Type.Optional(callerList('Known callers: they always ring (even when anonymous calls or unknown callers are refused), unless blocked.')),
    rejectAnonymous: Type.Optional(Type.Boolean({ description: 'Refuse calls that withhold their number (433 Anonymity Disallowed).', default: false })),
    unknownCallers: Type.Optional(oneOf(UNKNOWN_CALLER_ACTIONS,
      'Callers not in allowed: ring; announce (answer, play "this number does not take calls from unknown callers", hang up); message (landline calls: answer, play a greeting and a beep, record a message, hang up; SIP calls get the announcement); or reject. Anything but ring needs allowed entries.',
      { default: 'ring' })),
  },
  { title: 'Call screening', description: 'Which incoming calls (SIP and landline) ring the phones.', additionalProperties: false },
);

const featureCode = (description: string): TString => patterned(PATTERNS.featureCode, { description });

export const StarCodesSchema = Type.Object(
  {
    dndOn: Type.Optional(featureCode('Do-not-disturb on. Default *78.')),
    dndOff: Type.Optional(featureCode('Do-not-disturb off. Default *79.')),
    forwardAllOn: Type.Optional(featureCode('Forward every call: the code, then the number. Default *72.')),
    forwardAllOff: Type.Optional(featureCode('Cancel forwarding of every call. Default *73.')),
    forwardBusyOn: Type.Optional(featureCode('Forward on busy: the code, then the number. Default *90.')),
    forwardBusyOff: Type.Optional(featureCode('Cancel forwarding on busy. Default *91.')),
    forwardNoAnswerOn: Type.Optional(featureCode('Forward on no answer: the code, then the number. Default *92.')),
    forwardNoAnswerOff: Type.Optional(featureCode('Cancel forwarding on no answer. Default *93.')),
    redial: Type.Optional(featureCode('Call the last number dialled again. Default *66.')),
    anonymousCall: Type.Optional(featureCode('Withhold the number on this call: the code, then the number. Default: the region\'s (*67 in the US).')),
  },
  {
    title: 'Star codes',
    description: 'Feature codes dialled on the phones; each must differ from the others. The digit map must let a code complete (the default maps end codes at *xx).',
    additionalProperties: false,
  },
);

export const ProvisioningDocumentSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Ignored: lets editors find this schema.' })),
    version: Type.Literal(1, { description: 'Format version; always 1.' }),
    admin: Type.Optional(AdminSchema),
    region: Type.Optional(
      Type.String({ description: 'Country profile (ISO 3166-1 alpha-2): tones, ring cadence, caller ID. Default: US.', enum: SUPPORTED_REGIONS.map((r) => r.code) }),
    ),
    accounts: Type.Optional(Type.Array(AccountSchema, { description: 'SIP accounts.', maxItems: 64 })),
    lines: Type.Optional(Type.Array(LineSchema, { description: 'Ports of the board.', maxItems: 16 })),
    dialPlan: Type.Optional(Type.Array(DialPlanRouteSchema, { description: 'Routes for outgoing calls, tried in order.', maxItems: 256 })),
    sipTls: Type.Optional(SipTlsSchema),
    rtp: Type.Optional(RtpSettingsSchema),
    callScreening: Type.Optional(CallScreeningSchema),
    starCodes: Type.Optional(StarCodesSchema),
  },
  {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: PROVISIONING_SCHEMA_ID,
    title: 'Dialtone provisioning document',
    description:
      'Backup, restore and provisioning of a Dialtone box. Every section but version is optional: a missing section is left as it is, a present section replaces that section entirely.',
    additionalProperties: false,
  },
);

export type Account = Static<typeof AccountSchema>;
export type LineFeatures = Static<typeof LineFeaturesSchema>;
export type Line = Static<typeof LineSchema>;
export type DialPlanRoute = Static<typeof DialPlanRouteSchema>;
export type AdminSection = Static<typeof AdminSchema>;
export type SipTlsSettings = Static<typeof SipTlsSchema>;
export type RtpSettings = Static<typeof RtpSettingsSchema>;
export type CallScreening = Static<typeof CallScreeningSchema>;
export type StarCodeSettings = Static<typeof StarCodesSchema>;
export type ProvisioningDocument = Static<typeof ProvisioningDocumentSchema>;

/** The JSON Schema of the provisioning document, as committed in provisioning.schema.json. */
export function provisioningSchemaJson(): string {
  return `${JSON.stringify(ProvisioningDocumentSchema, null, 2)}\n`;
}
