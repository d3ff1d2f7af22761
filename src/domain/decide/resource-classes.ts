/**
 * @module domain/decide/resource-classes
 * Custom resource classes: created, renamed (1.2-1.6), deleted; standard
 * ones are fixed, and a class with inventory cannot go.
 */
import type { Ledger } from '../model.ts';
import type { CreateResourceClass, DeleteResourceClass, RenameResourceClass } from '../commands.ts';
import { reject } from '../rejections.ts';
import { accept, refuse, type Decision } from './decision.ts';

export function decideCreateResourceClass(ledger: Ledger, cmd: CreateResourceClass): Decision {
  if (ledger.resourceClasses.has(cmd.name)) {
    return cmd.ifAbsent ? accept()
      : refuse(reject('Conflict', `Conflicting resource class already exists: ${cmd.name}`));
  }
  return accept({ type: 'ResourceClassCreated', name: cmd.name, id: ledger.nextCustomClassId });
}

export function decideRenameResourceClass(ledger: Ledger, cmd: RenameResourceClass): Decision {
  const rc = ledger.resourceClasses.get(cmd.name);
  if (!rc) return refuse(reject('NotFound', `No such resource class ${cmd.name}.`));
  if (rc.standard) return refuse(reject('BadRequest', `Cannot update standard resource class ${cmd.name}`));
  if (ledger.resourceClasses.has(cmd.newName)) {
    return refuse(reject('Conflict', `Resource class already exists: ${cmd.newName}`));
  }
  return accept({ type: 'ResourceClassRenamed', name: cmd.name, newName: cmd.newName });
}

export function decideDeleteResourceClass(ledger: Ledger, cmd: DeleteResourceClass): Decision {
  const rc = ledger.resourceClasses.get(cmd.name);
  if (!rc) return refuse(reject('NotFound', `No such resource class ${cmd.name}.`));
  if (rc.standard) {
    return refuse(reject('BadRequest',
      `Error in delete resource class: Cannot delete standard resource class ${cmd.name}.`));
  }
  if ((ledger.providersByClass.get(cmd.name)?.size ?? 0) > 0) {
    return refuse(reject('Conflict', `Error in delete resource class: Cannot delete resource class ` +
      `${cmd.name}. Class is in use in inventory.`));
  }
  return accept({ type: 'ResourceClassDeleted', name: cmd.name });
}
