import { QueryFailedError } from 'typeorm';
import { ApiError } from './api-error';

/**
 * Runs `work` and turns a violation of one of the named database constraints
 * into its API error: the database enforces the rule, the API explains it.
 */
export async function explainConstraints<T>(errors: Record<string, () => ApiError>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const constraint = (error as { constraint?: string }).constraint;
    if (error instanceof QueryFailedError && constraint && errors[constraint]) throw errors[constraint]();
    throw error;
  }
}
