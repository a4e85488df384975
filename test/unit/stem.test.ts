import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/domain/ranking/analyse.js';
import { porterStem } from '../../src/domain/ranking/stem.js';

/** "word stem" pairs of the reference algorithm (see the file's header for where they come from). */
const REFERENCE = readFileSync(new URL('../fixtures/porter-stems.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => line.trim().split(/\s+/) as [string, string]);

/** Each word with the stem it gets, for words whose stems should all be `stem`. */
const stems = (words: string[]) => Object.fromEntries(words.map((w) => [w, porterStem(w)]));
const all = (words: string[], stem: string) => Object.fromEntries(words.map((w) => [w, stem]));

describe('the Porter stemmer', () => {
  it("gives the reference stem for Porter's examples of every step and over 300 words of the sample papers", () => {
    expect(REFERENCE.length).toBeGreaterThanOrEqual(300);
    const wrong = REFERENCE.filter(([word, stem]) => porterStem(word) !== stem).map(
      ([word, stem]) => `${word}: ${porterStem(word)}, expected ${stem}`,
    );
    expect(wrong).toEqual([]);
  });

  it('follows the reference implementation where it departs from the 1980 paper (BLI → BLE, LOGI → LOG)', () => {
    // The paper's ABLI → ABLE would leave "possibli"; it had no LOGI rule ("methodologi").
    expect(stems(['possibly', 'visibly', 'methodology', 'technologies'])).toEqual({
      possibly: 'possibl',
      visibly: 'visibl',
      methodology: 'methodolog',
      technologies: 'technolog',
    });
  });

  it('keeps words of one or two letters and words with anything but a to z as they are', () => {
    // Porter would stem "resnet50s" (digits count as consonants); a name with a digit is kept whole.
    expect(stems(['as', 'is', 'resnet50s', 'gpt4', 'naïve'])).toEqual({
      as: 'as',
      is: 'is',
      resnet50s: 'resnet50s',
      gpt4: 'gpt4',
      naïve: 'naïve',
    });
  });
});

describe('deliberate departures from Porter, each with every inflection of the word', () => {
  it('a transformer is a model, not a transformation (Porter: transform for both)', () => {
    expect(stems(['transformer', 'transformers'])).toEqual(all(['transformer', 'transformers'], 'transformer'));
    expect(stems(['transform', 'transforms', 'transformation', 'transformations'])).toEqual(
      all(['transform', 'transforms', 'transformation', 'transformations'], 'transform'),
    );
  });

  it('attention is not attentive (Porter: attent for both)', () => {
    expect(stems(['attention', 'attentions'])).toEqual(all(['attention', 'attentions'], 'attention'));
    expect(porterStem('attentive')).toBe('attent');
  });

  it('an adapter is a module, adaptation what it does (Porter: adapt for both)', () => {
    expect(stems(['adapter', 'adapters'])).toEqual(all(['adapter', 'adapters'], 'adapter'));
    expect(stems(['adapt', 'adapted', 'adaptation', 'adaptive'])).toEqual(
      all(['adapt', 'adapted', 'adaptation', 'adaptive'], 'adapt'),
    );
  });

  it('general, generalization, generative and generic stay apart from generate (Porter: gener for all)', () => {
    // Porter's paper follows "generalizations" through every step to gener: the one example of it
    // that this stemmer does not reproduce, on purpose.
    const generalize = [
      'generalize',
      'generalizes',
      'generalized',
      'generalizing',
      'generalization',
      'generalizations',
      'generalizable',
    ];
    const british = ['generalise', 'generalises', 'generalised', 'generalising', 'generalisation', 'generalisations'];
    expect(stems([...generalize, ...british])).toEqual(all([...generalize, ...british], 'generaliz'));
    expect(stems(['general', 'generally', 'generality'])).toEqual(
      all(['general', 'generally', 'generality'], 'general'),
    );
    expect(stems(['generative', 'generic', 'generics'])).toEqual({
      generative: 'generative',
      generic: 'generic',
      generics: 'generic',
    });
    const generate = [
      'generate',
      'generates',
      'generated',
      'generating',
      'generation',
      'generations',
      'generator',
      'generators',
    ];
    expect(stems(generate)).toEqual(all(generate, 'gener'));
  });

  it('a university is not universal (Porter: univers for universities and universal)', () => {
    expect(stems(['university', 'universities'])).toEqual(all(['university', 'universities'], 'university'));
    expect(porterStem('universal')).toBe('univers');
  });

  it('a query and a paper meet on these stems through the analysis', () => {
    expect(analyse('Generalized transformers generalize').seq).toEqual(['generaliz', 'transformer', 'generaliz']);
    expect(analyse('video generation').seq).not.toContain(analyse('generalized').seq[0]);
  });
});
