/**
 * Box-wide settings over HTTP: GET /api/settings (every section; unset ones `{}`,
 * plus the star codes in effect where none is set), and one PUT per section:
 * region, call screening, star codes, RTP. Each body is checked against its
 * schema (unknown keys refused) and the settings' own rules before it is stored.
 */
import type { FastifyInstance } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import { ValidationError } from '../../errors.js';
import { CallScreeningSchema, RtpSettingsSchema, StarCodesSchema } from '../../config/provisioning-schema.js';
import type { StarCodeSettings } from '../../config/provisioning-schema.js';
import { schemaErrors } from '../../config/schema-errors.js';
import { STAR_CODE_DEFAULTS } from '../../config/settings-checks.js';
import type { ConfigStore } from '../../config/store.js';
import { addError, type FieldErrors } from '../../config/validate.js';
import { regionProfile } from '../../line/region-profile.js';
import { objectBody } from './body.js';
import { bodyWithKeys, requireStore, type ConfigApiDeps } from './config-api-deps.js';

/** The star codes used where none is set: the fixed defaults and the region's withheld-number code. */
export function starCodeDefaults(region: string): Required<StarCodeSettings> {
  return { ...STAR_CODE_DEFAULTS, anonymousCall: regionProfile(region).anonymousCallPrefix };
}

function settingsOf(store: ConfigStore): Record<string, unknown> {
  const region = store.settings.region();
  return {
    region,
    callScreening: store.settings.callScreening() ?? {},
    starCodes: store.settings.starCodes() ?? {},
    starCodeDefaults: starCodeDefaults(region),
    rtp: store.settings.storedRtp() ?? {},
    sipTls: store.settings.storedSipTls() ?? {},
  };
}

/** Checks a section's body against its schema; the setter then applies the section's own rules. */
function checked<S extends TSchema>(schema: S, body: unknown, what: string): Static<S> {
  const obj = objectBody(body);
  const errors: FieldErrors = {};
  for (const [path, message] of Object.entries(schemaErrors(schema, obj))) addError(errors, path, message);
  if (Object.keys(errors).length > 0) throw new ValidationError(`invalid ${what} settings`, errors);
  return obj;
}

export function registerSettingsApi(app: FastifyInstance, deps: ConfigApiDeps): void {
  app.get('/api/settings', async () => settingsOf(requireStore(deps)));

  app.put('/api/settings/region', async (req) => {
    const store = requireStore(deps);
    const { region } = bodyWithKeys(req.body, ['region'], 'region');
    if (typeof region !== 'string') throw new ValidationError('invalid region', { region: 'is required: an ISO 3166 country code' });
    store.settings.setRegion(region);
    deps.log.info('region changed', { region, ip: req.ip });
    return { region: store.settings.region() };
  });

  app.put('/api/settings/call-screening', async (req) => {
    const store = requireStore(deps);
    store.settings.setCallScreening(checked(CallScreeningSchema, req.body, 'call screening'));
    deps.log.info('call screening changed', { ip: req.ip });
    return store.settings.callScreening() ?? {};
  });

  app.put('/api/settings/star-codes', async (req) => {
    const store = requireStore(deps);
    store.settings.setStarCodes(checked(StarCodesSchema, req.body, 'star code'));
    deps.log.info('star codes changed', { ip: req.ip });
    return store.settings.starCodes() ?? {};
  });

  app.put('/api/settings/rtp', async (req) => {
    const store = requireStore(deps);
    store.settings.setRtp(checked(RtpSettingsSchema, req.body, 'RTP'));
    deps.log.info('RTP settings changed', { ip: req.ip });
    return store.settings.storedRtp() ?? {};
  });
}
