import {
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';

/** The scope of every Azure Storage data-plane token (what the Tables SDK asks for). */
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';

/** Raised at start when no storage token can be had: names the identity and what to check. */
export class StorageCredentialError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'StorageCredentialError';
  }
}

/**
 * The credential for a storage account URL: the user-assigned managed identity with this client
 * id, or, without one (local mode only, see MANAGED_IDENTITY_CLIENT_ID), the developer's own
 * sign-in through DefaultAzureCredential.
 */
export function createStorageCredential(
  managedIdentityClientId: string | undefined,
): TokenCredential {
  return managedIdentityClientId
    ? new ManagedIdentityCredential({ clientId: managedIdentityClientId })
    : new DefaultAzureCredential();
}

/**
 * Gets one token now, so a wrong identity stops the start with a message that says what to fix,
 * rather than every later request failing as "storage is not answering". The token is cached by
 * the credential, so the first storage call does not ask again.
 */
export async function checkStorageCredential(
  credential: TokenCredential,
  managedIdentityClientId: string | undefined,
): Promise<void> {
  try {
    const token = await credential.getToken(STORAGE_SCOPE);
    if (!token) throw new Error('the credential returned no token');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StorageCredentialError(
      managedIdentityClientId
        ? `Could not get a storage token for the managed identity ${managedIdentityClientId}: ${reason}\n` +
            'Check that MANAGED_IDENTITY_CLIENT_ID (or MicrosoftAppId, with MicrosoftAppType=UserAssignedMSI) ' +
            'is the Client ID of a user-assigned managed identity attached to this app ' +
            '(App Service → Identity → User assigned).'
        : `Could not get a storage token with your own Azure sign-in (DefaultAzureCredential): ${reason}\n` +
            'Sign in with `az login`, or set MANAGED_IDENTITY_CLIENT_ID where a managed identity is available.',
      { cause: error },
    );
  }
}
