import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType()
export class DeleteTenantPayload {
  @Field(() => ID)
  deletedTenantId!: string;

  @Field(() => String)
  slug!: string;
}
