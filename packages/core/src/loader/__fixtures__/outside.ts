/** Fixture: a module outside the fixture project (loading it must be refused). */
export const outside = { kind: 'memory', name: 'outside', specVersion: 1 };
