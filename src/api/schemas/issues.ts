import type { z } from 'zod';

/** One thing wrong with a request, named by its field: what error bodies carry in `details`. */
export interface FieldProblem {
  field: string;
  in: 'path' | 'query' | 'body';
  message: string;
}

const ARTICLE: Record<string, string> = { object: 'an object', array: 'an array', integer: 'an integer' };

/**
 * zod's wording for a wrong or absent value ("Invalid input: expected string, received undefined") tells a client
 * nothing it can act on. A missing value "is required"; a value of the wrong type says which type it must be.
 * Messages never repeat the value sent, which may be something the client would not want echoed (a secret pasted
 * into the wrong field). Other issues keep the schema's own message.
 */
export const plainIssues: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  const expected = String(issue.expected);
  return `must be ${ARTICLE[expected] ?? `a ${expected}`}${issue.input === null ? ', not null' : ''}`;
};

/** Each issue of a failed parse as a field problem; an issue about the whole part is named after the part. */
export function problemsOf(error: z.ZodError, where: FieldProblem['in'], prefix: string[] = []): FieldProblem[] {
  return error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map(String)];
    return { field: path.length ? path.join('.') : where, in: where, message: issue.message };
  });
}

/** "Invalid parameter: realm (is required)": the fields and what is wrong with each, in one line for people. */
export function describeProblems(problems: FieldProblem[]): string {
  return problems.map((p) => `${p.field} ${p.message}`).join('; ');
}
