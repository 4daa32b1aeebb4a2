'use client';
// A client component: validates the form in the browser (no key, no request), and runs the shared
// scenario in the page once mounted, writing its results to #result.
import { useEffect, useState } from 'react';
import * as clientele from 'clientele';
import { fixtures } from '../shared/fixtures.mjs';
import { scenario } from '../shared/scenario.mjs';

const FIELDS = [
  ['email', 'Email'],
  ['phoneNumber', 'Phone'],
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['bvn', 'BVN'],
];

export default function CustomerForm() {
  const [issues, setIssues] = useState([]);
  const [submitted, setSubmitted] = useState(0);
  const [result, setResult] = useState('');

  useEffect(() => {
    scenario(clientele, fixtures).then(
      (results) => setResult(JSON.stringify(results)),
      (e) => setResult(JSON.stringify([{ name: 'scenario', ok: false, detail: String(e) }])),
    );
  }, []);

  function onSubmit(event) {
    event.preventDefault();
    const payload = { ...Object.fromEntries(new FormData(event.currentTarget)), customerType: 'Personal' };
    setIssues(clientele.validateBlocCustomerCreate(payload));
    setSubmitted((n) => n + 1);
  }

  return (
    <>
      <form id="customer" data-submitted={submitted} onSubmit={onSubmit}>
        {FIELDS.map(([name, label]) => {
          const issue = issues.find((i) => i.path === name);
          return (
            <p key={name}>
              <input name={name} placeholder={label} />{' '}
              <small data-issue-for={name} data-code={issue?.code ?? ''}>
                {issue?.message ?? ''}
              </small>
            </p>
          );
        })}
        <button type="submit">Create</button>
      </form>
      <pre id="result">{result}</pre>
    </>
  );
}
