/** Fixture: a before hook referenced from config as `./hooks.ts#audit`. */
export const audit = (payload: { tool: string }): undefined => {
  void payload.tool;
  return undefined;
};
