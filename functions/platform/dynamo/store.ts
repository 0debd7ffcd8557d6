/** What a store function needs: the document client and the physical name of its table. */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface StoreCtx {
  doc: DynamoDBDocumentClient;
  table: string;
}
