/**
 * The configuration API of the web page (docs/api.md, "Configuration"): the
 * accounts, lines, dial plan (and its "Try a number") and settings routes (their
 * own files), plus the read-only lists the forms need (regions, provider presets,
 * the provisioning schema) and the factory reset. Every route needs a login; the
 * server's hooks enforce it and the cross-site check.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import { provisioningSchemaJson } from '../../config/provisioning-schema.js';
import { SUPPORTED_REGIONS } from '../../config/regions.js';
import { regionProfile } from '../../line/region-profile.js';
import type { CallerIdStandard } from '../../line/types.js';
import { PROVIDER_PRESETS } from '../provider-presets.js';
import { clearedSessionCookie } from '../request-guard.js';
import { registerAccountsApi } from './accounts-api.js';
import { bodyWithKeys, requireStore, type ConfigApiDeps } from './config-api-deps.js';
import { registerDialPlanTry } from './dial-plan-try.js';
import { registerLinesApi } from './lines-api.js';
import { registerSettingsApi } from './settings-api.js';

export type { BoardPortInfo, ConfigApiDeps } from './config-api-deps.js';

/** What a person must type to confirm a factory reset. */
export const FACTORY_RESET_CONFIRMATION = 'factory reset';

export interface RegionInfo {
  code: string;
  name: string;
  ringFrequencyHz: number;
  callerIdStandard: CallerIdStandard;
  /** The digit map a line uses when it has none of its own. */
  digitMap: string;
}

let regionList: RegionInfo[] | undefined;

/** Every supported region with the line profile values a form shows as defaults (computed once). */
export function regionInfos(): RegionInfo[] {
  regionList ??= SUPPORTED_REGIONS.map(({ code, name }) => {
    const profile = regionProfile(code);
    return { code, name, ringFrequencyHz: profile.ringFrequencyHz, callerIdStandard: profile.callerId.standard, digitMap: profile.digitMap };
  });
  return regionList;
}

let schemaText: string | undefined;

/**
 * The committed provisioning.schema.json, found from this module in the source tree
 * or in dist (like page.ts's publicDir); where neither holds it (a build that did not
 * copy it), the same text generated from provisioning-schema.ts (a test keeps them equal).
 */
export function provisioningSchemaText(): string {
  if (schemaText !== undefined) return schemaText;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, '..', '..', 'config', 'provisioning.schema.json'),
    join(here, '..', '..', '..', '..', 'src', 'config', 'provisioning.schema.json'),
  ];
  const found = candidates.find((c) => existsSync(c));
  schemaText = found === undefined ? provisioningSchemaJson() : readFileSync(found, 'utf8');
  return schemaText;
}

export function configApiRoutes(deps: ConfigApiDeps): (app: FastifyInstance) => void {
  return (app) => {
    registerAccountsApi(app, deps);
    registerLinesApi(app, deps);
    registerDialPlanTry(app, deps);
    registerSettingsApi(app, deps);

    app.get('/api/regions', async () => ({ regions: regionInfos() }));

    app.get('/api/presets', async () => ({ presets: PROVIDER_PRESETS }));

    app.get('/api/schema', async (_req, reply) => reply.type('application/schema+json; charset=utf-8').send(provisioningSchemaText()));

    app.post('/api/system/factory-reset', async (req, reply) => {
      const { confirm } = bodyWithKeys(req.body, ['confirm'], 'factory reset request');
      if (confirm !== FACTORY_RESET_CONFIRMATION) {
        throw new ValidationError('the factory reset was not confirmed', { confirm: `must be "${FACTORY_RESET_CONFIRMATION}"` });
      }
      const store = requireStore(deps);
      deps.log.warn('factory reset requested', { ip: req.ip, by: req.auth?.kind === 'token' ? `token ${req.auth.name}` : 'session' });
      store.factoryReset();
      deps.sessions.clear();
      reply.header('Set-Cookie', clearedSessionCookie(req.protocol === 'https'));
      return { ok: true };
    });
  };
}
