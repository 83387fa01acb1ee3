import { z } from 'zod';
import type { ChannelKind } from '../normalized-event.js';

const messengerProfileSchema = z.object({
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  name: z.string().optional(),
  profile_pic: z.string().optional(),
  locale: z.string().optional(),
});

export interface ContactProfile {
  name?: string;
  avatarUrl?: string;
  locale?: string;
}

/**
 * Fetches a visitor's public profile with the page token: Messenger's User Profile API
 * (GET /{psid}?fields=first_name,last_name,profile_pic). Returns undefined when Meta refuses,
 * which it does for visitors who have not allowed it; callers keep the contact unnamed then.
 */
export async function fetchContactProfile(
  options: { baseUrl: string; timeoutMs: number },
  channel: { kind: ChannelKind; accessToken: string | null },
  externalId: string,
): Promise<ContactProfile | undefined> {
  if (channel.kind !== 'messenger' || !channel.accessToken) return undefined;
  const url = new URL(`${options.baseUrl}/${encodeURIComponent(externalId)}`);
  url.searchParams.set('fields', 'first_name,last_name,profile_pic');
  url.searchParams.set('access_token', channel.accessToken);

  const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
  if (!response.ok) return undefined;
  const parsed = messengerProfileSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) return undefined;

  const name = parsed.data.name ?? [parsed.data.first_name, parsed.data.last_name].filter(Boolean).join(' ');
  const profile: ContactProfile = {};
  if (name) profile.name = name;
  if (parsed.data.profile_pic) profile.avatarUrl = parsed.data.profile_pic;
  if (parsed.data.locale) profile.locale = parsed.data.locale;
  return profile;
}
