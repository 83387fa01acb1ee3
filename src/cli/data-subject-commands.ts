import { writeFile } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import type { DataSubjectRequestRow } from '../db/queries/data-subject-requests.js';
import { fromGlobalId } from '../schema/global-id.js';
import { createDataSubjectService } from '../services/data-subject/data-subject.service.js';
import { findRequestingAgent, requiredOption, UsageError, withPrivacyDependencies } from './cli-context.js';

export type CliValues = Record<string, string | string[] | boolean | undefined>;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Accepts a row id (uuid) or the GraphQL global id of a Contact or Agent. */
function subjectIdOption(values: CliValues, kind: 'contact' | 'agent'): string {
  const value = requiredOption(values, `${kind}-id`);
  if (UUID_PATTERN.test(value)) return value.toLowerCase();
  return fromGlobalId(kind === 'contact' ? 'Contact' : 'Agent', value, `--${kind}-id`);
}

/** Reads a correction option: absent keeps the field, and an empty value clears it (contacts only). */
function correctionOption(values: CliValues, name: string): string | null | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function listOption(values: CliValues, name: string): string[] | undefined {
  const value = values[name];
  if (typeof value !== 'string') return undefined;
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function describeRequest(request: DataSubjectRequestRow): string {
  return `Recorded ${request.kind} request ${request.id} (${request.status}).\n`;
}

/**
 * `parley contact|agent export|rectify|erase`: the same requests a tenant admin makes over
 * GraphQL, acting for the admin named by --requested-by.
 */
export async function runDataSubjectCommand(
  config: Config,
  kind: 'contact' | 'agent',
  action: string | undefined,
  values: CliValues,
): Promise<number> {
  if (action !== 'export' && action !== 'rectify' && action !== 'erase') {
    throw new UsageError(`Unknown command "${kind} ${action ?? ''}"; use ${kind} export, rectify or erase.`);
  }
  const tenantSlug = requiredOption(values, 'tenant');
  const subjectId = subjectIdOption(values, kind);
  const requestedBy = requiredOption(values, 'requested-by');
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'html') throw new UsageError(`--format must be json or html; got "${String(format)}".`);

  return withPrivacyDependencies(config, async (deps) => {
    const service = createDataSubjectService(deps);
    const viewer = await findRequestingAgent(deps.db, tenantSlug, requestedBy);

    if (action === 'export') {
      const result = kind === 'contact' ? await service.exportContact(viewer, subjectId, 'cli') : await service.exportAgent(viewer, subjectId, 'cli');
      const text = format === 'json' ? `${JSON.stringify(result.document, null, 2)}\n` : result.html;
      const output = values.output;
      if (typeof output === 'string' && output !== '') {
        await writeFile(output, text, 'utf8');
        process.stderr.write(`Wrote the ${format.toUpperCase()} export of ${kind} ${subjectId} to ${output}.\n`);
      } else {
        process.stdout.write(text);
      }
      process.stderr.write(describeRequest(result.request));
      return 0;
    }

    if (action === 'rectify') {
      if (kind === 'contact') {
        const result = await service.rectifyContact(
          viewer,
          subjectId,
          {
            displayName: correctionOption(values, 'display-name'),
            email: correctionOption(values, 'email'),
            phone: correctionOption(values, 'phone'),
          },
          'cli',
        );
        process.stdout.write(`Corrected contact ${subjectId}: ${(result.request.details as { fields?: string[] }).fields?.join(', ')}.\n`);
        process.stdout.write(describeRequest(result.request));
        return 0;
      }
      const displayName = values['display-name'];
      const email = values.email;
      const result = await service.rectifyAgent(
        viewer,
        subjectId,
        {
          displayName: typeof displayName === 'string' ? displayName : undefined,
          email: typeof email === 'string' ? email : undefined,
          languages: listOption(values, 'languages'),
          skills: listOption(values, 'skills'),
        },
        'cli',
      );
      process.stdout.write(`Corrected agent ${subjectId}: ${(result.request.details as { fields?: string[] }).fields?.join(', ')}.\n`);
      process.stdout.write(describeRequest(result.request));
      return 0;
    }

    const request = kind === 'contact' ? await service.eraseContact(viewer, subjectId, 'cli') : await service.eraseAgent(viewer, subjectId, 'cli');
    const alreadyErased = (request.details as { alreadyErased?: boolean }).alreadyErased === true;
    process.stdout.write(alreadyErased ? `${kind} ${subjectId} was already erased; nothing changed.\n` : `Erased ${kind} ${subjectId}.\n`);
    process.stdout.write(describeRequest(request));
    return 0;
  });
}
