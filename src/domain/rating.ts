// A reader's rating of a paper in one of their topics: "more like this" (1) or "not for me" (-1).
// Ratings are personal data: exported with the reader and erased with them.

export type RatingValue = 1 | -1;

export interface Rating {
  subscriberId: string;
  topicSlug: string;
  /** The paper's canonical id (e.g. arxiv:2401.00001). */
  paperId: string;
  value: RatingValue;
  /** ISO 8601 UTC. */
  ratedAt: string;
}
