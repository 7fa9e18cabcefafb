/**
 * Turns reference problems found after a repository write into the error the
 * caller gets: a ValidationError naming the fields of the value being written
 * when the problem is in it, a ConflictError naming the other items otherwise
 * (e.g. removing an account that a line still uses).
 */
import { ConflictError, ValidationError } from '../errors.js';
import { findProblems, type Section, type Snapshot } from './references.js';
import { addError, type FieldErrors } from './validate.js';

export interface Subject {
  section: Section;
  /** Index of the value being written in `snap`, or -1 when it is being removed. */
  index: number;
  /** The value for people: `line 3`, `account 'main'`. */
  label: string;
  /** Field paths are prefixed with this (`dialPlan` for a whole-section write). */
  fieldPrefix?: (index: number) => string;
}

export function assertConsistent(snap: Snapshot, subject: Subject): void {
  const problems = findProblems(snap);
  if (problems.length === 0) return;
  const own = problems.filter((p) => p.section === subject.section && (subject.index < 0 ? false : subject.fieldPrefix !== undefined || p.index === subject.index));
  if (own.length > 0) {
    const fields: FieldErrors = {};
    for (const p of own) addError(fields, `${subject.fieldPrefix?.(p.index) ?? ''}${p.field}`, p.message);
    throw new ValidationError(`invalid ${subject.label}`, fields);
  }
  const users = [...new Set(problems.map((p) => p.where))];
  const details = problems.map((p) => `${p.where} ${p.field}: ${p.message}`);
  if (subject.index < 0) {
    throw new ConflictError(`${subject.label} is still used by ${users.join(', ')}`, { usedBy: users, problems: details });
  }
  throw new ConflictError(`${subject.label} conflicts with ${users.join(', ')} (${details.join('; ')})`, { problems: details });
}
