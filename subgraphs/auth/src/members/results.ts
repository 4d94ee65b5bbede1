// Typed failures of the member operations, shared with switchCompany (NotAMember).

export interface NotAMemberResult {
  __typename: 'NotAMember';
  code: 'NOT_FOUND';
  message: string;
}

export interface LastOwnerResult {
  __typename: 'LastOwner';
  code: 'CONFLICT';
  message: string;
}

export const notAMember = (): NotAMemberResult => ({
  __typename: 'NotAMember',
  code: 'NOT_FOUND',
  message: 'This person is not a member of the company.',
});

export const lastOwner = (): LastOwnerResult => ({
  __typename: 'LastOwner',
  code: 'CONFLICT',
  message: 'A company must keep at least one owner. Make someone else an owner first.',
});
