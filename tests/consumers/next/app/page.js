// A server component (prerendered by `next build`) around a client component.
import CustomerForm from './customer-form';

export default function Page() {
  return (
    <main>
      <h1>New customer</h1>
      <CustomerForm />
    </main>
  );
}
