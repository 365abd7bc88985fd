/** A problem the semantic checks find in parsed config: where (relative to the checked object), the value, and what is wrong. */
export interface SemanticIssue {
  readonly path: (string | number)[];
  readonly value?: unknown;
  readonly message: string;
}
