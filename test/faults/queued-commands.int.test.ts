/**
 * Commands that arrive while the writer is down wait in PLACEMENT_CMD and
 * are taken when it returns, per README's policy: in memory, at most 60 s;
 * each carries a Placement-Deadline, and one still queued after it is
 * refused with 503. The service runs on an outside nats-server, is killed
 * (kill -9), claims are published straight on NATS (JetStream publish: the
 * stream acknowledges them), then the service starts again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connect, createInbox, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server.ts';
import { startService, type ServiceProcess } from '../support/service-process.ts';
import { createProviders, newTally, sleep, verify, type Claim } from './load.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'placement-fault-queue-'));
let ns: NatsServerHandle | undefined;
let nc: NatsConnection | undefined;
const services: ServiceProcess[] = [];
afterAll(async () => {
  for (const s of services) await s.killGroup();
  await nc?.close();
  await ns?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Reply { ok: boolean; seq?: number; status?: number; rejection?: { kind: string; detail: string } }

describe('commands sent while the writer is down', () => {
  it('wait in PLACEMENT_CMD: taken when it returns, those past their deadline refused with 503', async () => {
    ns = await startNatsServer();
    const env = { NATS_URL: ns.url, LOG_LEVEL: 'warn' };
    let svc = await startService(dataDir, env);
    services.push(svc);
    // Room for 30 single-unit claims on each; the queued ones ask for more (some get 409).
    const providers = await createProviders(svc.url, [30, 30]);
    await svc.killGroup();

    nc = await connect({ servers: ns.url });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const cmd = await jsm.streams.info('PLACEMENT_CMD');
    // The documented policy is the deployed one: in memory, 60 s at most.
    expect(cmd.config.storage).toBe('memory');
    expect(cmd.config.max_age).toBe(60_000_000_000);

    const inbox = createInbox();
    const replies = new Map<string, Reply[]>();
    const sub = nc.subscribe(`${inbox}.*`, {
      callback: (_err, m) => {
        const id = m.subject.slice(inbox.length + 1);
        expect(m.headers?.get('Placement-Command-Id')).toBe(id);
        replies.set(id, [...(replies.get(id) ?? []), m.json<Reply>()]);
      },
    });
    type Sent = { id: string; claim: Claim; kind: 'live' | 'expiring' | 'no-deadline' };
    const sent: Sent[] = [];
    const now = Date.now();
    const kinds = [...Array(40).fill('live'), ...Array(20).fill('expiring'), ...Array(10).fill('no-deadline')] as Sent['kind'][];
    for (const [i, kind] of kinds.entries()) {
      const both = i % 3 === 0;
      const allocations: Record<string, number> = { [providers[0]!.uuid]: 1, ...(both ? { [providers[1]!.uuid]: 1 } : {}) };
      if (!both && i % 2 === 0) { delete allocations[providers[0]!.uuid]; allocations[providers[1]!.uuid] = 1; }
      const claim: Claim = { consumer: randomUUID(), allocations, startedAt: Date.now() };
      const id = randomUUID();
      const h = natsHeaders();
      h.set('Placement-Command-Id', id);
      h.set('Placement-Reply-To', `${inbox}.${id}`);
      h.set('Placement-Request-Id', `req-${id}`);
      if (kind === 'live') h.set('Placement-Deadline', String(now + 30_000));
      if (kind === 'expiring') h.set('Placement-Deadline', String(now + 1_000));
      const command = {
        type: 'ReplaceAllocations', via: 'put',
        consumers: [{
          consumerUuid: claim.consumer, projectId: 'queued-project', userId: 'queued-user', consumerGeneration: null,
          consumerType: 'INSTANCE', allocations: Object.fromEntries(Object.entries(allocations).map(([rp, n]) => [rp, { VCPU: n }])),
        }],
      };
      // JetStream publish: the PubAck says the stream holds it, with no writer running.
      const ack = await js.publish('placement.cmd.ReplaceAllocations', JSON.stringify(command), { headers: h });
      expect(ack.stream).toBe('PLACEMENT_CMD');
      sent.push({ id, claim, kind });
    }
    const waiting = (await jsm.consumers.info('PLACEMENT_CMD', 'writer')).num_pending;
    expect(waiting).toBe(sent.length);
    await sleep(1500); // the expiring ones are now past their deadline
    expect(replies.size).toBe(0); // nobody has answered yet: no writer

    const t0 = Date.now();
    svc = await startService(dataDir, env);
    services.push(svc);
    while (replies.size < sent.length && Date.now() - t0 < 20_000) await sleep(50);
    const answeredIn = Date.now() - t0;
    sub.unsubscribe();

    const tally = newTally();
    const count = { live: { ok: 0, conflict: 0 }, 'no-deadline': { ok: 0, conflict: 0 }, expiring: { refused503: 0, other: 0 } };
    const problems: string[] = [];
    for (const s of sent) {
      const got = replies.get(s.id) ?? [];
      if (got.length !== 1) { problems.push(`${s.kind} command ${s.id}: ${got.length} replies`); continue; }
      const r = got[0]!;
      tally.claims.push(s.claim);
      if (s.kind === 'expiring') {
        if (!r.ok && r.status === 503 && /expired/.test(r.rejection?.detail ?? '')) count.expiring.refused503++;
        else { count.expiring.other++; problems.push(`expired command ${s.id} answered ${JSON.stringify(r)}`); }
        s.claim.outcome = r.ok ? 'acked' : 'refused';
      } else if (r.ok) { count[s.kind].ok++; s.claim.outcome = 'acked'; }
      else if (r.status === 409) { count[s.kind].conflict++; s.claim.outcome = 'refused'; }
      else { problems.push(`${s.kind} command ${s.id} answered ${JSON.stringify(r)}`); s.claim.outcome = 'unknown'; }
    }
    console.log(`[queued while writer down] ${sent.length} commands queued (stream held ${waiting}); writer back, all answered ` +
      `${answeredIn} ms after its start began: live (deadline +30 s) ${count.live.ok} applied, ${count.live.conflict} 409; ` +
      `no deadline ${count['no-deadline'].ok} applied, ${count['no-deadline'].conflict} 409; ` +
      `expired (deadline +1 s) ${count.expiring.refused503} refused 503, ${count.expiring.other} otherwise`);
    expect(problems).toEqual([]);
    expect(count.expiring.refused503).toBe(20);
    expect(count.live.ok + count['no-deadline'].ok).toBeGreaterThan(0);
    expect(count.live.conflict + count['no-deadline'].conflict).toBeGreaterThan(0); // the queue was decided in full against capacity
    // And the state is exactly the applied ones (the expired ones and the 409s absent).
    await verify(svc.url, 'queued while writer down', providers, tally);
    await svc.killGroup();
  }, 60_000);
});
