import { z } from 'zod';
import { badInput } from '../../errors/app-error.js';

/** Contact fields to correct: undefined leaves a field as it is, null clears it. */
export interface ContactCorrection {
  displayName?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
}

/** Agent fields to correct; undefined leaves a field as it is, and null is rejected. */
export interface AgentCorrection {
  displayName?: string | null | undefined;
  email?: string | null | undefined;
  languages?: string[] | null | undefined;
  skills?: string[] | null | undefined;
}

const MAX_NAME_LENGTH = 200;
const MAX_SKILLS = 50;
const MAX_SKILL_LENGTH = 100;

const displayName = z.string().trim().min(1, 'must not be empty').max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`);
const email = z.string().trim().pipe(z.email('must be an email address'));
// Digits with an optional leading + and the usual separators; E.164 allows at most 15 digits.
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ().-]*$/, 'must be a phone number such as +32 470 12 34 56')
  .refine((value) => {
    const digits = value.replace(/\D/g, '').length;
    return digits >= 3 && digits <= 15;
  }, 'must have 3 to 15 digits');

function check<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badInput(`${field} ${parsed.error.issues[0]?.message ?? 'is invalid'}.`, { field });
  return parsed.data;
}

/** Canonicalises BCP-47 tags ("EN-gb" becomes "en-GB") and rejects malformed ones, naming the first. */
export function canonicalLanguageTags(tags: string[]): string[] {
  const canonical: string[] = [];
  for (const tag of tags) {
    try {
      const [value] = Intl.getCanonicalLocales(tag.trim());
      if (!value) throw new RangeError('empty tag');
      if (!canonical.includes(value)) canonical.push(value);
    } catch {
      throw badInput(`languages: "${tag}" is not a BCP-47 language tag such as "en" or "nl-BE".`, { field: 'languages' });
    }
  }
  return canonical;
}

function checkSkills(skills: string[]): string[] {
  const cleaned = [...new Set(skills.map((skill) => skill.trim()))];
  if (cleaned.length > MAX_SKILLS) throw badInput(`skills: at most ${MAX_SKILLS} are allowed.`, { field: 'skills' });
  for (const skill of cleaned) {
    if (skill === '' || skill.length > MAX_SKILL_LENGTH) {
      throw badInput(`skills: each skill must have 1 to ${MAX_SKILL_LENGTH} characters.`, { field: 'skills' });
    }
  }
  return cleaned;
}

/** Validates a contact correction; returns the values to store, keyed by column. */
export function parseContactCorrection(input: ContactCorrection) {
  const values: { displayName?: string | null; email?: string | null; phone?: string | null } = {};
  if (input.displayName !== undefined) values.displayName = input.displayName === null ? null : check(displayName, input.displayName, 'displayName');
  if (input.email !== undefined) values.email = input.email === null ? null : check(email, input.email, 'email');
  if (input.phone !== undefined) values.phone = input.phone === null ? null : check(phone, input.phone, 'phone');
  if (Object.keys(values).length === 0) throw badInput('Name at least one field to correct: displayName, email or phone.');
  return values;
}

/** Validates an agent correction; returns the values to store, keyed by column. */
export function parseAgentCorrection(input: AgentCorrection) {
  for (const [field, value] of Object.entries(input)) {
    if (value === null) throw badInput(`${field} cannot be null; leave it out to keep it, or pass [] to clear a list.`, { field });
  }
  const values: { displayName?: string; email?: string; languages?: string[]; skills?: string[] } = {};
  if (input.displayName != null) values.displayName = check(displayName, input.displayName, 'displayName');
  if (input.email != null) values.email = check(email, input.email, 'email');
  if (input.languages != null) values.languages = canonicalLanguageTags(input.languages);
  if (input.skills != null) values.skills = checkSkills(input.skills);
  if (Object.keys(values).length === 0) {
    throw badInput('Name at least one field to correct: displayName, email, languages or skills.');
  }
  return values;
}
