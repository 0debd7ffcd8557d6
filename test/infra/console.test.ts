/**
 * The console's cloud site (lib/constructs/console-site.ts) in the dev stage: a private,
 * TLS-only bucket read through origin access control, the HTTP API under /v1/* of the same
 * distribution, the security headers, the deployment of the built files, and no
 * unacknowledged cdk-nag finding.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Template } from 'aws-cdk-lib/assertions';
import { CONSOLE_CSP } from '../../console/headers.ts';
import { asArray, refId, resources, synthEnvironment, type Synthesized } from './support.ts';

let s: Synthesized;
let t: Template;
beforeAll(() => {
  s = synthEnvironment('dev');
  t = Template.fromStack(s.stage.console);
});

const one = <T>(r: Record<string, T>): [string, T] => {
  const entries = Object.entries(r);
  expect(entries).toHaveLength(1);
  return entries[0]!;
};

describe('console site', () => {
  it('synthesizes with zero unacknowledged cdk-nag findings', () => {
    expect(s.synthError?.message).toBeUndefined();
  });

  it('the files bucket blocks public access, has no website hosting, and its policy denies anything but TLS', () => {
    const buckets = resources(t, 'AWS::S3::Bucket');
    const files = Object.entries(buckets).filter(([, b]) => b.Properties!.LoggingConfiguration);
    const [filesId, bucket] = one(Object.fromEntries(files));
    expect(bucket.Properties!.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties!.WebsiteConfiguration).toBeUndefined();
    for (const b of Object.values(buckets)) expect(b.Properties!.WebsiteConfiguration).toBeUndefined();
    const policy = Object.values(resources(t, 'AWS::S3::BucketPolicy')).find((p) => refId(p.Properties!.Bucket) === filesId)!;
    const statements = policy.Properties!.PolicyDocument.Statement as Record<string, any>[];
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
    );
    // Only CloudFront reads, and only for this distribution (origin access control, not a public grant).
    const reads = statements.filter((st) => st.Effect === 'Allow' && st.Principal?.Service === 'cloudfront.amazonaws.com');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ Action: 's3:GetObject' });
    expect(JSON.stringify(reads[0]!.Condition)).toContain('AWS:SourceArn');
    // Nothing is granted to everyone; the only other grant is CDK's auto-delete role (dev removes the bucket with the stack).
    for (const st of statements.filter((x) => x.Effect === 'Allow')) expect(JSON.stringify(st.Principal)).not.toMatch(/"\*"/);
  });

  it('CloudFront reads the bucket through an origin access control that signs every request', () => {
    const [oacId, oac] = one(resources(t, 'AWS::CloudFront::OriginAccessControl'));
    expect(oac.Properties!.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [, dist] = one(resources(t, 'AWS::CloudFront::Distribution'));
    const cfg = dist.Properties!.DistributionConfig;
    const s3Origin = cfg.Origins.find((o: any) => o.S3OriginConfig);
    expect(refId(s3Origin.OriginAccessControlId)).toBe(oacId);
    expect(s3Origin.S3OriginConfig.OriginAccessIdentity).toBe('');
  });

  it('serves the console by default and sends /v1/* to the HTTP API uncached, with every viewer header but Host', () => {
    const [, dist] = one(resources(t, 'AWS::CloudFront::Distribution'));
    const cfg = dist.Properties!.DistributionConfig;
    expect(cfg.DefaultRootObject).toBe('index.html');
    expect(cfg.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], Compress: true });
    const behaviours = asArray(cfg.CacheBehaviors);
    expect(behaviours.map((b: any) => b.PathPattern)).toEqual(['/v1/*']);
    const api = behaviours[0] as Record<string, any>;
    expect(api).toMatchObject({ ViewerProtocolPolicy: 'https-only', AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'] });
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
    const apiOrigin = cfg.Origins.find((o: any) => o.Id === api.TargetOriginId);
    expect(apiOrigin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    // The origin is the stage's own HTTP API endpoint (imported from the Api stack).
    expect(JSON.stringify(apiOrigin.DomainName)).toMatch(/Fn::ImportValue|ApiEndpoint/);
    expect(cfg.Logging).toBeDefined();
  });

  it('every response carries the headers policy: CSP without inline scripts, HSTS, frame-ancestors none, nosniff, no referrer', () => {
    const [policyId, policy] = one(resources(t, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const h = policy.Properties!.ResponseHeadersPolicyConfig;
    expect(h.SecurityHeadersConfig.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: CONSOLE_CSP, Override: true });
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
    expect(h.SecurityHeadersConfig.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 730 * 86_400, IncludeSubdomains: true, Override: true });
    expect(h.SecurityHeadersConfig.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(h.SecurityHeadersConfig.ContentTypeOptions).toEqual({ Override: true });
    expect(h.SecurityHeadersConfig.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    const [, dist] = one(resources(t, 'AWS::CloudFront::Distribution'));
    const cfg = dist.Properties!.DistributionConfig;
    for (const b of [cfg.DefaultCacheBehavior, ...asArray(cfg.CacheBehaviors)]) expect(refId((b as any).ResponseHeadersPolicyId)).toBe(policyId);
  });

  it('deploys the built files: hashed assets immutable and kept, the page revalidated and invalidated', () => {
    const deployments = Object.values(resources(t, 'Custom::CDKBucketDeployment')).map((d) => d.Properties!);
    expect(deployments).toHaveLength(2);
    const assets = deployments.find((d) => JSON.stringify(d.Include) === '["assets/*"]')!;
    const page = deployments.find((d) => JSON.stringify(d.Include) === '["index.html"]')!;
    expect(assets.SystemMetadata).toMatchObject({ 'cache-control': 'public, max-age=31536000, immutable' });
    expect(assets.Prune).toBe(false);
    expect(page.SystemMetadata).toMatchObject({ 'cache-control': 'no-cache' });
    expect(page.DistributionPaths).toEqual(['/index.html', '/']);
  });
});
