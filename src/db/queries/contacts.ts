import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { ContactRef } from '../../channels/normalized-event.js';
import type { Tx } from '../database.js';
import { contactIdentities, contacts } from '../schema.js';

export type ContactRow = typeof contacts.$inferSelect;

/**
 * Returns the contact behind a channel identity, creating both on first contact. Safe under
 * concurrent webhooks for the same new visitor: the loser of the insert race reuses the winner's row.
 */
export async function findOrCreateContact(
  tx: Tx,
  tenantId: string,
  channelId: string,
  ref: ContactRef,
): Promise<{ contactId: string; created: boolean }> {
  const existing = await findIdentity(tx, channelId, ref.externalId);
  if (existing) {
    if (ref.profileName && ref.profileName !== existing.profileName) {
      await tx
        .update(contactIdentities)
        .set({ profileName: ref.profileName })
        .where(eq(contactIdentities.id, existing.id));
      await tx
        .update(contacts)
        .set({ displayName: ref.profileName, updatedAt: sql`now()` })
        .where(and(eq(contacts.id, existing.contactId), sql`${contacts.displayName} is not distinct from ${existing.profileName}`));
    }
    return { contactId: existing.contactId, created: false };
  }

  const [contact] = await tx
    .insert(contacts)
    .values({ tenantId, displayName: ref.profileName ?? null })
    .returning({ id: contacts.id });
  if (!contact) throw new Error('insert into contacts returned no row');

  const [identity] = await tx
    .insert(contactIdentities)
    .values({
      tenantId,
      contactId: contact.id,
      channelId,
      externalId: ref.externalId,
      profileName: ref.profileName ?? null,
    })
    .onConflictDoNothing({ target: [contactIdentities.channelId, contactIdentities.externalId] })
    .returning({ contactId: contactIdentities.contactId });
  if (identity) return { contactId: identity.contactId, created: true };

  // Another transaction created the identity first: drop our contact and use theirs.
  await tx.delete(contacts).where(eq(contacts.id, contact.id));
  const winner = await findIdentity(tx, channelId, ref.externalId);
  if (!winner) throw new Error('contact identity vanished after an insert conflict');
  return { contactId: winner.contactId, created: false };
}

async function findIdentity(tx: Tx, channelId: string, externalId: string) {
  const [row] = await tx
    .select()
    .from(contactIdentities)
    .where(and(eq(contactIdentities.channelId, channelId), eq(contactIdentities.externalId, externalId)));
  return row;
}

export async function findContactIdByIdentity(
  tx: Tx,
  channelId: string,
  externalId: string,
): Promise<string | undefined> {
  return (await findIdentity(tx, channelId, externalId))?.contactId;
}

/** Identities among `externalIds` on a channel that have no profile name yet. */
export function findUnnamedIdentities(tx: Tx, channelId: string, externalIds: string[]) {
  if (externalIds.length === 0) return Promise.resolve([]);
  return tx
    .select({ id: contactIdentities.id, contactId: contactIdentities.contactId, externalId: contactIdentities.externalId })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.channelId, channelId),
        inArray(contactIdentities.externalId, externalIds),
        isNull(contactIdentities.profileName),
      ),
    );
}

/** Stores a fetched profile on the identity, and as the contact's name when it has none. */
export async function applyFetchedProfile(
  tx: Tx,
  identity: { id: string; contactId: string },
  profile: { name?: string; avatarUrl?: string; locale?: string },
): Promise<void> {
  await tx
    .update(contactIdentities)
    .set({
      profileName: profile.name ?? null,
      avatarUrl: profile.avatarUrl ?? null,
      locale: profile.locale ?? null,
    })
    .where(eq(contactIdentities.id, identity.id));
  if (profile.name) {
    await tx
      .update(contacts)
      .set({ displayName: profile.name, updatedAt: sql`now()` })
      .where(and(eq(contacts.id, identity.contactId), isNull(contacts.displayName)));
  }
}

export async function contactExists(tx: Tx, contactId: string): Promise<boolean> {
  const [row] = await tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, contactId));
  return row !== undefined;
}

export async function findContact(tx: Tx, contactId: string): Promise<ContactRow | undefined> {
  const [row] = await tx.select().from(contacts).where(eq(contacts.id, contactId));
  return row;
}

/** Returns the contact's id on one channel, such as the page-scoped id a reply is sent to. */
export async function findContactExternalId(tx: Tx, contactId: string, channelId: string): Promise<string | undefined> {
  const [row] = await tx
    .select({ externalId: contactIdentities.externalId })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.contactId, contactId), eq(contactIdentities.channelId, channelId)));
  return row?.externalId;
}

export type ContactIdentityRow = typeof contactIdentities.$inferSelect;

/** Returns a contact's identity on one channel, such as a webchat visitor's id and browser locale. */
export async function findIdentityOnChannel(
  tx: Tx,
  contactId: string,
  channelId: string,
): Promise<ContactIdentityRow | undefined> {
  const [row] = await tx
    .select()
    .from(contactIdentities)
    .where(and(eq(contactIdentities.contactId, contactId), eq(contactIdentities.channelId, channelId)));
  return row;
}

export async function updateIdentity(
  tx: Tx,
  identityId: string,
  values: Partial<Pick<ContactIdentityRow, 'profileName' | 'locale'>>,
): Promise<void> {
  await tx.update(contactIdentities).set(values).where(eq(contactIdentities.id, identityId));
}

export async function updateContact(
  tx: Tx,
  contactId: string,
  values: Partial<Pick<ContactRow, 'displayName' | 'email' | 'phone'>>,
): Promise<ContactRow | undefined> {
  const [row] = await tx
    .update(contacts)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(contacts.id, contactId))
    .returning();
  return row;
}
