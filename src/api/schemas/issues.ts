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
 * nothing it can act on. A missing value "is required"; a value of the wrong type says which type it must be; an
 * empty or out-of-range one says its bounds; a word outside a list lists the words. Messages never repeat the
 * value sent, which may be something the client would not want echoed (a secret pasted into the wrong field).
 * A schema's own message, where it has one, wins over these.
 */
export const plainIssues: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = String(issue.expected);
      return `must be ${ARTICLE[expected] ?? `a ${expected}`}${issue.input === null ? ', not null' : ''}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return boundMessage(issue.code, issue.origin, Number(issue.code === 'too_small' ? issue.minimum : issue.maximum), issue.inclusive !== false);
    default:
      return undefined;
  }
};

function boundMessage(code: 'too_small' | 'too_big', origin: string, bound: number, inclusive: boolean): string | undefined {
  const small = code === 'too_small';
  switch (origin) {
    case 'string':
      if (small && bound === 1) return 'must not be empty';
      return `must be at ${small ? 'least' : 'most'} ${bound} characters`;
    case 'array':
      return `must have at ${small ? 'least' : 'most'} ${bound} ${bound === 1 ? 'entry' : 'entries'}`;
    case 'number':
    case 'int':
      if (!inclusive) return `must be ${small ? 'greater' : 'less'} than ${bound}`;
      return `must be at ${small ? 'least' : 'most'} ${bound}`;
    default:
      return undefined;
  }
}

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
