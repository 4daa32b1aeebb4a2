// A route handler on the Node.js runtime (the default): the package's `node` condition.
import * as clientele from 'clientele';
import { fixtures } from '../../../shared/fixtures.mjs';
import { scenario } from '../../../shared/scenario.mjs';
import { webhook } from '../webhook.js';

export async function GET() {
  return Response.json({ runtime: `node ${process.version}`, results: await scenario(clientele, fixtures) });
}

export function POST(request) {
  return webhook(clientele, request);
}
