/** The configuration store and the provisioning document (DESIGN §5). */
export { ConfigStore, DATABASE_FILE } from './store.js';
export type { ConfigChange, ConfigSection } from './types.js';
export { validateProvisioningDocument } from './provisioning.js';
export {
  PROVISIONING_SCHEMA_ID, ProvisioningDocumentSchema, AccountSchema, LineSchema, DialPlanRouteSchema, provisioningSchemaJson,
  type ProvisioningDocument, type Account, type Line, type LineFeatures, type DialPlanRoute, type AdminSection,
} from './provisioning-schema.js';
export type { Cdr, NewCdr } from './cdr-repository.js';
export type { EventLogEntry, EventLevel, NewEvent } from './events-repository.js';
export type { PageOptions } from './paging.js';
export { SUPPORTED_REGIONS, DEFAULT_REGION, isSupportedRegion, type Region } from './regions.js';
export { MIN_PASSWORD_LENGTH } from './admin-repository.js';
