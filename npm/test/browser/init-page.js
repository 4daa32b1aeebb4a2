// The README's `clientele/init` block runs first (it awaits init with its own URL); then the API
// from the same entry must work.
import './quickstart-init.js';
import { validateBlocCustomerCreate } from 'clientele/init';

const issues = validateBlocCustomerCreate({
  email: 'ada@',
  phoneNumber: '08012345678',
  firstName: 'Ada',
  lastName: 'Obi',
  customerType: 'Personal',
  bvn: '22222222222',
});
document.querySelector('#result').textContent = JSON.stringify(issues.map((i) => `${i.path}:${i.code}`));
