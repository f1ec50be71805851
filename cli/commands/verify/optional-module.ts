/**
 * Loads an SDK client package when verify needs it (importing it with the CLI would slow every command's start):
 * undefined when it is not installed (an install without it), so the check that needs it reports "not checked".
 * Any other failure to load it is thrown.
 */
export async function optionalModule<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
