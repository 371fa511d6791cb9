import { SetMetadata } from '@nestjs/common';
import type { Role } from './api-keys.js';

export const ROLES_KEY = 'cohesion-ledger:roles';
export const PUBLIC_KEY = 'cohesion-ledger:public';

/** The roles allowed on a route. A route without @Roles or @Public is refused to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route open without a key (health, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
