import { z } from 'zod';
import type { MessageTemplate, TemplateCatalog } from '../outbound.js';
import { callGraphApi, type GraphApiClientOptions } from '../meta/graph-api-client.js';

// Lists a WhatsApp Business account's templates: GET /{business account id}/message_templates,
// which Meta pages with cursors.

const templateListSchema = z.object({
  data: z.array(
    z.object({
      name: z.string(),
      language: z.string(),
      status: z.string(),
      category: z.string(),
      components: z.array(z.record(z.string(), z.unknown())).default([]),
    }),
  ),
  paging: z
    .object({ cursors: z.object({ after: z.string().optional() }).optional(), next: z.string().optional() })
    .optional(),
});

const PAGE_SIZE = 100;
// NOTE: an account with more than 2,000 templates gets only the first 2,000 listed.
const MAX_PAGES = 20;

export function createWhatsAppTemplateCatalog(options: GraphApiClientOptions): TemplateCatalog {
  return {
    async listTemplates(account) {
      if (!account.accessToken) {
        return { ok: false, errorCode: 'NO_ACCESS_TOKEN', errorMessage: 'The channel has no access token; reconnect it.' };
      }
      const templates: MessageTemplate[] = [];
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const result = await callGraphApi(
          options,
          {
            method: 'GET',
            edgePath: `${encodeURIComponent(account.accountId)}/message_templates`,
            accessToken: account.accessToken,
            tokenIn: 'header',
            query: { fields: 'name,language,status,category,components', limit: String(PAGE_SIZE), ...(after ? { after } : {}) },
          },
          templateListSchema,
        );
        if (!result.ok) return result;
        templates.push(...result.body.data);
        after = result.body.paging?.cursors?.after;
        // Meta leaves out `next` on the last page.
        if (!result.body.paging?.next || !after) break;
      }
      return { ok: true, templates };
    },
  };
}
