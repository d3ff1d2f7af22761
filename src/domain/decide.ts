/**
 * @module domain/decide
 * decide(ledger, command) -> events | rejection. Pure: reads the ledger,
 * never changes it, no clock, no I/O.
 */
import type { Ledger } from './model.ts';
import type { Command } from './commands.ts';
import type { Decision } from './decide/decision.ts';
import { decideCreateProvider, decideDeleteProvider, decideUpdateProvider } from './decide/providers.ts';
import { decideChangeInventories } from './decide/inventories.ts';
import {
  decideCreateResourceClass, decideDeleteResourceClass, decideRenameResourceClass,
} from './decide/resource-classes.ts';
import {
  decideCreateTrait, decideDeleteTrait, decideSetProviderAggregates, decideSetProviderTraits,
} from './decide/traits.ts';
import { decideDeleteAllocations, decideReplaceAllocations } from './decide/allocations.ts';
import { decideReshape } from './decide/reshape.ts';

export type { Decision } from './decide/decision.ts';

export function decide(ledger: Ledger, cmd: Command): Decision {
  switch (cmd.type) {
    case 'CreateResourceProvider': return decideCreateProvider(ledger, cmd);
    case 'UpdateResourceProvider': return decideUpdateProvider(ledger, cmd);
    case 'DeleteResourceProvider': return decideDeleteProvider(ledger, cmd);
    case 'ChangeInventories': return decideChangeInventories(ledger, cmd);
    case 'CreateResourceClass': return decideCreateResourceClass(ledger, cmd);
    case 'RenameResourceClass': return decideRenameResourceClass(ledger, cmd);
    case 'DeleteResourceClass': return decideDeleteResourceClass(ledger, cmd);
    case 'CreateTrait': return decideCreateTrait(ledger, cmd);
    case 'DeleteTrait': return decideDeleteTrait(ledger, cmd);
    case 'SetProviderTraits': return decideSetProviderTraits(ledger, cmd);
    case 'SetProviderAggregates': return decideSetProviderAggregates(ledger, cmd);
    case 'ReplaceAllocations': return decideReplaceAllocations(ledger, cmd);
    case 'DeleteAllocations': return decideDeleteAllocations(ledger, cmd);
    case 'Reshape': return decideReshape(ledger, cmd);
    default: {
      const never: never = cmd;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}
