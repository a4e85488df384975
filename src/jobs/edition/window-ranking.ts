import type { Paper } from '../../domain/paper.js';
import type { FullTextStore } from '../../store/ports.js';
import { backgroundPapers, type BackgroundStore } from '../select/background.js';
import type { PickOptions } from '../select/pick.js';

/** How an edition's window is ranked: beside which papers, and with which options. */
export interface WindowRanking {
  /** The papers a ranking reads beside a window's candidates (see select/background.ts). */
  background(): Promise<Paper[]>;
  /** How a window is ranked and picked into `slots`: the operator's popularity share, on the store's full-text engine. */
  options(background: readonly Paper[], slots: number): PickOptions;
}

export function windowRanking(
  store: BackgroundStore & FullTextStore,
  config: { digest: { popularity?: number } },
): WindowRanking {
  return {
    background: () => backgroundPapers(store),
    options: (background, slots) => ({
      background,
      slots,
      popularity: config.digest.popularity ?? 0,
      lexicalIndex: store.lexicalIndex,
    }),
  };
}
