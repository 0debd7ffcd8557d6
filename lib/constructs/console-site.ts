/**
 * The web console in the cloud: its built files in a private S3 bucket (public access
 * blocked, TLS only, no website hosting) read by CloudFront through origin access control,
 * and the HTTP API as a second origin under `/v1/*`, so console and API share one origin
 * and need no CORS. Every response carries the console's security headers (console/headers.ts)
 * plus HSTS. The files are built by console/build.ts at synth and deployed with a
 * BucketDeployment: hashed assets immutable and kept across deployments, index.html revalidated.
 */
import { execFileSync } from 'node:child_process';
import { AssetHashType, DefaultStackSynthesizer, DockerImage, Duration, Fn, IgnoreMode, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { CACHE_CONTROL, CONSOLE_CSP, PERMISSIONS_POLICY } from '../../console/headers.ts';
import { REPO_ROOT, entryPath } from '../bundling.ts';
import { acknowledge, acknowledgeAll } from '../nag.ts';

export interface ConsoleSiteProps {
  /** `vracu-<env>`: names the headers policy (account-wide names). */
  prefix: string;
  /** The API served under `/v1/*` on the console's origin. */
  httpApi: apigw.IHttpApi;
  removalPolicy: RemovalPolicy;
}

/** The built console as one asset: console/build.ts writes it into CDK's bundling folder (without .gz twins). */
function consoleAsset(scope: Construct): s3assets.Asset {
  return new s3assets.Asset(scope, 'Built', {
    path: entryPath('console'),
    exclude: ['dist'],
    ignoreMode: IgnoreMode.GLOB,
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: the local build below succeeds or throws.
      image: DockerImage.fromRegistry('none'),
      local: {
        tryBundle(outputDir: string) {
          execFileSync(process.execPath, ['--import', 'tsx', entryPath('console/build.ts'), '--out', outputDir, '--no-gzip'], {
            cwd: REPO_ROOT,
            stdio: 'inherit',
          });
          return true;
        },
      },
    },
  });
}

export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const logs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      // CloudFront's standard logs are written with an ACL.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });
    acknowledge(logs, 'AwsSolutions-S1', 'This is the access-log bucket of the console bucket and distribution; logging it into itself would loop.');

    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
    });

    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: `${props.prefix}-console-headers`,
      comment: 'VR-ACU console: CSP without inline scripts, HSTS, no framing, nosniff, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONSOLE_CSP, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    // `https://<id>.execute-api.<region>.amazonaws.com` → its host name.
    const apiDomain = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `VR-ACU console and API (${props.prefix})`,
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new origins.HttpOrigin(apiDomain, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          // Nothing cached; every header but Host (X-API-Key, Idempotency-Key) and the query string reach the API.
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.headers,
          compress: true,
        },
      },
    });
    acknowledgeAll(
      this.distribution,
      ['AwsSolutions-CFR1', 'AwsSolutions-CFR2'],
      'The console and API serve buyers and providers worldwide (no geo restriction); requests are throttled per route and per stage at API Gateway, and a WAF web ACL is left to the deployment.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR4',
      'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose minimum TLS version cannot be raised; a deployment with its own domain sets TLSv1.2_2021.',
    );

    // Hashed assets: immutable, and kept (prune: false) so open tabs can still load theirs.
    const built = consoleAsset(this);
    const files = s3deploy.Source.bucket(built.bucket, built.s3ObjectKey);
    const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      sources: [files],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString(CACHE_CONTROL.asset)],
      memoryLimit: 256,
    });
    const page = new s3deploy.BucketDeployment(this, 'DeployPage', {
      sources: [files],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['index.html'],
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString(CACHE_CONTROL.page)],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/'],
      memoryLimit: 256,
    });
    // The page names assets: they must be there first.
    page.node.addDependency(assets);
    this.acknowledgeDeploymentHandler();
  }

  /** BucketDeployment's provider function is CDK's own singleton at stack level; each finding is acknowledged by name. */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const cdkAssets = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${stack.account}-${stack.region}`;
    const files = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      acknowledge(
        child,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's BucketDeployment provider runs only at deploy time; the managed basic-execution policy only lets it write its own logs.",
      );
      acknowledgeAll(
        child,
        [
          'AwsSolutions-IAM5[Action::s3:GetBucket*]',
          'AwsSolutions-IAM5[Action::s3:GetObject*]',
          'AwsSolutions-IAM5[Action::s3:List*]',
          'AwsSolutions-IAM5[Action::s3:Abort*]',
          'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${cdkAssets}/*]`,
          `AwsSolutions-IAM5[Resource::<${files}.Arn>/*]`,
          'AwsSolutions-IAM5[Resource::*]',
        ],
        "CDK's BucketDeployment grants: read the built console from the CDK assets bucket, sync it into the console bucket (object wildcards within those two buckets) and create the CloudFront invalidation (CloudFront has no resource-level ARN for it).",
      );
      acknowledgeAll(
        child,
        ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion', 'Serverless-LambdaDLQ', 'Serverless-LambdaTracing'],
        "CDK's BucketDeployment provider is CDK's own function (its runtime is chosen by aws-cdk-lib), called synchronously by CloudFormation at deploy time: a failure fails the deployment, so there is nothing for a DLQ or a trace to catch.",
      );
    }
  }
}
