/**
 * Data: one DynamoDB table (TableV2, on demand) per entry of TABLES, encrypted with the
 * stage's customer-managed KMS key (rotated yearly), point-in-time recovery on, TTL and
 * GSIs from the definition. Tables marked `critical`, and every table where the
 * environment asks for deletion protection, are deletion-protected and RETAINed.
 * Also the payments secrets and the artifacts bucket with its keys.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { TABLES, tableName, type TableDef, type TableId } from '../../functions/definitions/tables.ts';
import type { TableAccess } from '../access.ts';
import type { StageSettings } from '../settings.ts';
import { PaymentsSecrets } from '../constructs/payments-secrets.ts';
import { ArtifactsBucket } from '../constructs/artifacts-bucket.ts';

export interface DataStackProps extends StackProps {
  settings: StageSettings;
}

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export class DataStack extends Stack {
  readonly tables: Record<TableId, dynamodb.TableV2>;
  /** Encrypts every table of the stage. */
  readonly key: kms.Key;
  /** The payments context's Secrets Manager secrets (Stripe, the chain wallet). */
  readonly paymentsSecrets: PaymentsSecrets;
  /** The artifacts context's bucket and its keys (sealed job inputs and outputs, wrapped file keys). */
  readonly artifacts: ArtifactsBucket;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const defs = Object.entries(TABLES) as [TableId, TableDef][];
    const retained = (def: TableDef): boolean => def.critical || settings.config.deletionProtection;

    this.key = new kms.Key(this, 'TableKey', {
      alias: `alias/${settings.prefix}-data`,
      description: `Encrypts the DynamoDB tables of ${settings.prefix}`,
      enableKeyRotation: true,
      // A key must outlive every table it encrypts.
      removalPolicy: defs.some(([, d]) => retained(d)) ? RemovalPolicy.RETAIN : settings.removalPolicy,
    });

    const tables = {} as Record<TableId, dynamodb.TableV2>;
    for (const [tableId, def] of defs) {
      const keep = retained(def);
      tables[tableId] = new dynamodb.TableV2(this, `${pascal(def.id)}Table`, {
        tableName: tableName(settings.prefix, tableId),
        partitionKey: { name: def.pk, type: dynamodb.AttributeType.STRING },
        sortKey: { name: def.sk, type: dynamodb.AttributeType.STRING },
        globalSecondaryIndexes: def.gsis.map((g) => ({
          indexName: g.name,
          partitionKey: { name: g.pk, type: dynamodb.AttributeType.STRING },
          sortKey: { name: g.sk, type: dynamodb.AttributeType.STRING },
        })),
        timeToLiveAttribute: def.ttl,
        billing: dynamodb.Billing.onDemand(),
        encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: keep,
        removalPolicy: keep ? RemovalPolicy.RETAIN : settings.removalPolicy,
      });
    }
    this.tables = tables;
    this.paymentsSecrets = new PaymentsSecrets(this, 'PaymentsSecrets', {
      prefix: settings.prefix,
      config: settings.config.payments,
      removalPolicy: settings.removalPolicy,
    });
    this.artifacts = new ArtifactsBucket(this, 'Artifacts', {
      prefix: settings.prefix,
      account: settings.config.account,
      region: settings.config.region,
      lifecycle: settings.config.artifacts,
      logRetentionDays: settings.config.logRetentionDays,
      removalPolicy: settings.removalPolicy,
    });
  }

  /**
   * Grants `access` on one table and exactly its GSIs (no `index/*`), and the use of the
   * table key through DynamoDB only.
   */
  grant(grantee: iam.IGrantable, tableId: TableId, access: TableAccess): void {
    const table = this.tables[tableId];
    const def: TableDef = TABLES[tableId];
    const resources = [table.tableArn, ...def.gsis.map((g) => `${table.tableArn}/index/${g.name}`)];
    const deletes = ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    const writes = def.noDeletes ? WRITE_ACTIONS.filter((a) => !deletes.includes(a)) : WRITE_ACTIONS;
    const actions = access === 'write' ? [...READ_ACTIONS, ...writes] : READ_ACTIONS;
    iam.Grant.addToPrincipal({ grantee, actions, resourceArns: resources });
    // Explicit denies, so no later or broader grant can reopen what the design forbids.
    if (access === 'write' && def.noDeletes) {
      grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: deletes, resources: [table.tableArn] }));
    }
    if (access === 'write' && def.writeOnce?.length) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
          resources: [table.tableArn],
          conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': def.writeOnce.map((p) => `${p}*`) } },
        }),
      );
    }
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: access === 'write' ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${this.region}.amazonaws.com` } },
      }),
    );
  }
}

/** `control-plane` → `ControlPlane` (construct ids). */
export const pascal = (s: string): string =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
