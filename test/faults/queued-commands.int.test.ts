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
    // All held by the stream, none settled: undelivered, or delivered to the dead writer's pull
    // request before the server noticed it was gone (the next writer takes those over too).
    // Applied commands are acked up to 20 ms late, so a few of the load's may still be held too.
    const ci = await jsm.consumers.info('PLACEMENT_CMD', 'writer');
    const waiting = ci.num_pending + ci.num_ack_pending;
    expect(waiting).toBeGreaterThanOrEqual(sent.length);
    expect(waiting - sent.length).toBeLessThan(64);
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
    console.log(`[queued while writer down] ${sent.length} commands queued (stream held ${waiting}, ${ci.num_ack_pending} of them delivered to the dead writer); writer back, all answered ` +
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
    await nc.close();
    nc = undefined;
    await ns.stop();
    ns = undefined;
  }, 60_000);

  it('delivered to a writer that froze and was killed: taken by the next one, not dropped by its acks', async () => {
    ns = await startNatsServer();
    const env = { NATS_URL: ns.url, LOG_LEVEL: 'warn' };
    const dir = mkdtempSync(join(tmpdir(), 'placement-fault-frozen-'));
    try {
      let svc = await startService(dir, env);
      services.push(svc);
      nc = await connect({ servers: ns.url });
      const js = jetstream(nc);
      const jsm = await jetstreamManager(nc);
      const inbox = createInbox();
      const replies = new Map<string, Reply[]>();
      const sub = nc.subscribe(`${inbox}.*`, {
        callback: (_err, m) => {
          const id = m.subject.slice(inbox.length + 1);
          replies.set(id, [...(replies.get(id) ?? []), m.json<Reply>()]);
        },
      });
      type Sent = { id: string; uuid: string; kind: 'frozen-live' | 'frozen-expiring' | 'later' };
      const sent: Sent[] = [];
      const send = async (kind: Sent['kind'], deadline: number) => {
        const id = randomUUID();
        const uuid = randomUUID();
        const h = natsHeaders();
        h.set('Placement-Command-Id', id);
        h.set('Placement-Reply-To', `${inbox}.${id}`);
        h.set('Placement-Deadline', String(deadline));
        await js.publish('placement.cmd.CreateResourceProvider',
          JSON.stringify({ type: 'CreateResourceProvider', uuid, name: `${kind}-${uuid}`, parentUuid: null }), { headers: h });
        sent.push({ id, uuid, kind });
      };
      // The writer hangs (SIGSTOP): the server still delivers to its pull request, nobody decides.
      process.kill(svc.pid, 'SIGSTOP');
      for (let i = 0; i < 10; i++) await send('frozen-live', Date.now() + 40_000);
      for (let i = 0; i < 10; i++) await send('frozen-expiring', Date.now() + 1_000);
      await sleep(1500);
      const stuck = (await jsm.consumers.info('PLACEMENT_CMD', 'writer')).num_ack_pending;
      await svc.killGroup(); // SIGKILL works on a stopped process
      const t0 = Date.now();
      svc = await startService(dir, env);
      services.push(svc);
      for (let i = 0; i < 10; i++) await send('later', Date.now() + 15_000);
      while (replies.size < sent.length && Date.now() - t0 < 15_000) await sleep(50);
      sub.unsubscribe();
      const tally = { 'frozen-live': { ok: 0, expired: 0, none: 0, other: 0 }, 'frozen-expiring': { ok: 0, expired: 0, none: 0, other: 0 },
        later: { ok: 0, expired: 0, none: 0, other: 0 } };
      const problems: string[] = [];
      for (const s of sent) {
        const r = replies.get(s.id)?.[0];
        const seen = r === undefined ? 'none' : r.ok ? 'ok' : r.status === 503 && /expired/.test(r.rejection?.detail ?? '') ? 'expired' : 'other';
        tally[s.kind][seen]++;
        const want = s.kind === 'frozen-expiring' ? 'expired' : 'ok';
        if (seen !== want) problems.push(`${s.kind} command ${s.id}: ${r ? JSON.stringify(r) : 'no reply'}`);
        const got = await fetch(`${svc.url}/resource_providers/${s.uuid}`, { headers: { 'x-auth-token': 'admin' } });
        if (got.status !== (seen === 'ok' ? 200 : 404)) problems.push(`${s.kind} provider ${s.uuid}: GET ${got.status}, reply ${seen}`);
      }
      console.log(`[frozen writer killed] ${stuck} commands were delivered to the frozen writer; answered within ` +
        `${Date.now() - t0} ms of the restart: ${JSON.stringify(tally)}`);
      expect(stuck).toBe(20);
      expect(problems).toEqual([]);
      await svc.killGroup();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
