// CommonJS consumer under nodenext: `require('clientele')` gets the CommonJS build's types.
import clientele = require('clientele');

export function check(): string[] {
  const issues: clientele.Issue[] = clientele.validateBlocCustomerCreate({
    email: 'ada@',
    phoneNumber: '08012345678',
    firstName: 'Ada',
    lastName: 'Obi',
    customerType: 'Personal',
    bvn: '22222222222',
  });
  const client = new clientele.BlocClient({ secretKey: 'sk_test_x' });
  void client;
  // @ts-expect-error: issues are objects, not strings
  const wrong: string[] = issues;
  void wrong;
  return issues.map((i) => i.path);
}
