import type { Server } from 'node:http';
/** Serves `mounts` ({ '/prefix/': folder }) on 127.0.0.1:port (0: any free port). */
export function serveStatic(mounts: Record<string, string>, port?: number, onRequest?: (path: string) => void): Promise<Server>;
/** The demo's mounts: the page, and the package's models. */
export const demoMounts: Record<string, string>;
