// A route handler on the Edge runtime: the package's `edge-light` condition, whose entry imports
// both .wasm files as modules (`?module`), as the Edge runtime requires.
import * as clientele from 'clientele';
import { fixtures } from '../../../shared/fixtures.mjs';
import { scenario } from '../../../shared/scenario.mjs';
import { webhook } from '../webhook.js';

export const runtime = 'edge';

export async function GET() {
  return Response.json({ runtime: `edge ${typeof EdgeRuntime === 'string' ? EdgeRuntime : '?'}`, results: await scenario(clientele, fixtures) });
}

export function POST(request) {
  return webhook(clientele, request);
}
