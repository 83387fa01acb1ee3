import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { DataExportPayload } from '../schema/data-export.payload.js';
import { DataSubjectRequest } from '../schema/data-subject-request.type.js';
import { fromGlobalId } from '../schema/global-id.js';
import { toAgent, toContact, toDataSubjectRequest } from '../schema/mappers.js';
import { RectifyAgentInput } from '../schema/rectify-agent.input.js';
import { RectifyAgentPayload } from '../schema/rectify-agent.payload.js';
import { RectifyContactInput } from '../schema/rectify-contact.input.js';
import { RectifyContactPayload } from '../schema/rectify-contact.payload.js';
import type { RequestContext } from '../server/context.js';
import type { DataExportResult } from '../services/data-subject/data-subject.service.js';

const toExportPayload = (result: DataExportResult) =>
  Object.assign(new DataExportPayload(), {
    request: toDataSubjectRequest(result.request),
    json: result.document as unknown as Record<string, unknown>,
    html: result.html,
  });

/** Data-subject requests; every mutation here needs the admin role. */
@Resolver()
export class DataSubjectResolver {
  @Mutation(() => DataExportPayload, { description: 'Exports all data Parley stores about a contact, as JSON and HTML. Admins only.' })
  async exportContactData(@Arg('contactId', () => ID) contactId: string, @Ctx() context: RequestContext): Promise<DataExportPayload> {
    const id = fromGlobalId('Contact', contactId, 'contactId');
    return toExportPayload(await context.services.dataSubjects.exportContact(context.viewer, id));
  }

  @Mutation(() => DataExportPayload, { description: 'Exports all data Parley stores about an agent, as JSON and HTML. Admins only.' })
  async exportAgentData(@Arg('agentId', () => ID) agentId: string, @Ctx() context: RequestContext): Promise<DataExportPayload> {
    const id = fromGlobalId('Agent', agentId, 'agentId');
    return toExportPayload(await context.services.dataSubjects.exportAgent(context.viewer, id));
  }

  @Mutation(() => RectifyContactPayload, { description: "Corrects a contact's name, email or phone. Admins only." })
  async rectifyContact(
    @Arg('input', () => RectifyContactInput) input: RectifyContactInput,
    @Ctx() context: RequestContext,
  ): Promise<RectifyContactPayload> {
    const id = fromGlobalId('Contact', input.contactId, 'contactId');
    const result = await context.services.dataSubjects.rectifyContact(context.viewer, id, {
      displayName: input.displayName,
      email: input.email,
      phone: input.phone,
    });
    return Object.assign(new RectifyContactPayload(), { request: toDataSubjectRequest(result.request), contact: toContact(result.contact) });
  }

  @Mutation(() => RectifyAgentPayload, { description: "Corrects an agent's name, email, languages or skills. Admins only." })
  async rectifyAgent(
    @Arg('input', () => RectifyAgentInput) input: RectifyAgentInput,
    @Ctx() context: RequestContext,
  ): Promise<RectifyAgentPayload> {
    const id = fromGlobalId('Agent', input.agentId, 'agentId');
    const result = await context.services.dataSubjects.rectifyAgent(context.viewer, id, {
      displayName: input.displayName,
      email: input.email,
      languages: input.languages,
      skills: input.skills,
    });
    return Object.assign(new RectifyAgentPayload(), { request: toDataSubjectRequest(result.request), agent: toAgent(result.agent) });
  }

  @Mutation(() => DataSubjectRequest, {
    description:
      'Irreversibly deletes a contact with their identities, conversations, messages and files. Repeating it changes nothing. Admins only.',
  })
  async eraseContact(@Arg('contactId', () => ID) contactId: string, @Ctx() context: RequestContext): Promise<DataSubjectRequest> {
    const id = fromGlobalId('Contact', contactId, 'contactId');
    return toDataSubjectRequest(await context.services.dataSubjects.eraseContact(context.viewer, id));
  }

  @Mutation(() => DataSubjectRequest, {
    description:
      'Irreversibly anonymises an agent: their messages stay as "Former agent" and they can no longer log in. Admins only; not your own account.',
  })
  async eraseAgent(@Arg('agentId', () => ID) agentId: string, @Ctx() context: RequestContext): Promise<DataSubjectRequest> {
    const id = fromGlobalId('Agent', agentId, 'agentId');
    return toDataSubjectRequest(await context.services.dataSubjects.eraseAgent(context.viewer, id));
  }
}
