/** A refresh is still running: the client should ask again after Retry-After. */
export const presentPending = () => ({ status: 'pending' as const });
