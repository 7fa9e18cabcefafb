/**
 * The transfer rule of a two-path echo canceller (K. Ochiai, T. Araseki,
 * T. Ogihara, "Echo canceller with two echo path models", IEEE Trans. Comm.
 * 25(6), 1977): the background filter adapts, the foreground filter makes the
 * output, and the foreground only ever becomes a copy of the background when
 * the background has done clearly better. Decided per block from the
 * energies of Sin and of both filters' errors, smoothed over ~4 blocks
 * (32 ms), counting only blocks where the far end is active:
 *
 *  - copy background → foreground when its error is 1.5 dB below the
 *    foreground's and 3 dB below Sin;
 *  - reset background ← foreground when its error is 6 dB above the
 *    foreground's (it diverged: undetected double talk, a disturbance);
 *  - clear the foreground when its output has been 6 dB louder than Sin for
 *    128 ms (it is adding echo: the echo path changed or vanished).
 */

const ALPHA = 0.25;
const COPY_VS_FG = 10 ** (-1.5 / 10);
const COPY_VS_SIN = 10 ** (-3 / 10);
const RESET_BG = 10 ** (6 / 10);
const FG_HARMFUL = 10 ** (6 / 10);
const HARMFUL_BLOCKS = 16;

export type TwoPathAction = 'none' | 'copy' | 'reset-background' | 'clear-foreground';

export class TwoPathSwitch {
  private sin = 0;
  private fg = 0;
  private bg = 0;
  private harmful = 0;
  /** Whether the foreground holds anything (it starts empty). */
  private live = false;

  /** One block's Σ Sin², Σ e_fg², Σ e_bg². */
  decide(sin: number, fgError: number, bgError: number): TwoPathAction {
    this.sin += ALPHA * (sin - this.sin);
    this.fg += ALPHA * (fgError - this.fg);
    this.bg += ALPHA * (bgError - this.bg);
    this.harmful = this.live && this.fg > FG_HARMFUL * this.sin ? this.harmful + 1 : 0;
    if (this.harmful >= HARMFUL_BLOCKS) {
      this.harmful = 0;
      this.live = false;
      this.fg = this.sin;
      return 'clear-foreground';
    }
    if (this.bg < COPY_VS_FG * this.fg && this.bg < COPY_VS_SIN * this.sin) {
      this.fg = this.bg;
      this.live = true;
      return 'copy';
    }
    if (this.bg > RESET_BG * this.fg) {
      this.bg = this.fg;
      return 'reset-background';
    }
    return 'none';
  }

  /** The background's smoothed error is below the foreground's. */
  get backgroundAhead(): boolean {
    return this.bg < this.fg;
  }

  /** How far below Sin the background's smoothed error is, dB. */
  get backgroundGainDb(): number {
    return this.bg > 0 ? 10 * Math.log10(this.sin / this.bg) : 0;
  }

  reset(): void {
    this.sin = this.fg = this.bg = 0;
    this.harmful = 0;
    this.live = false;
  }
}
