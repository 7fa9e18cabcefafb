/**
 * The TypeBox schemas of a board profile file (board/profiles/*.json), one per port
 * driver, checked by profiles.ts. The TypeScript types stay the hand-written ones in
 * profile-types.ts (what the drivers take); the assignments at the end make the
 * compiler prove that whatever passes these schemas is one of those types.
 *
 * Ports are checked in two steps (profiles.ts): first `driver`, then the port against
 * that driver's schema, so a mistake is reported at its field
 * (`ports[1].gpio.rm.offset: must be an integer`) instead of as "matches no variant".
 */
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { MODEM_TYPES, type DaaPortSpec, type ModemPortSpec, type SlicPortSpec } from './profile-types.js';

export const PROFILE_BOARDS = ['gpio-slic', 'usb-modem'] as const;
export type ProfileBoard = (typeof PROFILE_BOARDS)[number];
export const PORT_DRIVERS = ['gpio-slic', 'gpio-daa', 'usb-modem'] as const;

/**
 * Schemas may carry `errorMessage`: the message shown when the value fails that
 * schema as a whole (used where TypeBox can only say "matches no variant").
 */
export const ERROR_MESSAGE_KEY = 'errorMessage';

/** A choice among string constants (validated as a union of literals; the static type is the union of the strings). */
function oneOf<const T extends readonly string[]>(values: T, description: string): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v)), { description }));
}

const ChipLabel = Type.String({ description: 'A gpiochip label as in /sys/class/gpio/gpiochip*/label.', minLength: 1, maxLength: 64, pattern: '^[!-~]+$' });

export const GpioLineSchema = Type.Object(
  {
    chip: Type.Union([ChipLabel, Type.Array(ChipLabel, { minItems: 1, maxItems: 8, uniqueItems: true })], {
      description: 'The gpiochip label, or several: the first one present on this machine is used (Pi 3, 4 and 5 differ).',
      [ERROR_MESSAGE_KEY]: 'must be a gpiochip label or a list of them',
    }),
    offset: Type.Integer({ description: 'The line on that chip (on the Pi header chip: the BCM GPIO number).', minimum: 0, maximum: 1023 }),
    activeLow: Type.Optional(Type.Boolean({ description: 'The line is asserted at low voltage.' })),
  },
  { additionalProperties: false },
);

export const AudioDeviceSchema = Type.Object(
  {
    device: Type.String({ description: 'ALSA device, e.g. plughw:CARD=Device,DEV=0.', minLength: 1, maxLength: 128, pattern: '^[!-~]+$' }),
    rate: Type.Optional(Type.Integer({ description: 'The device\'s native rate in Hz; default 48000.', minimum: 8000, maximum: 192000 })),
  },
  { additionalProperties: false },
);

const portNumber = Type.Integer({ description: 'Port number, from 1: FXS ports first, then FXO.', minimum: 1, maximum: 16 });

export const SlicPortSchema = Type.Object(
  {
    port: portNumber,
    kind: Type.Literal('fxs'),
    driver: Type.Literal('gpio-slic'),
    gpio: Type.Object(
      {
        shk: GpioLineSchema,
        rm: GpioLineSchema,
        fr: GpioLineSchema,
        pd: Type.Optional(GpioLineSchema),
      },
      { additionalProperties: false },
    ),
    audio: AudioDeviceSchema,
  },
  { additionalProperties: false },
);

export const DaaPortSchema = Type.Object(
  {
    port: portNumber,
    kind: Type.Literal('fxo'),
    driver: Type.Literal('gpio-daa'),
    gpio: Type.Object(
      {
        hook: GpioLineSchema,
        ring: GpioLineSchema,
        loopCurrent: Type.Optional(GpioLineSchema),
        polarity: Type.Optional(GpioLineSchema),
        lineInUse: Type.Optional(GpioLineSchema),
      },
      { additionalProperties: false },
    ),
    audio: AudioDeviceSchema,
  },
  { additionalProperties: false },
);

export const ModemPortSchema = Type.Object(
  {
    port: portNumber,
    kind: Type.Literal('fxo'),
    driver: Type.Literal('usb-modem'),
    modem: Type.Object(
      {
        path: Type.Optional(Type.String({ description: 'Serial device, e.g. /dev/ttyACM0.', minLength: 2, maxLength: 255, pattern: '^/[!-~]+$' })),
        usbId: Type.Optional(Type.String({ description: 'USB vendor:product in hex, e.g. 0572:1329.', pattern: '^[0-9a-f]{4}:[0-9a-f]{4}$' })),
        type: oneOf(MODEM_TYPES, 'The modem\'s command set.'),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** The schema of each driver's ports. */
export const PORT_SCHEMAS: Readonly<Record<(typeof PORT_DRIVERS)[number], TSchema>> = {
  'gpio-slic': SlicPortSchema,
  'gpio-daa': DaaPortSchema,
  'usb-modem': ModemPortSchema,
};

/** The file around the ports (each port is checked against its driver's schema afterwards). */
export const ProfileFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Ignored: lets editors find a schema.' })),
    id: Type.String({ description: 'The file name without .json; what --profile takes.', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
    name: Type.String({ description: 'What the hardware is, for people.', minLength: 1, maxLength: 200 }),
    board: oneOf(PROFILE_BOARDS, 'The --board value this profile belongs to.'),
    description: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { description: 'Wiring notes, one line each.', maxItems: 60 })),
    ports: Type.Array(Type.Object({ driver: oneOf(PORT_DRIVERS, 'The driver that serves this port.') }), { minItems: 1, maxItems: 16 }),
  },
  { additionalProperties: false },
);

export type ProfileFile = Static<typeof ProfileFileSchema>;

// Compile-time proof that each schema's values are the driver's port type (a mismatch does not compile).
type Assert<T extends true> = T;
type Extends<A, B> = [A] extends [B] ? true : false;
export type _SchemasMatchTypes = [
  Assert<Extends<Static<typeof SlicPortSchema>, SlicPortSpec>>,
  Assert<Extends<Static<typeof DaaPortSchema>, DaaPortSpec>>,
  Assert<Extends<Static<typeof ModemPortSchema>, ModemPortSpec>>,
];
