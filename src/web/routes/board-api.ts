/**
 * The line hardware over HTTP (docs/api.md, "Hardware"):
 * GET /api/board — the board, the hardware profile in use, the board's profiles to
 *   choose from, and each port with its fault;
 * PUT /api/board/profile {"profile"} — stores the choice (the `boardProfile` setting),
 *   answers 202, then restarts the board part (and, rest_for_one, what depends on it)
 *   so the new hardware is opened. Refused (409) on the simulated board and when the
 *   box was started with --profile (the command line wins); an id that is not one of
 *   the board's profiles is a field error listing those it has.
 */
import type { FastifyInstance } from 'fastify';
import type { ProfileSummary } from '../../../board/profiles/profiles.js';
import type { BoardKind } from '../../cli-options.js';
import type { ConfigStore } from '../../config/store.js';
import { toError, ValidationError } from '../../errors.js';
import type { HardwareProfileInUse } from '../../lines-service.js';
import type { Logger } from '../../log.js';
import { HttpError } from '../http-error.js';
import { bodyWithKeys, requireStore } from './config-api-deps.js';

export interface BoardPortView {
  port: number;
  kind: 'fxs' | 'fxo';
  /** "hardware fault: …" while the port's hardware is absent or lost, else null. */
  fault: string | null;
}

export interface BoardApiDeps {
  board: BoardKind;
  /** The configuration store (the stored choice); undefined while the config part restarts (503). */
  store: () => ConfigStore | undefined;
  /** `--profile` when the box was started with one: it wins, so the page cannot change it. */
  commandLineProfile: string | undefined;
  /** The profile the running hardware board was opened with (undefined on the sim board). */
  profileInUse: () => HardwareProfileInUse | undefined;
  /** The running board's ports with their faults (empty while the board restarts). */
  ports: () => BoardPortView[];
  /** Every profile file (board/profiles), of every board. */
  profiles: () => ProfileSummary[];
  /** Restarts the board part and the parts after it. */
  restart: () => Promise<void>;
  log: Logger;
}

export interface BoardView {
  board: BoardKind;
  profile: { id: string; name: string; fromCommandLine: boolean } | null;
  profiles: { id: string; name: string; description: string }[];
  ports: BoardPortView[];
}

function ownProfiles(deps: BoardApiDeps): ProfileSummary[] {
  return deps.board === 'sim' ? [] : deps.profiles().filter((p) => p.board === deps.board);
}

export function boardView(deps: BoardApiDeps): BoardView {
  const inUse = deps.board === 'sim' ? undefined : deps.profileInUse();
  return {
    board: deps.board,
    profile: inUse === undefined ? null : { id: inUse.id, name: inUse.name, fromCommandLine: inUse.fromCommandLine },
    profiles: ownProfiles(deps).map((p) => ({ id: p.id, name: p.name, description: p.description })),
    ports: deps.ports(),
  };
}

/** The profile id of a PUT body, checked to be one of the board's own profiles. */
function chosenProfile(deps: BoardApiDeps, body: unknown): string {
  const { profile } = bodyWithKeys(body, ['profile'], 'hardware choice');
  const own = ownProfiles(deps);
  const choices = own.map((p) => p.id).join(', ');
  if (typeof profile !== 'string' || profile === '') {
    throw new ValidationError('choose the hardware', { profile: `is required: one of ${choices}` });
  }
  if (own.some((p) => p.id === profile)) return profile;
  const other = deps.profiles().find((p) => p.id === profile);
  const why = other === undefined
    ? `unknown hardware "${profile}"`
    : `"${profile}" is hardware for the ${other.board} board, not ${deps.board}`;
  throw new ValidationError(`${why}; choose one of ${choices}`, { profile: `${why}; choose one of ${choices}` }, { profile, board: deps.board });
}

export function boardRoutes(deps: BoardApiDeps): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/api/board', async () => boardView(deps));

    app.put('/api/board/profile', async (req, reply) => {
      if (deps.board === 'sim') {
        throw new HttpError(409, 'conflict', 'the simulated board has no hardware to choose (start the box with --board gpio-slic or usb-modem)');
      }
      if (deps.commandLineProfile !== undefined) {
        throw new HttpError(409, 'conflict', `the box was started with --profile ${deps.commandLineProfile}, which wins over a choice made here; start it without --profile to choose the hardware on the page`);
      }
      const store = requireStore(deps);
      const profile = chosenProfile(deps, req.body);
      store.settings.setBoardProfile(profile);
      deps.log.warn('hardware profile chosen over the API: restarting the board', { profile, ip: req.ip });
      // Answer first: the restart takes the web server down and up again (rest_for_one).
      reply.raw.once('finish', () => setImmediate(() => {
        deps.restart().catch((err: unknown) => deps.log.error('restart for the new hardware failed', { profile, err: toError(err).message }));
      }));
      return reply.code(202).send({ profile });
    });
  };
}
