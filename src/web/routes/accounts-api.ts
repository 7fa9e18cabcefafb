/**
 * SIP accounts over HTTP: GET /api/accounts (passwords never leave the box; each
 * account says `hasPassword` instead), PUT /api/accounts/:id (a missing or empty
 * password keeps the stored one), DELETE /api/accounts/:id.
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import { assertValidAccount } from '../../config/accounts-repository.js';
import { AccountSchema, ProvisioningDocumentSchema, type Account } from '../../config/provisioning-schema.js';
import { bodyWithKeys, removal, requireStore, type ConfigApiDeps } from './config-api-deps.js';

/** An account as the API shows it. */
export type PublicAccount = Omit<Account, 'password'> & { hasPassword: boolean };

export function publicAccount(a: Account): PublicAccount {
  const { password, ...rest } = a;
  return { ...rest, hasPassword: password !== undefined && password !== '' };
}

/** The account's own keys, plus `hasPassword` so a GET can be sent back as it is (it is ignored). */
const ACCOUNT_KEYS = [...Object.keys(AccountSchema.properties), 'hasPassword'];
const MAX_ACCOUNTS = ProvisioningDocumentSchema.properties.accounts.maxItems ?? 64;

/** The account to store from a PUT body: id from the URL, no password when it is empty, hasPassword dropped. */
function accountFromBody(body: unknown, id: string): Record<string, unknown> {
  const obj = bodyWithKeys(body, ACCOUNT_KEYS, 'account');
  const { hasPassword, password, ...rest } = obj;
  if (hasPassword !== undefined && typeof hasPassword !== 'boolean') {
    throw new ValidationError('invalid account', { hasPassword: 'must be true or false (it is ignored)' });
  }
  if (rest.id !== undefined && rest.id !== id) {
    throw new ValidationError('the account id in the body differs from the one in the URL', { id: `must be '${id}', the id in the URL` });
  }
  return { ...rest, id, ...(password === undefined || password === '' ? {} : { password }) };
}

export function registerAccountsApi(app: FastifyInstance, deps: ConfigApiDeps): void {
  app.get('/api/accounts', async () => ({ accounts: requireStore(deps).accounts.list().map(publicAccount) }));

  app.put<{ Params: { id: string } }>('/api/accounts/:id', async (req, reply) => {
    const store = requireStore(deps);
    const { id } = req.params;
    const account = accountFromBody(req.body, id);
    const isNew = store.accounts.get(id) === undefined;
    if (isNew && store.accounts.list().length >= MAX_ACCOUNTS) {
      throw new ValidationError('too many accounts', { id: `the box holds at most ${MAX_ACCOUNTS} accounts` });
    }
    // The whole account is checked (schema and rules), naming the fields at fault.
    assertValidAccount(account);
    store.accounts.upsert(account);
    const saved = store.accounts.get(id);
    if (saved === undefined) throw new Error(`account '${id}' was not stored`);
    deps.log.info(isNew ? 'account added' : 'account changed', { id, ip: req.ip });
    return reply.code(isNew ? 201 : 200).send({ account: publicAccount(saved) });
  });

  app.delete<{ Params: { id: string } }>('/api/accounts/:id', async (req, reply) => {
    const store = requireStore(deps);
    const { id } = req.params;
    removal(() => store.accounts.remove(id), 'id');
    deps.log.info('account removed', { id, ip: req.ip });
    return reply.code(204).send();
  });
}
