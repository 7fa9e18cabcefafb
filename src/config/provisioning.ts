/**
 * Validation, export and import of the provisioning document (DESIGN §5,
 * **contract**). A document is checked whole, every problem named by its path
 * (`accounts[0].server`, `lines[2].account`), before anything is written; then it
 * is applied in one transaction. A missing section is left as it is; a present
 * section replaces that section.
 */
import { ValidationError } from '../errors.js';
import type { AccountsRepository } from './accounts-repository.js';
import type { AdminRepository } from './admin-repository.js';
import type { DialPlanRepository } from './dial-plan-repository.js';
import { accountRules, adminRules, lineRules, routeRules } from './entity-checks.js';
import type { LinesRepository } from './lines-repository.js';
import { ProvisioningDocumentSchema, type Account, type ProvisioningDocument } from './provisioning-schema.js';
import { findProblems, type Section, type Snapshot } from './references.js';
import { regionProblem } from './regions.js';
import { schemaErrors } from './schema-errors.js';
import { callScreeningProblems, rtpSettingsProblems, sipTlsProblems, starCodeProblems } from './settings-checks.js';
import type { SettingsRepository } from './settings-repository.js';
import type { ConfigSection } from './types.js';
import { addError, mergeErrors, type FieldErrors } from './validate.js';
import type { Note, Writer } from './writer.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function eachItem(list: unknown, fn: (item: unknown, index: number) => void): void {
  if (Array.isArray(list)) list.forEach((item: unknown, i) => fn(item, i));
}

/**
 * Checks a document whole. References into sections the document leaves out are
 * checked against `stored` when given (an import), and not at all otherwise.
 */
export function checkDocument(doc: unknown, stored?: Snapshot): ProvisioningDocument {
  if (!isObject(doc)) throw new ValidationError('the provisioning document must be a JSON object', { document: 'must be a JSON object' });
  // The rules first: where they and the schema both find a problem in a field, theirs is the more precise message.
  const errors: FieldErrors = {};
  if (doc.admin !== undefined) mergeErrors(errors, adminRules(doc.admin), 'admin.');
  if (typeof doc.region === 'string') {
    const problem = regionProblem(doc.region);
    if (problem !== undefined) addError(errors, 'region', problem);
  }
  if (doc.sipTls !== undefined) mergeErrors(errors, sipTlsProblems(doc.sipTls), 'sipTls.');
  if (doc.rtp !== undefined) mergeErrors(errors, rtpSettingsProblems(doc.rtp), 'rtp.');
  if (doc.callScreening !== undefined) mergeErrors(errors, callScreeningProblems(doc.callScreening), 'callScreening.');
  if (doc.starCodes !== undefined) mergeErrors(errors, starCodeProblems(doc.starCodes), 'starCodes.');
  eachItem(doc.accounts, (a, i) => mergeErrors(errors, accountRules(a), `accounts[${i}].`));
  eachItem(doc.lines, (l, i) => mergeErrors(errors, lineRules(l), `lines[${i}].`));
  eachItem(doc.dialPlan, (r, i) => mergeErrors(errors, routeRules(r), `dialPlan[${i}].`));
  mergeErrors(errors, schemaErrors(ProvisioningDocumentSchema, doc));

  const fromDoc = (section: Section): readonly unknown[] | undefined => {
    const v = doc[section];
    return Array.isArray(v) ? v : doc[section] === undefined ? stored?.[section] : undefined;
  };
  for (const p of findProblems({ accounts: fromDoc('accounts'), lines: fromDoc('lines'), dialPlan: fromDoc('dialPlan') })) {
    const inDocument = Array.isArray(doc[p.section]);
    const message = inDocument ? p.message : `stored ${p.where}, which this document leaves as it is: ${p.message}`;
    addError(errors, `${p.section}[${p.index}].${p.field}`, message);
  }

  const count = Object.keys(errors).length;
  if (count > 0) {
    throw new ValidationError(`the provisioning document was refused (${count} problem${count === 1 ? '' : 's'}); nothing was applied`, errors);
  }
  return doc as ProvisioningDocument;
}

/**
 * Checks a provisioning document on its own (references are checked between the
 * sections it has). Throws ValidationError whose `fields` name every problem.
 */
export function validateProvisioningDocument(doc: unknown): ProvisioningDocument {
  return checkDocument(doc);
}

export interface DocumentParts {
  writer: Writer;
  admin: AdminRepository;
  settings: SettingsRepository;
  accounts: AccountsRepository;
  lines: LinesRepository;
  dialPlan: DialPlanRepository;
  snapshot(): Snapshot;
}

function withoutPassword(a: Account): Account {
  const { password: _password, ...rest } = a;
  return rest;
}

/** The stored configuration as a document; secrets (admin hash, SIP passwords) only when asked for. */
export function exportDocument(parts: DocumentParts, opts: { includeSecrets: boolean }): ProvisioningDocument {
  return parts.writer.read(() => {
    const doc: ProvisioningDocument = { version: 1 };
    const hash = parts.admin.passwordHash();
    if (opts.includeSecrets && hash !== null) doc.admin = { passwordHash: hash };
    const region = parts.settings.storedRegion();
    if (region !== undefined) doc.region = region;
    const sipTls = parts.settings.storedSipTls();
    if (sipTls !== undefined) doc.sipTls = sipTls;
    const rtp = parts.settings.storedRtp();
    if (rtp !== undefined) doc.rtp = rtp;
    const callScreening = parts.settings.callScreening();
    if (callScreening !== undefined) doc.callScreening = callScreening;
    const starCodes = parts.settings.starCodes();
    if (starCodes !== undefined) doc.starCodes = starCodes;
    const accounts = parts.accounts.list();
    doc.accounts = opts.includeSecrets ? accounts : accounts.map(withoutPassword);
    doc.lines = parts.lines.list();
    if (parts.dialPlan.isDefined()) doc.dialPlan = parts.dialPlan.list();
    return doc;
  });
}

/** Checks `input` whole, then applies it in one transaction; one `replace` change per section that changed. */
export function importDocument(parts: DocumentParts, input: unknown): void {
  const doc = checkDocument(input, parts.snapshot());
  // scrypt before the transaction: it is slow and needs no lock.
  const admin = doc.admin;
  const adminHash = admin === undefined ? undefined : admin.passwordHash ?? parts.admin.hashFor(admin.password ?? '');
  parts.writer.write((note: Note) => {
    const changed = (section: ConfigSection, didChange: boolean): void => {
      if (didChange) note({ section, op: 'replace' });
    };
    if (adminHash !== undefined) changed('admin', parts.admin.applyHash(adminHash));
    if (doc.region !== undefined) changed('settings', parts.settings.applyRegion(doc.region));
    if (doc.sipTls !== undefined) changed('settings', parts.settings.applySipTls(doc.sipTls));
    if (doc.rtp !== undefined) changed('settings', parts.settings.applyRtp(doc.rtp));
    if (doc.callScreening !== undefined) changed('settings', parts.settings.applyCallScreening(doc.callScreening));
    if (doc.starCodes !== undefined) changed('settings', parts.settings.applyStarCodes(doc.starCodes));
    if (doc.accounts !== undefined) changed('accounts', parts.accounts.replaceAll(doc.accounts));
    if (doc.lines !== undefined) changed('lines', parts.lines.replaceAll(doc.lines));
    if (doc.dialPlan !== undefined) changed('dialPlan', parts.dialPlan.replaceAll(doc.dialPlan));
  });
}
