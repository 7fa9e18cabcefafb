/**
 * POST /api/dial-plan/try: where a number dialled on a phone port would go, worked
 * out by the call router's own code (explainOutbound in src/calls/dial-plan.ts, the
 * digit-map parser of src/line/digit-map.ts) with the stored lines and either the
 * stored dial plan or the unsaved routes of the dial-plan page. Routes that could
 * not be saved or parsed are skipped and named in `problems`, with the messages a
 * PUT /api/dial-plan would give.
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import { explainOutbound, type Destination, type RoutingStep } from '../../calls/dial-plan.js';
import { routeErrors } from '../../config/entity-checks.js';
import { LineSchema, ProvisioningDocumentSchema, type DialPlanRoute, type Line } from '../../config/provisioning-schema.js';
import { mergeErrors, type FieldErrors } from '../../config/validate.js';
import { DigitMap, digitMapProblem } from '../../line/digit-map.js';
import type { DigitMatcher } from '../../line/types.js';
import { bodyWithKeys, requireStore, type BoardPortInfo, type ConfigApiDeps } from './config-api-deps.js';

const MAX_PORT = LineSchema.properties.port.maximum ?? 16;
const MAX_ROUTES = ProvisioningDocumentSchema.properties.dialPlan.maxItems ?? 256;
const MAX_NUMBER = 64;

export interface DialPlanTryAnswer {
  destination: Destination;
  step: RoutingStep;
  /** The index in the given (or stored) routes of the route that decided (step 'route'). */
  routeIndex?: number;
  /** The route's pattern completes the number only on the inter-digit timer. */
  onTimeout?: boolean;
  /** What is wrong with each skipped route, by field path (`routes[2].pattern`). */
  problems: FieldErrors;
}

interface TryRequest {
  number: string;
  port: number;
  /** The given routes, or undefined for the stored dial plan. */
  routes: readonly unknown[] | undefined;
}

function portProblem(port: number | undefined, board: readonly BoardPortInfo[], lines: readonly Line[]): string | undefined {
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > MAX_PORT) return `must be a whole number from 1 to ${MAX_PORT}`;
  const fxs = board.filter((p) => p.kind === 'fxs').map((p) => p.port);
  if (board.length > 0 && !fxs.includes(port)) return `must be a phone (FXS) port of the board (${fxs.length > 0 ? fxs.join(', ') : 'it has none'})`;
  if (lines.some((l) => l.port === port && l.kind !== 'fxs')) return `port ${port} is not a phone (FXS) line`;
  return undefined;
}

function tryRequest(body: unknown, board: readonly BoardPortInfo[], lines: readonly Line[]): TryRequest {
  const obj = bodyWithKeys(body, ['number', 'port', 'routes'], 'request to try a number');
  const errors: FieldErrors = {};
  const number = typeof obj.number === 'string' && obj.number.length <= MAX_NUMBER && /^[0-9*#]*$/.test(obj.number) ? obj.number : undefined;
  if (number === undefined) errors.number = `must be a string of digits, * and # (at most ${MAX_NUMBER})`;
  const port = typeof obj.port === 'number' ? obj.port : undefined;
  const badPort = portProblem(port, board, lines);
  if (badPort !== undefined) errors.port = badPort;
  const routes: unknown = obj.routes;
  if (routes !== undefined && !Array.isArray(routes)) errors.routes = 'must be an array of routes';
  else if (Array.isArray(routes) && routes.length > MAX_ROUTES) errors.routes = `must have at most ${MAX_ROUTES} routes`;
  if (number === undefined || port === undefined || Object.keys(errors).length > 0) throw new ValidationError('invalid request to try a number', errors);
  return { number, port, routes: Array.isArray(routes) ? (routes as unknown[]) : undefined };
}

interface UsableRoute {
  route: DialPlanRoute;
  /** Its index in the routes as given. */
  index: number;
}

/**
 * The routes the router could use, each with its matcher; the others' problems go
 * into `problems` as `routes[i].field` (the repository's checks first, so the
 * messages are those of a save; then the router's digit-map parser).
 */
function usableRoutes(routes: readonly unknown[], problems: FieldErrors): { usable: UsableRoute[]; matchers: Map<string, DigitMatcher> } {
  const usable: UsableRoute[] = [];
  const matchers = new Map<string, DigitMatcher>();
  routes.forEach((value, index) => {
    const errors = routeErrors(value);
    if (Object.keys(errors).length > 0) {
      mergeErrors(problems, errors, `routes[${index}].`);
      return;
    }
    // No errors: the value is a valid route (routeErrors checks it against DialPlanRouteSchema).
    const route = value as DialPlanRoute;
    const parseProblem = digitMapProblem(route.pattern);
    if (parseProblem !== undefined) {
      problems[`routes[${index}].pattern`] = parseProblem;
      return;
    }
    if (!matchers.has(route.pattern)) matchers.set(route.pattern, DigitMap.parse(route.pattern));
    usable.push({ route, index });
  });
  return { usable, matchers };
}

export function registerDialPlanTry(app: FastifyInstance, deps: ConfigApiDeps): void {
  app.post('/api/dial-plan/try', async (req): Promise<DialPlanTryAnswer> => {
    const store = requireStore(deps);
    const lines = store.lines.list();
    const { number, port, routes } = tryRequest(req.body, deps.boardPorts(), lines);
    const problems: FieldErrors = {};
    const { usable, matchers } = usableRoutes(routes ?? store.dialPlan.list(), problems);
    const routing = explainOutbound(number, {
      fromPort: port,
      lines,
      routes: usable.map((u) => u.route),
      matcher: (pattern) => matchers.get(pattern) ?? DigitMap.parse(pattern),
    });
    const answer: DialPlanTryAnswer = { destination: routing.destination, step: routing.step, problems };
    if (routing.routeIndex !== undefined) answer.routeIndex = usable[routing.routeIndex]?.index ?? routing.routeIndex;
    if (routing.onTimeout !== undefined) answer.onTimeout = routing.onTimeout;
    return answer;
  });
}
