/** The six handlers: folder name, CloudFormation type and the original Sony Mobile function name. */
export const LAMBDAS = [
  { name: 'route53-dependency', type: 'Custom::Route53Dependency', legacyName: 'route53Dependency' },
  { name: 'vpc-dependency', type: 'Custom::VpcDependency', legacyName: 'vpcDependency' },
  { name: 'image-dependency', type: 'Custom::ImageDependency', legacyName: 'imageDependency' },
  { name: 'elasticache-dependency', type: 'Custom::ElasticacheDependency', legacyName: 'elasticacheDependency' },
  { name: 'stack-dependency', type: 'Custom::StackDependency', legacyName: 'stackDependency' },
  { name: 'certificate-dependency', type: 'Custom::CertificateDependency', legacyName: 'certificateDependency' },
];
