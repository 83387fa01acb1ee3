import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { ChannelKind } from './enums.js';

@ObjectType({ description: 'A connected account on a provider, such as a Facebook page. Its access token is never exposed.' })
export class Channel {
  @Field(() => ID)
  id!: string;

  @Field(() => ChannelKind)
  kind!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "The provider's id for the account, such as the page id." })
  externalId!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  /** The owning tenant's row id, for field resolvers; not exposed. */
  tenantId!: string;
}
