/**
 * A publisher that is not the HTTP front: creates a resource provider by
 * sending the command straight on NATS, and prints the writer's reply.
 *
 *   NATS_URL=nats://127.0.0.1:PORT npx tsx examples/nats-command.ts [name]
 *
 * (The embedded server's URL is in DATA_DIR/nats-run/nats-server_<pid>.ports.)
 */
import { randomUUID } from 'node:crypto';
import { connect, headers, createInbox } from '@nats-io/transport-node';

const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
const inbox = createInbox();
const reply = nc.subscribe(inbox, { max: 1, timeout: 10_000 });

const commandId = randomUUID();
const h = headers();
h.set('Placement-Command-Id', commandId); // reuse on a retry: applied at most once
h.set('Placement-Reply-To', inbox);
h.set('Placement-Request-Id', `req-${randomUUID()}`);
const command = { type: 'CreateResourceProvider', uuid: randomUUID(), name: process.argv[2] ?? 'from-nats', parentUuid: null };
nc.publish(`placement.cmd.${command.type}`, JSON.stringify(command), { headers: h });

for await (const m of reply) console.log(JSON.stringify(m.json(), null, 2));
await nc.close();
