/**
 * @module domain/decide/providers
 * Creating, renaming, re-parenting and deleting resource providers, with
 * Placement's tree rules: no loops, no moving under a descendant, no
 * deleting a parent or a provider that holds allocations.
 */
import type { Ledger } from '../model.ts';
import type { CreateResourceProvider, DeleteResourceProvider, UpdateResourceProvider } from '../commands.ts';
import { reject } from '../rejections.ts';
import { accept, refuse, type Decision } from './decision.ts';

const actionFailed = (action: string, reason: string) =>
  `Object action ${action} failed because: ${reason}`;

export function decideCreateProvider(ledger: Ledger, cmd: CreateResourceProvider): Decision {
  const cannot = (reason: string) => refuse(reject('BadRequest',
    `Unable to create resource provider "${cmd.name}", ${cmd.uuid}: ${actionFailed('create', reason)}`));
  // Checked before any lookup, as upstream's create() does; a rename to '' is allowed.
  if (cmd.name === '') return cannot('name is required');
  const dupes: string[] = [];
  if (ledger.providers.has(cmd.uuid)) dupes.push(`uuid: ${cmd.uuid}`);
  if (ledger.providerNames.has(cmd.name)) dupes.push(`name: ${cmd.name}`);
  if (dupes.length > 0) {
    return refuse(reject('DuplicateName',
      `Conflicting resource provider ${dupes.join(', ')} already exists.`));
  }
  let rootUuid = cmd.uuid;
  if (cmd.parentUuid !== null) {
    if (cmd.parentUuid === cmd.uuid) {
      return cannot('parent provider UUID cannot be same as UUID. ' +
        'Please set parent provider UUID to None if there is no parent.');
    }
    const parent = ledger.providers.get(cmd.parentUuid);
    if (!parent) return cannot('parent provider UUID does not exist.');
    rootUuid = parent.rootUuid;
  }
  return accept({
    type: 'ResourceProviderCreated', uuid: cmd.uuid, name: cmd.name, parentUuid: cmd.parentUuid, rootUuid,
  });
}

export function decideUpdateProvider(ledger: Ledger, cmd: UpdateResourceProvider): Decision {
  const rp = ledger.providers.get(cmd.uuid);
  if (!rp) return refuse(reject('NotFound', `No resource provider with uuid ${cmd.uuid} found`));
  const holder = ledger.providerNames.get(cmd.name);
  if (holder !== undefined && holder !== cmd.uuid) {
    return refuse(reject('DuplicateName', `Conflicting resource provider ${cmd.name} already exists.`));
  }
  const cannot = (action: string, reason: string) => refuse(reject('BadRequest',
    `Unable to save resource provider ${cmd.uuid}: ${actionFailed(action, reason)}`));
  let parentUuid = rp.parentUuid;
  let rootUuid = rp.rootUuid;
  if (cmd.parentUuid !== undefined && cmd.parentUuid !== rp.parentUuid) {
    if (cmd.parentUuid !== null) {
      const parent = ledger.providers.get(cmd.parentUuid);
      if (!parent) return cannot('create', 'parent provider UUID does not exist.');
      if (rp.parentUuid !== null && !cmd.allowReparent) {
        return cannot('update', 're-parenting a provider is not currently allowed.');
      }
      if (inSubtree(ledger, cmd.uuid, cmd.parentUuid)) {
        return cannot('update', 'creating loop in the provider tree is not allowed.');
      }
      parentUuid = parent.uuid;
      rootUuid = parent.rootUuid;
    } else {
      if (!cmd.allowReparent) return cannot('update', 'un-parenting a provider is not currently allowed.');
      parentUuid = null;
      rootUuid = rp.uuid;
    }
  }
  return accept({
    type: 'ResourceProviderUpdated', uuid: rp.uuid, name: cmd.name, parentUuid, rootUuid,
    generation: rp.generation,
  });
}

export function decideDeleteProvider(ledger: Ledger, cmd: DeleteResourceProvider): Decision {
  const rp = ledger.providers.get(cmd.uuid);
  if (!rp) return refuse(reject('NotFound', `No resource provider with uuid ${cmd.uuid} found for delete`));
  if (rp.children.size > 0) {
    return refuse(reject('CannotDeleteParent',
      `Unable to delete parent resource provider ${cmd.uuid}: It has child resource providers.`));
  }
  if (rp.allocations.size > 0) {
    return refuse(reject('ProviderInUse',
      `Unable to delete resource provider ${cmd.uuid}: Resource provider has allocations.`));
  }
  return accept({ type: 'ResourceProviderDeleted', uuid: cmd.uuid });
}

/** Is `candidate` the provider `top` or one of its descendants? */
function inSubtree(ledger: Ledger, top: string, candidate: string): boolean {
  const stack = [top];
  for (let n = 0; stack.length > 0 && n <= ledger.providers.size; n++) {
    const id = stack.pop()!;
    if (id === candidate) return true;
    stack.push(...(ledger.providers.get(id)?.children ?? []));
  }
  return false;
}
