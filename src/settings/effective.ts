import { MASK, maskSecrets } from '../domain/secrets.js';
import { DECLARED, valueText, type Settings, type Source } from './read.js';
import type { Group } from './setting.js';

export interface EffectiveSetting {
  name: string;
  group: Group;
  source: Source;
  /** The value fit to show (secrets ***, URLs without credentials); null when unset. */
  value: string | null;
  /** What unset means, where the declaration says (`generated on first run`). */
  note?: string;
}

/** The settings in effect, in table order, fit to print: `known` secret values are masked wherever they appear. */
export function effectiveSettings(settings: Settings, known: readonly string[]): EffectiveSetting[] {
  return DECLARED.map(([name, declaration]) => {
    const value = settings.values[name];
    const source = settings.sources[name];
    const shown = value === undefined ? null : declaration.secret ? MASK : maskSecrets(valueText(name, value), known);
    const note = source === 'unset' ? declaration.defaultNote : undefined;
    return { name, group: declaration.group, source, value: shown, ...(note ? { note } : {}) };
  });
}
