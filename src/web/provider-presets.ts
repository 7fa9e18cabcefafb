/**
 * Provider presets for the first SIP account (GET /api/presets): what to put in
 * the account form for a PBX or a well-known SIP service. Only registrar names
 * the providers document themselves are given; where the server differs per
 * customer (a PBX, a chosen voip.ms point of presence) `server` is "" and the
 * user types it. `fields` are the form fields the user still has to fill.
 */
import type { Account } from '../config/provisioning-schema.js';

export type PresetField = 'server' | 'username' | 'password' | 'authUsername' | 'displayName';

export interface ProviderPreset {
  readonly id: string;
  readonly name: string;
  /** The registrar (host or host:port); "" when the user must type it. */
  readonly server: string;
  readonly transport: NonNullable<Account['transport']>;
  /** Registration lifetime to request, seconds; unset: the account default (3600). */
  readonly registerExpires?: number;
  /** One plain sentence: what to enter as username and password (and server, when it is blank). */
  readonly help: string;
  /** The form fields the user must fill in. */
  readonly fields: readonly PresetField[];
}

export const PROVIDER_PRESETS: readonly ProviderPreset[] = [
  {
    id: 'generic',
    name: 'Other SIP provider',
    server: '',
    transport: 'udp',
    help: 'Enter the SIP server (registrar), user name and password exactly as your provider gave them to you.',
    fields: ['server', 'username', 'password'],
  },
  {
    id: 'asterisk',
    name: 'Asterisk / FreePBX',
    server: '',
    transport: 'udp',
    help: "Enter the PBX's IP address or host name as the server (port 5060), the extension number as the username and the extension's secret as the password.",
    fields: ['server', 'username', 'password'],
  },
  {
    id: 'freeswitch',
    name: 'FreeSWITCH',
    server: '',
    transport: 'udp',
    help: "Enter the FreeSWITCH server's IP address as the server (port 5060; it is also the default domain), the directory user id (e.g. 1000) as the username and that user's password.",
    fields: ['server', 'username', 'password'],
  },
  {
    id: '3cx',
    name: '3CX',
    server: '',
    transport: 'udp',
    help: "Enter the 3CX system's address as the server, the extension number as the username, and the extension's authentication ID and password from the 3CX console.",
    fields: ['server', 'username', 'authUsername', 'password'],
  },
  {
    id: 'fritzbox',
    name: 'FRITZ!Box',
    server: 'fritz.box',
    transport: 'udp',
    help: 'Set up an IP phone in the FRITZ!Box (Telephony > Telephony Devices) and enter the user name and password you gave it there.',
    fields: ['username', 'password'],
  },
  {
    id: 'linphone',
    name: 'Linphone (free SIP service)',
    server: 'sip.linphone.org',
    transport: 'tls',
    help: 'Enter your linphone.org account name (without @sip.linphone.org) as the username and its password.',
    fields: ['username', 'password'],
  },
  {
    id: 'sipgate',
    name: 'sipgate',
    server: 'sipgate.de',
    transport: 'udp',
    help: 'Enter the SIP ID (e.g. 1234567e0) as the username and the SIP password shown for the device in your sipgate account.',
    fields: ['username', 'password'],
  },
  {
    id: 'voipms',
    name: 'VoIP.ms',
    server: '',
    transport: 'udp',
    help: 'Enter the voip.ms server you picked in the customer portal (a name ending in .voip.ms) as the server, your sub-account (e.g. 123456_home) as the username and its password.',
    fields: ['server', 'username', 'password'],
  },
  {
    id: 'telnyx',
    name: 'Telnyx',
    server: 'sip.telnyx.com',
    transport: 'udp',
    help: "Enter the user name and password of your Telnyx SIP connection's credentials.",
    fields: ['username', 'password'],
  },
];
