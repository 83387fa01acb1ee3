import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { TenantStatus } from './enums.js';
import { TenantUsage } from './tenant-usage.type.js';

@ObjectType({ description: 'A company using Parley, as the platform operator sees it.' })
export class Tenant {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Lowercase letters, digits and dashes; agents log in with it.' })
  slug!: string;

  @Field(() => String)
  name!: string;

  @Field(() => TenantStatus)
  status!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => TenantUsage)
  usage!: TenantUsage;
}
