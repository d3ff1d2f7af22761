/**
 * @module http/resource-classes/view
 * A resource class as every microversion shows it: name and self link.
 */
import type { ResourceClass } from '../../domain/model.ts';

export const resourceClassUrl = (name: string): string => `/resource_classes/${name}`;

export const resourceClassView = (name: string): Record<string, unknown> => ({
  name, links: [{ rel: 'self', href: resourceClassUrl(name) }],
});

/** When it last changed; null (standard classes): unknown, shown as now. */
export const resourceClassModified = (rc: ResourceClass): string | null => rc.updatedAt ?? rc.createdAt;
