import type { Paper, PaperInput } from '../../src/domain/paper.js';
import type { Topic } from '../../src/domain/topic.js';

let counter = 0;

/** A paper as a parser would produce it; each call gives a distinct title unless one is passed. */
export function paperInput(overrides: Partial<PaperInput> = {}): PaperInput {
  counter++;
  return {
    title: `A study of sparse attention number ${counter}`,
    abstract: `We study sparse attention in transformers, experiment ${counter}, and report what we found.`,
    authors: ['Ada Lovelace', 'Alan Turing'],
    ...overrides,
  };
}

/** A stored paper, for pure functions that take Paper. */
export function paper(overrides: Partial<Paper> = {}): Paper {
  counter++;
  return {
    id: `title:${counter.toString(16).padStart(16, '0')}`,
    arxivId: null,
    version: null,
    title: `A paper number ${counter}`,
    abstract: 'An abstract.',
    authors: [],
    url: null,
    publishedAt: null,
    firstSeenAt: '2026-11-25T06:00:00.000Z',
    updatedAt: '2026-11-25T06:00:00.000Z',
    ...overrides,
  };
}

export function topic(overrides: Partial<Topic> = {}): Topic {
  return {
    slug: 'nas',
    name: 'Neural architecture search',
    query: '"neural architecture search" OR NAS',
    ...overrides,
  };
}
