import { Field, ObjectType } from 'type-graphql';
import { Contact } from './contact.type.js';
import { DataSubjectRequest } from './data-subject-request.type.js';

@ObjectType()
export class RectifyContactPayload {
  @Field(() => DataSubjectRequest)
  request!: DataSubjectRequest;

  @Field(() => Contact)
  contact!: Contact;
}
