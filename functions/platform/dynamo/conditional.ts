/** A conditional write as a yes/no: true when it happened, false when its condition failed; any other error throws. */
export async function wrote(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}
