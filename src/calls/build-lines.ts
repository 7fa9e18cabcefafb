/**
 * The line side built from the configuration: one runtime per board port (FXS phones
 * with their effective digit map and features, FXO landlines) and the call router
 * over them. The appliance (lines-service.ts) and the router's tests build it the same
 * way, here.
 */
import type { Board } from '../../board/board.js';
import type { Clock } from '../clock.js';
import type { ConfigStore } from '../config/index.js';
import type { Line } from '../config/provisioning-schema.js';
import { DigitMap } from '../line/digit-map.js';
import { fxoConfig } from '../line/fxo-config.js';
import { FxoPort } from '../line/fxo-port.js';
import { FxsPort } from '../line/fxs-port.js';
import { regionProfile } from '../line/region-profile.js';
import type { RegionProfile } from '../line/types.js';
import type { Logger } from '../log.js';
import type { RtpPortAllocator } from '../rtp/port-allocator.js';
import { CallRouter, type SipParts } from './call-router.js';
import { effectiveDigitMap } from './dial-plan.js';

export interface BuiltLines {
  readonly profile: RegionProfile;
  readonly fxs: ReadonlyMap<number, FxsPort>;
  readonly fxo: ReadonlyMap<number, FxoPort>;
  readonly router: CallRouter;
  /** Ends the calls and closes every port runtime (the board stays). */
  close(this: void): void;
}

export interface BuildLinesOptions {
  readonly board: Board;
  readonly store: ConfigStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly allocator: RtpPortAllocator;
  sip(): SipParts | undefined;
}

export function buildLines(opts: BuildLinesOptions): BuiltLines {
  const { board, store, clock, log } = opts;
  const profile = regionProfile(store.settings.region());
  const lines = store.lines.list();
  const routes = store.dialPlan.list();
  const fxs = new Map<number, FxsPort>();
  const fxo = new Map<number, FxoPort>();
  for (const bp of board.ports) {
    const line = lines.find((l) => l.port === bp.port && l.kind === bp.kind);
    const p = lineProfile(profile, line);
    const portLog = log.child({ port: bp.port });
    if (bp.kind === 'fxs') {
      fxs.set(bp.port, new FxsPort({
        board, port: bp.port, clock, log: portLog, flash: p.flash,
        config: {
          profile: p,
          digitMap: DigitMap.parse(effectiveDigitMap(bp.port, p.digitMap, lines, routes)),
          callWaiting: line?.features?.callWaiting ?? true,
          polarityReversal: bp.polarityReversal,
        },
      }));
    } else {
      fxo.set(bp.port, new FxoPort({ board, port: bp.port, clock, log: portLog, profile: p, config: fxoConfig(p) }));
    }
  }
  const router = new CallRouter({ clock, log, store, profile, fxs, fxo, sip: () => opts.sip(), allocator: opts.allocator });
  return {
    profile, fxs, fxo, router,
    close: () => {
      router.stop();
      for (const l of [...fxs.values(), ...fxo.values()]) l.close();
    },
  };
}

/** A line's settings applied to the region's profile. */
function lineProfile(region: RegionProfile, line: Line | undefined): RegionProfile {
  return regionProfile(region.region, {
    ...(line?.digitMap !== undefined ? { digitMap: line.digitMap } : {}),
    ...(line?.callerIdStandard !== undefined ? { callerId: { standard: line.callerIdStandard } } : {}),
  });
}
