/**
 * Double-talk detection for the echo canceller (ITU-T G.168 test 3 measures
 * what it protects: no divergence, and near-end speech passed, while both
 * ends talk). Two detectors, per 8 ms block:
 *
 *  - Geigel (geigel.ts), per sample: Sin louder than ½ of the far-end peak
 *    over the tail. Certain, but blind to near-end speech quieter than the
 *    far end minus 6 dB — e.g. near-end speech at the echo level.
 *  - Residual: once the canceller has converged, the block's residual
 *    (smoothed over ~2 blocks) stands more than 12 dB above the residual the
 *    canceller usually leaves, or above −6 dB re Sin. Catches near-end
 *    speech down to roughly the residual echo level — but also echo the
 *    filter has not learned yet (a new spectral region, an echo path
 *    change), so it only slows adaptation; the two-path rule does the rest.
 *
 * Either one sustained without a single clear block for 1.5 s of far-end
 * activity is taken to be an echo path change rather than talk (talk spurts
 * have gaps): the caller then resets its convergence state and adapts
 * regardless for a while (`pathChange`).
 */
import { GeigelDetector } from './geigel.js';

/** Residual detector: block residual this much above the usual residual. */
const DT_MARGIN = 10 ** (12 / 10);
const DT_MAX_RATIO = 10 ** (-6 / 10);
const DT_ALPHA = 0.5;

export interface BlockEnergies {
  /** Σ Sin² over the block (after the DC blocker). */
  sin: number;
  /** Σ e² of the foreground (the linear Sout). */
  residual: number;
  farActive: boolean;
  /** Sin clearly above the background noise. */
  nearAudible: boolean;
  converged: boolean;
  /** The usual residual/Sin power ratio (1/ERLE), 0 if unknown. */
  usualResidualRatio: number;
}

export interface DoubleTalkDecision {
  geigel: boolean;
  residual: boolean;
  /** Double talk declared for so long that it must be an echo path change. */
  pathChange: boolean;
}

export class DoubleTalkDetector {
  private readonly geigel: GeigelDetector;
  private readonly pathChangeBlocks: number;
  private geigelHit = false;
  private sin = 0;
  private residual = 0;
  private run = 0;
  private lastBlock = false;

  /**
   * @param tailBlocks blocks in the tail (Geigel window)
   * @param minFarPeak far-end peak below which Geigel stays quiet
   * @param pathChangeBlocks blocks of uninterrupted double talk taken as a path change
   */
  constructor(tailBlocks: number, minFarPeak: number, pathChangeBlocks: number) {
    this.geigel = new GeigelDetector(tailBlocks, 0.5, 240, minFarPeak);
    this.pathChangeBlocks = pathChangeBlocks;
  }

  /** Per sample: the Geigel test (with its 30 ms hangover). */
  sample(absFar: number, absNear: number): boolean {
    const hit = this.geigel.step(absFar, absNear);
    if (hit) this.geigelHit = true;
    return hit;
  }

  /** At the end of each block. */
  endBlock(e: BlockEnergies): DoubleTalkDecision {
    this.geigel.endBlock();
    const geigel = this.geigelHit;
    this.geigelHit = false;
    this.sin += DT_ALPHA * (e.sin - this.sin);
    this.residual += DT_ALPHA * (e.residual - this.residual);
    const usual = e.usualResidualRatio > 0 ? e.usualResidualRatio * DT_MARGIN : DT_MAX_RATIO;
    const residual = e.converged && e.farActive && e.nearAudible && this.residual > this.sin * Math.min(DT_MAX_RATIO, usual);
    const any = e.farActive && (geigel || residual);
    this.lastBlock = any;
    let pathChange = false;
    if (e.farActive) {
      if (!any) this.run = 0;
      else if (++this.run >= this.pathChangeBlocks) {
        this.run = 0;
        pathChange = true;
      }
    }
    return { geigel: e.farActive && geigel, residual, pathChange };
  }

  /** Double talk at this moment: Geigel (with hangover) or the last block's decision. */
  get active(): boolean {
    return this.lastBlock || this.geigel.active;
  }

  reset(): void {
    this.geigel.reset();
    this.geigelHit = false;
    this.sin = this.residual = 0;
    this.run = 0;
    this.lastBlock = false;
  }
}
